/** App-wide facts: start-up state, app version and demo mode, and the last doctor report. */
import { create } from 'zustand';
import type { AppState } from '../../../electron/ipc-contract.js';
import type { DoctorReport, ErrorInfo } from '../../../src/usecases/types.js';
import { api } from '../api/client.js';
import { announce } from './announce-store.js';

export interface AppStoreState {
  boot: 'starting' | 'ready' | 'no-bridge';
  app?: AppState;
  demoBusy: boolean;
  demoError?: ErrorInfo;
  doctor: { loading: boolean; report?: DoctorReport; error?: ErrorInfo };
}

export const useAppStore = create<AppStoreState>()(() => ({
  boot: 'starting',
  demoBusy: false,
  doctor: { loading: false },
}));

export async function loadAppState(): Promise<void> {
  const r = await api.getAppState();
  if (r.ok) useAppStore.setState({ app: r.value });
}

/** Runs the system checks (USB permissions, native library) shown when no key is found. */
export async function runDoctor(): Promise<void> {
  useAppStore.setState((s) => ({ doctor: { ...s.doctor, loading: true } }));
  const r = await api.runDoctor();
  useAppStore.setState({ doctor: r.ok ? { loading: false, report: r.value } : { loading: false, error: r.error } });
}

/** Turns the built-in demo key on or off; the key list follows through keys-changed events. */
export async function setDemoMode(enabled: boolean): Promise<boolean> {
  useAppStore.setState({ demoBusy: true, demoError: undefined });
  const r = await api.setDemoMode(enabled);
  if (r.ok) {
    useAppStore.setState((s) => ({ demoBusy: false, app: s.app ? { ...s.app, demoMode: enabled } : s.app }));
    announce(enabled ? 'Demo key turned on.' : 'Demo key turned off.');
    await loadAppState();
    return true;
  }
  useAppStore.setState({ demoBusy: false, demoError: r.error });
  return false;
}
