/** A labelled password field for a PIN. Its value lives only in the parent's local state. */
import { useId } from 'react';

export interface PinFieldProps {
  label: string;
  value: string;
  onChange: (v: string) => void;
  autoComplete?: 'current-password' | 'new-password' | 'off';
  describedBy?: string;
  hint?: string;
  disabled?: boolean;
  invalid?: boolean;
}

export function PinField({ label, value, onChange, autoComplete = 'off', describedBy, hint, disabled, invalid }: PinFieldProps) {
  const id = useId();
  const hintId = `${id}-hint`;
  const ids = [hint ? hintId : undefined, describedBy].filter(Boolean).join(' ') || undefined;
  return (
    <div className="field">
      <label htmlFor={id}>{label}</label>
      {hint && (
        <p className="field-hint" id={hintId}>
          {hint}
        </p>
      )}
      <input
        id={id}
        type="password"
        inputMode="text"
        autoComplete={autoComplete}
        spellCheck={false}
        autoCapitalize="off"
        value={value}
        disabled={disabled}
        aria-invalid={invalid || undefined}
        aria-describedby={ids}
        onChange={(e) => onChange(e.target.value)}
      />
    </div>
  );
}
