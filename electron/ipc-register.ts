/**
 * Registers the IPC contract on Electron's ipcMain: one `skm:<method>` handler per method, each
 * checking the sender frame first, then taking the shared dispatch path (ipc-dispatch.ts).
 * Electron objects are passed in, so tests use fakes.
 */
import type { KeyEvent } from '../src/usecases/types.js';
import type { SkmService } from './ipc-contract.js';
import { dispatch, untrustedSenderEnvelope } from './ipc-dispatch.js';
import { SKM_EVENT_CHANNEL, channelOf } from './ipc-channels.js';
import { SKM_METHODS } from './ipc-validation.js';

/** The part of IpcMainInvokeEvent the sender check reads. */
export interface InvokeEventLike {
  senderFrame?: { url: string; parent?: unknown } | null;
}

/** The part of ipcMain used here. */
export interface IpcMainLike {
  handle(channel: string, listener: (event: InvokeEventLike, ...args: any[]) => unknown): void;
  removeHandler(channel: string): void;
}

export interface RegisterOptions {
  /** True when the call comes from the app's own page (see createSenderCheck). */
  isTrustedSender(event: InvokeEventLike): boolean;
}

/**
 * Register every contract method. Returns a function that removes the handlers again.
 * Handlers never throw: every answer is a Result envelope.
 */
export function registerHandlers(ipcMain: IpcMainLike, service: SkmService, options: RegisterOptions): () => void {
  const channels: string[] = [];
  for (const method of SKM_METHODS) {
    const channel = channelOf(method);
    const listener = async (event: InvokeEventLike, ...args: unknown[]) => {
      let trusted = false;
      try {
        trusted = options.isTrustedSender(event);
      } catch {
        trusted = false;
      }
      if (!trusted) return untrustedSenderEnvelope();
      return dispatch(service, method, args);
    };
    ipcMain.handle(channel, listener);
    channels.push(channel);
  }
  return () => {
    for (const c of channels) ipcMain.removeHandler(c);
  };
}

/**
 * True when `url` is the app's own page: the same file (query and fragment ignored) for a
 * file:// build, the same origin for the development server.
 */
export function isAppUrl(url: string | undefined | null, appUrl: string): boolean {
  if (typeof url !== 'string' || url.length === 0) return false;
  let actual: URL;
  let expected: URL;
  try {
    actual = new URL(url);
    expected = new URL(appUrl);
  } catch {
    return false;
  }
  if (expected.protocol === 'file:') {
    return actual.protocol === 'file:' && actual.host === expected.host && actual.pathname === expected.pathname;
  }
  if (expected.protocol === 'http:' || expected.protocol === 'https:') {
    return actual.origin === expected.origin;
  }
  return false;
}

/** Sender check for registerHandlers: the top-level frame of the app's own page only. */
export function createSenderCheck(appUrl: string): (event: InvokeEventLike) => boolean {
  return (event) => {
    const frame = event.senderFrame;
    if (!frame) return false; // the frame navigated away or was destroyed
    if (frame.parent !== null && frame.parent !== undefined) return false; // no sub-frames
    return isAppUrl(frame.url, appUrl);
  };
}

/** Where events go: the window's webContents. */
export interface EventTarget {
  send(channel: string, event: KeyEvent): void;
  isDestroyed(): boolean;
}

/** Forward the service's events on 'skm:event'. Returns an unsubscribe function. */
export function forwardEvents(service: Pick<SkmService, 'onEvent'>, target: EventTarget): () => void {
  return service.onEvent((event) => {
    if (target.isDestroyed()) return;
    try {
      target.send(SKM_EVENT_CHANNEL, event);
    } catch {
      // the window is closing; the next event finds it destroyed
    }
  });
}
