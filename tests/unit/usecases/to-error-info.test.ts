import { describe, expect, it } from 'vitest';
import { CtapStatus } from '../../../src/ctap2/status.js';
import {
  CancelledError,
  CtapError,
  CtapHidError,
  DeviceBusyError,
  DisconnectedError,
  InvalidCborError,
  NativeLibraryMissingError,
  NotSupportedError,
  PermissionDeniedError,
  PinRuleError,
  ProtocolError,
  SkmError,
  TimeoutError,
  TransportError,
} from '../../../src/errors.js';
import { asUseCaseError } from '../../../src/usecases/pin.js';
import { describeOutcome, toErrorInfo } from '../../../src/usecases/to-error-info.js';
import { UseCaseError } from '../../../src/usecases/use-case-error.js';
import type { OutcomeCode } from '../../../src/usecases/types.js';

const S = CtapStatus;

describe('toErrorInfo: CTAP status codes', () => {
  const cases: [number, 'pin' | 'token' | 'reset' | 'touch' | 'general', OutcomeCode][] = [
    [S.CTAP2_ERR_PIN_INVALID, 'pin', 'WRONG_PIN'],
    [S.CTAP2_ERR_PIN_AUTH_BLOCKED, 'pin', 'PIN_TEMPORARILY_BLOCKED'],
    [S.CTAP2_ERR_PIN_BLOCKED, 'pin', 'PIN_BLOCKED'],
    [S.CTAP2_ERR_PIN_NOT_SET, 'token', 'PIN_NOT_SET'],
    [S.CTAP2_ERR_PIN_POLICY_VIOLATION, 'pin', 'PIN_REFUSED'],
    [S.CTAP2_ERR_PIN_POLICY_VIOLATION, 'token', 'PIN_CHANGE_REQUIRED'],
    [S.CTAP2_ERR_OPERATION_DENIED, 'touch', 'TOUCH_REFUSED'],
    [S.CTAP2_ERR_OPERATION_DENIED, 'reset', 'RESET_DENIED'],
    [S.CTAP2_ERR_USER_ACTION_TIMEOUT, 'touch', 'TOUCH_TIMEOUT'],
    [S.CTAP2_ERR_ACTION_TIMEOUT, 'touch', 'TOUCH_TIMEOUT'],
    [S.CTAP2_ERR_USER_ACTION_TIMEOUT, 'reset', 'RESET_TIMEOUT'],
    [S.CTAP2_ERR_ACTION_TIMEOUT, 'reset', 'RESET_TIMEOUT'],
    [S.CTAP2_ERR_NOT_ALLOWED, 'reset', 'RESET_TOO_LATE'],
    [S.CTAP2_ERR_NOT_ALLOWED, 'general', 'CTAP_ERROR'],
    [S.CTAP2_ERR_KEEPALIVE_CANCEL, 'general', 'CANCELLED'],
    [S.CTAP1_ERR_INVALID_COMMAND, 'general', 'NOT_SUPPORTED'],
    [S.CTAP2_ERR_UNSUPPORTED_OPTION, 'general', 'NOT_SUPPORTED'],
    [S.CTAP1_ERR_CHANNEL_BUSY, 'general', 'KEY_BUSY'],
    [S.CTAP2_ERR_INVALID_CBOR, 'general', 'CTAP_ERROR'],
    [0xf3, 'general', 'CTAP_ERROR'],
  ];
  it.each(cases)('status 0x%s in %s context -> %s', (status, context, code) => {
    const info = toErrorInfo(new CtapError(status), context);
    expect(info.code).toBe(code);
    expect(info.ctapStatus).toBe(status);
    expect(info.ctapStatusName).toBeTruthy();
    expect(info.message.length).toBeGreaterThan(5);
  });

  it('every outcome code has plain wording', () => {
    const codes: OutcomeCode[] = [
      'WRONG_PIN', 'PIN_TEMPORARILY_BLOCKED', 'PIN_BLOCKED', 'PIN_TOO_SHORT', 'PIN_TOO_LONG', 'PIN_ENDS_WITH_NUL', 'PIN_MISMATCH',
      'PIN_SAME_AS_CURRENT', 'PIN_REFUSED', 'PIN_NOT_SET', 'PIN_ALREADY_SET', 'PIN_CHANGE_REQUIRED', 'TOUCH_REFUSED', 'TOUCH_TIMEOUT',
      'RESET_TOO_LATE', 'RESET_DENIED', 'RESET_TIMEOUT', 'RESET_NOT_CONFIRMED', 'NO_KEY', 'MULTIPLE_KEYS', 'KEY_NOT_FOUND',
      'KEY_DISCONNECTED', 'KEY_BUSY', 'CANCELLED', 'TIMEOUT', 'PERMISSION_DENIED', 'NATIVE_LIBRARY_MISSING', 'NOT_SUPPORTED',
      'U2F_ONLY', 'INVALID_ARGUMENT', 'INVALID_STATE', 'CTAP_ERROR', 'TRANSPORT', 'PROTOCOL', 'INTERNAL',
    ];
    for (const c of codes) {
      const info = describeOutcome(c);
      expect(info.code).toBe(c);
      expect(info.message).toMatch(/^[A-Z].*\.$/);
    }
  });
});

