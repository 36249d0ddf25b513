import { describe, expect, it } from 'vitest';
import { TOUCH_WAIT_MS } from '../../../src/cli/progress.js';
import { TOUCH_TIMEOUT_MS } from '../../../src/usecases/touch.js';

describe('touch countdown', () => {
  it('counts down exactly the time the touch test waits (the CLI keeps its own copy to start fast)', () => {
    expect(TOUCH_WAIT_MS).toBe(TOUCH_TIMEOUT_MS);
  });
});
