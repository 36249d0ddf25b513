/**
 * Typed errors of the engine. Every error carries a stable `code` the UI and the CLI map to
 * wording and exit codes; CTAP errors also keep the raw status byte and its spec name.
 * Messages never contain PINs, tokens or shared secrets.
 */
import { ctapStatusName } from './ctap2/status.js';

export type ErrorCode =
  | 'CTAP_ERROR'
  | 'CTAPHID_ERROR'
  | 'TRANSPORT'
  | 'TIMEOUT'
  | 'CANCELLED'
  | 'DISCONNECTED'
  | 'DEVICE_BUSY'
  | 'MESSAGE_TOO_LARGE'
  | 'PROTOCOL'
  | 'INVALID_CBOR'
  | 'PERMISSION_DENIED'
  | 'NATIVE_LIBRARY_MISSING'
  | 'NOT_SUPPORTED'
  | 'PIN_RULE'
  | 'NO_DEVICE'
  | 'MULTIPLE_DEVICES'
  | 'INVALID_ARGUMENT'
  | 'INVALID_STATE';

export class SkmError extends Error {
  constructor(
    readonly code: ErrorCode,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = new.target.name;
  }
}

/** The key answered a CTAP2 command with a non-zero status byte (CTAP 2.1 §8.2). */
export class CtapError extends SkmError {
  readonly statusName: string;
  constructor(readonly status: number, context?: string) {
    const name = ctapStatusName(status);
    super('CTAP_ERROR', context ? `${context}: ${name}` : `Key answered ${name}`);
    this.statusName = name;
  }
}

/** CTAPHID_ERROR frame (CTAP 2.1 §11.2.9.1.6): the HID layer refused the message. */
export class CtapHidError extends SkmError {
  readonly statusName: string;
  constructor(readonly status: number) {
    const name = ctapStatusName(status);
    super('CTAPHID_ERROR', `Key reported HID error ${name}`);
    this.statusName = name;
  }
}

export class TransportError extends SkmError {
  constructor(message: string, options?: { cause?: unknown }) {
    super('TRANSPORT', message, options);
  }
}

export class TimeoutError extends SkmError {
  constructor(message = 'The key did not answer in time') {
    super('TIMEOUT', message);
  }
}

export class CancelledError extends SkmError {
  constructor(message = 'The operation was cancelled') {
    super('CANCELLED', message);
  }
}

export class DisconnectedError extends SkmError {
  constructor(message = 'The key was disconnected', options?: { cause?: unknown }) {
    super('DISCONNECTED', message, options);
  }
}

/** A second call on a device that is already in the middle of one. */
export class DeviceBusyError extends SkmError {
  constructor(message = 'The key is busy with another operation; wait for it to finish') {
    super('DEVICE_BUSY', message);
  }
}

export class MessageTooLargeError extends SkmError {
  constructor(readonly size: number, readonly limit: number) {
    super('MESSAGE_TOO_LARGE', `Message of ${size} bytes exceeds the limit of ${limit} bytes`);
  }
}

/** The peer broke the wire protocol (bad frame, bad sequence, wrong nonce, unexpected reply). */
export class ProtocolError extends SkmError {
  constructor(message: string, options?: { cause?: unknown }) {
    super('PROTOCOL', message, options);
  }
}

export class InvalidCborError extends SkmError {
  constructor(message: string, options?: { cause?: unknown }) {
    super('INVALID_CBOR', message, options);
  }
}

export class PermissionDeniedError extends SkmError {
  constructor(message: string, readonly fix: string, options?: { cause?: unknown }) {
    super('PERMISSION_DENIED', message, options);
  }
}

export class NativeLibraryMissingError extends SkmError {
  constructor(readonly library: string, message: string, options?: { cause?: unknown }) {
    super('NATIVE_LIBRARY_MISSING', message, options);
  }
}

export class NotSupportedError extends SkmError {
  constructor(message: string) {
    super('NOT_SUPPORTED', message);
  }
}

export type PinRule = 'TOO_SHORT' | 'TOO_LONG' | 'ENDS_WITH_NUL' | 'EMPTY' | 'MISMATCH' | 'SAME_AS_CURRENT';

/** A PIN broke one of the client-side rules (CTAP 2.1 §6.5.1) before anything was sent. */
export class PinRuleError extends SkmError {
  constructor(readonly rule: PinRule, message: string, readonly minLength?: number) {
    super('PIN_RULE', message);
  }
}
