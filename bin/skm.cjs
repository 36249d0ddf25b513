#!/usr/bin/env node
// Launcher of the `skm` command: runs the bundle that `npm run build:cli` writes to dist/skm.cjs.
'use strict';
const path = require('node:path');
const fs = require('node:fs');

const bundle = path.join(__dirname, '..', 'dist', 'skm.cjs');
if (!fs.existsSync(bundle)) {
  process.stderr.write('skm is not built yet. Run "npm run build:cli" in the project folder, then try again.\n');
  process.exit(1);
}
require(bundle);
