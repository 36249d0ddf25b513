/** The one polite live region: status changes (plug, unplug, touch needed, done) are read out. */
import { useAnnounceStore } from '../stores/announce-store.js';

export function LiveRegion() {
  const { message, seq } = useAnnounceStore();
  return (
    <div className="visually-hidden" role="status" aria-live="polite" aria-atomic="true" data-testid="live-region">
      {/* The key forces a fresh node so a repeated sentence is announced again. */}
      <span key={seq}>{message}</span>
    </div>
  );
}
