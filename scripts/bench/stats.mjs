// Small statistics helpers for the benchmark (nearest-rank percentiles).

/** The p-th percentile (0-100) of `values` by nearest rank. */
export function percentile(values, p) {
  if (values.length === 0) return NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const rank = Math.ceil((p / 100) * sorted.length);
  return sorted[Math.min(sorted.length - 1, Math.max(0, rank - 1))];
}

export function median(values) {
  return percentile(values, 50);
}

export function summary(values) {
  return { n: values.length, median: median(values), p90: percentile(values, 90), p99: percentile(values, 99) };
}

export function fmtMs(ms, digits = 3) {
  return Number.isFinite(ms) ? `${ms.toFixed(digits)} ms` : 'n/a';
}
