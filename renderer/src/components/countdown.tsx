/** A countdown that ticks locally between reset-status events (CTAP 2.1 §6.6 reset window). */
import { useEffect, useState } from 'react';
import { formatCountdown, remainingNow, windowFraction } from '../lib/format.js';

export function Countdown({ remainingMs, receivedAt, windowMs, label }: { remainingMs: number; receivedAt: number; windowMs: number; label: string }) {
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    const t = setInterval(() => setNow(Date.now()), 200);
    return () => clearInterval(t);
  }, []);
  const left = remainingNow(remainingMs, receivedAt, now);
  const pct = Math.round(windowFraction(left, windowMs) * 100);
  return (
    <div className="countdown" data-testid="reset-countdown">
      <p className="countdown-text">
        {label}: <strong>{formatCountdown(left)}</strong>
      </p>
      <progress max={100} value={pct} aria-label={label}>
        {pct}%
      </progress>
    </div>
  );
}
