/**
 * A wait that a caller's AbortSignal cuts short: the host side of CTAP 2.1 §11.2.9.1.5
 * CTAPHID_CANCEL means a cancelled operation must not sit out its poll or backoff delays.
 */

/** Wait `ms`; resolves true at once if the signal fires (or has already fired), false when the time is up. */
export function abortableSleep(ms: number, signal?: AbortSignal): Promise<boolean> {
  if (signal?.aborted) return Promise.resolve(true);
  return new Promise((resolve) => {
    const onAbort = () => {
      clearTimeout(timer);
      resolve(true);
    };
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve(false);
    }, ms);
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}
