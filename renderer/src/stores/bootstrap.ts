/**
 * Start-up: wait for the preload API, subscribe to pushed events, then load the key list,
 * app state, organisation profile and any reset already in progress.
 */
import { onEvent, whenApiReady } from '../api/client.js';
import { loadAppState, useAppStore } from './app-store.js';
import { handleKeyEvent, refreshKeys } from './keys-store.js';
import { loadOrgProfile } from './org-store.js';
import { handleResetStatus, syncResetStatus } from './reset-store.js';

let unsubscribe: (() => void) | undefined;

export async function bootstrap(): Promise<void> {
  if (!(await whenApiReady())) {
    useAppStore.setState({ boot: 'no-bridge' });
    return;
  }
  unsubscribe?.();
  unsubscribe = onEvent((event) => {
    if (event.type === 'reset-status') handleResetStatus(event.status);
    else handleKeyEvent(event);
  });
  await Promise.all([loadAppState(), refreshKeys(), loadOrgProfile(), syncResetStatus()]);
  // The empty Keys screen runs the system checks itself when no key is found.
  useAppStore.setState({ boot: 'ready' });
}
