/**
 * The `p`-th percentile (0–100) of `values` by the nearest-rank method: the smallest value that at least
 * `p` % of the values do not exceed, so it is always one of the measured values. `NaN` for no values.
 */
export function percentile(values: readonly number[], p: number): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((left, right) => left - right);
  const rank = Math.max(1, Math.ceil((p / 100) * sorted.length));
  return sorted[Math.min(rank, sorted.length) - 1] ?? Number.NaN;
}
