/** Live PIN rule feedback (see lib/pin-rules.ts), read by screen readers via aria-describedby. */
import type { PinRuleCheck } from '../lib/pin-rules.js';

const MARK = { met: '✓', unmet: '✗', pending: '•' } as const;
const STATE_TEXT = { met: 'met', unmet: 'not met', pending: 'not checked yet' } as const;

export function RuleList({ id, checks }: { id: string; checks: PinRuleCheck[] }) {
  return (
    <ul className="rules" id={id} aria-label="PIN rules">
      {checks.map((c) => (
        <li key={c.id} className={`rule rule-${c.state}`} data-rule={c.id} data-state={c.state}>
          <span className="rule-mark" aria-hidden="true">
            {MARK[c.state]}
          </span>
          <span>
            {c.label}
            <span className="visually-hidden">: {STATE_TEXT[c.state]}</span>
          </span>
        </li>
      ))}
    </ul>
  );
}
