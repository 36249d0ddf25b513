/** An outcome the key service reported, in plain words with the next step (role="alert"). */
import type { ReactNode } from 'react';
import type { ErrorInfo } from '../../../src/usecases/types.js';
import { describeOutcome, detailLine, nextStep } from '../lib/wording.js';
import { navigate } from '../stores/nav-store.js';
import { useProfile } from '../stores/org-store.js';
import { useFocusOnMount } from './use-focus.js';

export interface OutcomePanelProps {
  error: ErrorInfo;
  /** Extra buttons (retry and so on) under the text. */
  children?: ReactNode;
  /** Hide the built-in "go to" button (when the screen offers its own). */
  noAction?: boolean;
}

const ACTION_LABEL = { reset: 'Go to factory reset', pin: 'Go to PIN', keys: 'Go to keys', 'portal-guide': 'Open the portal guide' } as const;
const ACTION_SCREEN = { reset: 'reset', pin: 'pin', keys: 'keys', 'portal-guide': 'guide' } as const;

export function OutcomePanel({ error, children, noAction }: OutcomePanelProps) {
  const profile = useProfile();
  const w = describeOutcome(error, { supportContact: profile.supportContact });
  const detail = detailLine(error, w);
  return (
    <div className={`panel panel-${w.tone}`} role="alert" data-testid="outcome" data-outcome={error.code}>
      <p className="panel-title">{w.title}</p>
      {detail && <p>{detail}</p>}
      <p>{nextStep(error, w)}</p>
      {error.fix && (
        <>
          <p>Fix:</p>
          <pre className="fix">
            <code>{error.fix}</code>
          </pre>
        </>
      )}
      {(children || (w.action && !noAction)) && (
        <div className="actions">
          {children}
          {w.action && !noAction && (
            <button type="button" className="btn" onClick={() => navigate(ACTION_SCREEN[w.action!])}>
              {ACTION_LABEL[w.action]}
            </button>
          )}
        </div>
      )}
    </div>
  );
}

/** A finished step that went well; not live (the live region announces it). */
export function SuccessPanel({ title, children, focus = false }: { title: string; children?: ReactNode; focus?: boolean }) {
  const ref = useFocusOnMount<HTMLParagraphElement>(focus);
  return (
    <div className="panel panel-success" data-testid="outcome" data-outcome="OK">
      <p className="panel-title" ref={ref} tabIndex={focus ? -1 : undefined}>
        {title}
      </p>
      {children}
    </div>
  );
}

/** A calm notice (information or warning), not an error. */
export function Notice({ tone = 'info', title, children, testId }: { tone?: 'info' | 'warning'; title: string; children?: ReactNode; testId?: string }) {
  return (
    <div className={`panel panel-${tone}`} data-testid={testId}>
      <p className="panel-title">{title}</p>
      {children}
    </div>
  );
}
