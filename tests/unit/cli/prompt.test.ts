import { EventEmitter } from 'node:events';
import { describe, expect, it } from 'vitest';
import { CancelledError } from '../../../src/errors.js';
import { createPrompter, type PromptInput } from '../../../src/cli/prompt.js';
import { UsageError } from '../../../src/cli/usage-error.js';

class FakeInput extends EventEmitter {
  rawModes: boolean[] = [];
  paused = true;
  constructor(readonly isTTY: boolean) {
    super();
  }
  setRawMode(mode: boolean) {
    this.rawModes.push(mode);
    return this;
  }
  setEncoding() {
    return this;
  }
  resume() {
    this.paused = false;
    return this;
  }
  pause() {
    this.paused = true;
    return this;
  }
  type(text: string) {
    this.emit('data', text);
  }
}

function sink() {
  const chunks: string[] = [];
  return { chunks, write: (s: string) => chunks.push(s), text: () => chunks.join('') };
}

const asInput = (f: FakeInput) => f as unknown as PromptInput;

describe('terminal prompter', () => {
  it('reads a secret in raw mode without echoing it; backspace and escape sequences work', async () => {
    const input = new FakeInput(true);
    const out = sink();
    const p = createPrompter(asInput(input), out);
    expect(p.interactive).toBe(true);
    const answer = p.secret('PIN: ');
    input.type('12x');
    input.type('\u007f'); // backspace removes "x"
    input.type('\u001b[D'); // left arrow is ignored
    input.type('34');
    input.type('\r');
    await expect(answer).resolves.toBe('1234');
    expect(out.text()).toBe('PIN: \n');
    expect(input.rawModes).toEqual([true, false]);
    expect(input.paused).toBe(true);
    expect(input.listenerCount('data')).toBe(0);
  });

  it('handles multi-byte characters and Ctrl-U', async () => {
    const input = new FakeInput(true);
    const p = createPrompter(asInput(input), sink());
    const answer = p.secret('PIN: ');
    input.type('wrong');
    input.type('\u0015');
    input.type('pé🔑x\u007f\n');
    await expect(answer).resolves.toBe('pé🔑');
  });

  it('Ctrl-C cancels and restores the terminal', async () => {
    const input = new FakeInput(true);
    const p = createPrompter(asInput(input), sink());
    const answer = p.secret('PIN: ');
    input.type('12\u0003');
    await expect(answer).rejects.toBeInstanceOf(CancelledError);
    expect(input.rawModes).toEqual([true, false]);
  });

  it('echoes visible confirmations', async () => {
    const input = new FakeInput(true);
    const out = sink();
    const p = createPrompter(asInput(input), out);
    const answer = p.line('Type RESET: ');
    input.type('RESET\r');
    await expect(answer).resolves.toBe('RESET');
    expect(out.text()).toBe('Type RESET: RESET\n');
  });
});

describe('line prompter (stdin not a terminal)', () => {
  it('hands out one line per question, in order, including a last line without newline', async () => {
    const input = new FakeInput(false);
    const out = sink();
    const p = createPrompter(asInput(input), out);
    expect(p.interactive).toBe(false);
    const first = p.secret('Current PIN: ');
    input.type('1111\r\n2222\n33');
    await expect(first).resolves.toBe('1111');
    await expect(p.secret('New PIN: ')).resolves.toBe('2222');
    const third = p.secret('Again: ');
    input.type('33\n');
    await expect(third).resolves.toBe('3333');
    input.emit('end');
    await expect(p.line('x')).resolves.toBeUndefined();
    expect(out.text()).toBe('');
  });

  it('a missing PIN line is a usage error naming the question, not the input', async () => {
    const input = new FakeInput(false);
    const p = createPrompter(asInput(input), sink());
    const a = p.secret('New PIN again: ');
    input.emit('end');
    const e = await a.catch((x: unknown) => x);
    expect(e).toBeInstanceOf(UsageError);
    expect((e as Error).message).toMatch(/New PIN again/);
  });
});