describe('toErrorInfo: engine errors', () => {
  it('maps each engine error', () => {
    expect(toErrorInfo(new DisconnectedError()).code).toBe('KEY_DISCONNECTED');
    expect(toErrorInfo(new CancelledError()).code).toBe('CANCELLED');
    expect(toErrorInfo(new TimeoutError()).code).toBe('TIMEOUT');
    expect(toErrorInfo(new TimeoutError(), 'touch').code).toBe('TOUCH_TIMEOUT');
    expect(toErrorInfo(new DeviceBusyError()).code).toBe('KEY_BUSY');
    expect(toErrorInfo(new NotSupportedError('no wink')).code).toBe('NOT_SUPPORTED');
    expect(toErrorInfo(new ProtocolError('bad')).code).toBe('PROTOCOL');
    expect(toErrorInfo(new InvalidCborError('bad')).code).toBe('PROTOCOL');
    expect(toErrorInfo(new TransportError('io')).code).toBe('TRANSPORT');
    expect(toErrorInfo(new CtapHidError(S.CTAP1_ERR_CHANNEL_BUSY)).code).toBe('KEY_BUSY');
    expect(toErrorInfo(new CtapHidError(S.CTAP1_ERR_INVALID_SEQ)).code).toBe('TRANSPORT');
    expect(toErrorInfo(new SkmError('NO_DEVICE', 'x')).code).toBe('NO_KEY');
    expect(toErrorInfo(new SkmError('MULTIPLE_DEVICES', 'x')).code).toBe('MULTIPLE_KEYS');
    expect(toErrorInfo(new SkmError('INVALID_ARGUMENT', 'Bad thing.')).code).toBe('INVALID_ARGUMENT');
    expect(toErrorInfo(new Error('boom')).code).toBe('INTERNAL');
    expect(toErrorInfo('a string').code).toBe('INTERNAL');
  });

  it('carries the exact fix for permission and library problems', () => {
    const p = toErrorInfo(new PermissionDeniedError('no access', 'sudo cp x /etc/udev/rules.d/'));
    expect(p.code).toBe('PERMISSION_DENIED');
    expect(p.fix).toBe('sudo cp x /etc/udev/rules.d/');
    const l = toErrorInfo(new NativeLibraryMissingError('libudev.so.1', 'missing'));
    expect(l.code).toBe('NATIVE_LIBRARY_MISSING');
    expect(l.fix).toMatch(/libudev1/);
  });

  it('maps PIN rule errors, keeping minLength', () => {
    expect(toErrorInfo(new PinRuleError('TOO_SHORT', 'x', 6))).toMatchObject({ code: 'PIN_TOO_SHORT', minLength: 6 });
    expect(toErrorInfo(new PinRuleError('TOO_SHORT', 'x', 6)).message).toMatch(/6 characters/);
    expect(toErrorInfo(new PinRuleError('EMPTY', 'x')).code).toBe('PIN_TOO_SHORT');
    expect(toErrorInfo(new PinRuleError('TOO_LONG', 'x')).code).toBe('PIN_TOO_LONG');
    expect(toErrorInfo(new PinRuleError('ENDS_WITH_NUL', 'x')).code).toBe('PIN_ENDS_WITH_NUL');
    expect(toErrorInfo(new PinRuleError('MISMATCH', 'x')).code).toBe('PIN_MISMATCH');
    expect(toErrorInfo(new PinRuleError('SAME_AS_CURRENT', 'x')).code).toBe('PIN_SAME_AS_CURRENT');
  });

  it('passes UseCaseError details through', () => {
    const info = toErrorInfo(new UseCaseError('KEY_BUSY', 'Busy now.', { hint: 'Wait.' }));
    expect(info).toEqual({ code: 'KEY_BUSY', message: 'Busy now.', hint: 'Wait.' });
  });
});

describe('wrong-PIN wording', () => {
  it('warns at 3 tries or fewer, not at 4', () => {
    const four = asUseCaseError(new CtapError(S.CTAP2_ERR_PIN_INVALID), 'pin', { retriesLeft: 4 });
    const three = asUseCaseError(new CtapError(S.CTAP2_ERR_PIN_INVALID), 'pin', { retriesLeft: 3 });
    const one = toErrorInfo(asUseCaseError(new CtapError(S.CTAP2_ERR_PIN_INVALID), 'pin', { retriesLeft: 1 }));
    expect(toErrorInfo(four).hint).not.toMatch(/Careful/);
    expect(toErrorInfo(four).message).toMatch(/4 tries left/);
    expect(toErrorInfo(three).hint).toMatch(/Careful/);
    expect(toErrorInfo(three).retriesLeft).toBe(3);
    expect(one.message).toMatch(/1 try left/);
  });

  it('temporarily blocked tells to reinsert; blocked explains what a reset costs', () => {
    expect(toErrorInfo(new CtapError(S.CTAP2_ERR_PIN_AUTH_BLOCKED)).hint).toMatch(/[Uu]nplug the key and plug it back in/);
    const blocked = toErrorInfo(new CtapError(S.CTAP2_ERR_PIN_BLOCKED));
    expect(blocked.hint).toMatch(/Only a factory reset helps/);
    expect(blocked.hint).toMatch(/organisation's registration/);
    expect(toErrorInfo(new CtapError(S.CTAP2_ERR_NOT_ALLOWED), 'reset').hint).toMatch(/[Uu]nplug the key, plug it back in/);
  });
});
