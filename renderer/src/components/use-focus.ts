/** Focus helpers: when a step replaces the control that had focus, put focus somewhere sensible. */
import { useEffect, useRef, type RefObject } from 'react';

/** Focuses the element once, when it first appears. */
export function useFocusOnMount<T extends HTMLElement>(enabled = true): RefObject<T | null> {
  const ref = useRef<T>(null);
  useEffect(() => {
    if (enabled) ref.current?.focus();
  }, [enabled]);
  return ref;
}
