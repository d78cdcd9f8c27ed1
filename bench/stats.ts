// Order statistics of the timed repeats, and the per-call timer the matrix-product benches share.

export function median(values: readonly number[]): number {
  return quantile(values, 0.5);
}

/** The q-quantile (0..1) with linear interpolation between order statistics, as numpy's default. */
export function quantile(values: readonly number[], q: number): number {
  if (values.length === 0) throw new Error('quantile: no values');
  if (!(q >= 0 && q <= 1)) throw new Error(`quantile: q must be in [0, 1], got ${q}`);
  const sorted = [...values].sort((a, b) => a - b);
  const at = q * (sorted.length - 1);
  const lo = Math.floor(at);
  const hi = Math.min(lo + 1, sorted.length - 1);
  return sorted[lo] + (sorted[hi] - sorted[lo]) * (at - lo);
}

/** Interquartile range relative to the median: how noisy the repeats were (0.05 = the middle half within 5%). */
export function relativeSpread(values: readonly number[]): number {
  return (quantile(values, 0.75) - quantile(values, 0.25)) / median(values);
}

/** Median seconds per call after warm-up, each of 7 timings repeating the call until it lasts >= 20 ms. */
export function secondsPerCall(run: () => void): number {
  for (let i = 0; i < 3; i++) run();
  let reps = 1;
  for (;;) {
    const t0 = performance.now();
    for (let i = 0; i < reps; i++) run();
    if (performance.now() - t0 >= 20) break;
    reps *= 2;
  }
  const samples: number[] = [];
  for (let s = 0; s < 7; s++) {
    const t0 = performance.now();
    for (let i = 0; i < reps; i++) run();
    samples.push((performance.now() - t0) / 1000 / reps);
  }
  return median(samples);
}
