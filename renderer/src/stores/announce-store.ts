/**
 * The text of the one polite live region. Each announcement gets a new sequence number so the
 * same sentence twice in a row is still read out.
 */
import { create } from 'zustand';

export interface AnnounceState {
  message: string;
  seq: number;
}

export const useAnnounceStore = create<AnnounceState>()(() => ({ message: '', seq: 0 }));

/** Queues a sentence for screen readers (never pass anything secret). */
export function announce(message: string): void {
  useAnnounceStore.setState((s) => ({ message, seq: s.seq + 1 }));
}
