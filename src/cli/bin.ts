/** The bundle's entry: run `skm` with the process arguments. */
import { run } from './main.js';

run();
