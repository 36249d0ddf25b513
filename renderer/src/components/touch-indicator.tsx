/**
 * "Touch your key now": shown while the key reports user presence is needed (CTAP 2.1
 * §11.2.9.2.1 keepalive STATUS_UPNEEDED). The pulse stops under prefers-reduced-motion.
 */
export function TouchIndicator({ longTouch, text }: { longTouch?: boolean; text?: string }) {
  return (
    <div className="touch-indicator" data-testid="touch-needed">
      <span className="touch-pulse" aria-hidden="true">
        <svg viewBox="0 0 48 48" width="48" height="48" focusable="false">
          <circle cx="24" cy="24" r="10" />
        </svg>
      </span>
      <div>
        <p className="touch-text">{text ?? (longTouch ? 'Touch and hold your key now' : 'Touch your key now')}</p>
        <p className="muted">
          {longTouch
            ? 'Keep your finger on the key for a few seconds until it stops flashing.'
            : 'Touch the metal contact, button or logo on the key. It often flashes while it waits.'}
        </p>
      </div>
    </div>
  );
}
