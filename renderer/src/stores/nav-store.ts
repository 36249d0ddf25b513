/** Which screen is showing. Moving focus to the new heading is done by the screen frame. */
import { create } from 'zustand';
import type { ScreenId } from '../lib/screens.js';

export interface NavState {
  screen: ScreenId;
  /** Bumped on every navigation so the frame knows to move focus, even to the same screen. */
  navSeq: number;
}

export const useNavStore = create<NavState>()(() => ({ screen: 'keys', navSeq: 0 }));

export function navigate(screen: ScreenId): void {
  useNavStore.setState((s) => ({ screen, navSeq: s.navSeq + 1 }));
}
