/** Runs one call at a time for a screen and keeps its busy flag and last error. */
import { useCallback, useEffect, useRef, useState } from 'react';
import type { ErrorInfo, Result } from '../../../src/usecases/types.js';

export interface Operation {
  busy: boolean;
  error?: ErrorInfo;
  setError: (e: ErrorInfo | undefined) => void;
  /** Runs the call unless one is in flight; answers the value, or undefined after an error. */
  run: <T>(fn: () => Promise<Result<T>>) => Promise<T | undefined>;
}

export function useOperation(): Operation {
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<ErrorInfo | undefined>();
  const inFlight = useRef(false);
  const mounted = useRef(true);
  useEffect(() => {
    mounted.current = true;
    return () => {
      mounted.current = false;
    };
  }, []);
  const run = useCallback(async <T,>(fn: () => Promise<Result<T>>): Promise<T | undefined> => {
    if (inFlight.current) return undefined;
    inFlight.current = true;
    setBusy(true);
    setError(undefined);
    try {
      const r = await fn();
      if (!mounted.current) return r.ok ? r.value : undefined;
      if (r.ok) return r.value;
      setError(r.error);
      return undefined;
    } finally {
      inFlight.current = false;
      if (mounted.current) setBusy(false);
    }
  }, []);
  return { busy, error, setError, run };
}
