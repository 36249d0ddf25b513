/**
 * Channel names of the IPC contract (electron/ipc-contract.ts): one `skm:<method>` channel per
 * method and one event channel. Dependency-free so the sandboxed preload can bundle it.
 */
import type { SkmChannel, SkmEventChannel, SkmMethod } from './ipc-contract.js';

/** The channel a method is invoked on. */
export function channelOf<M extends SkmMethod>(method: M): SkmChannel<M> {
  return `skm:${method}`;
}

/** The one channel main pushes KeyEvents on. */
export const SKM_EVENT_CHANNEL: SkmEventChannel = 'skm:event';
