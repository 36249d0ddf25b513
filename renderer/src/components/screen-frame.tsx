/** A screen's main heading; it takes focus after navigation so keyboard and reader users land there. */
import { useEffect, useRef, type ReactNode } from 'react';
import { screenDef, type ScreenId } from '../lib/screens.js';
import { useNavStore } from '../stores/nav-store.js';

export function ScreenFrame({ id, intro, children }: { id: ScreenId; intro?: ReactNode; children: ReactNode }) {
  const navSeq = useNavStore((s) => s.navSeq);
  const ref = useRef<HTMLHeadingElement>(null);
  const first = useRef(true);
  useEffect(() => {
    // Not on first paint: the skip link and the sidebar come first for a fresh start.
    if (first.current && navSeq === 0) {
      first.current = false;
      return;
    }
    first.current = false;
    ref.current?.focus();
  }, [navSeq]);
  const def = screenDef(id);
  return (
    <section className="screen" aria-labelledby={`h-${id}`} data-testid={`screen-${id}`}>
      <h1 id={`h-${id}`} ref={ref} tabIndex={-1}>
        {def.heading}
      </h1>
      {intro && <div className="intro">{intro}</div>}
      {children}
    </section>
  );
}
