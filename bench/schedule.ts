// The order in which bench/run.ts times the peers of one comparison, and how many steps go into one timed repeat.

/**
 * Repeat by repeat, every peer once per round, the order reversed every other round (A B, B A, A B, ...): load
 * that drifts during a run hits the peers alike, and no peer always runs right after the same other one.
 */
export function interleave<T>(peers: readonly T[], repeats: number): T[] {
  if (!Number.isInteger(repeats) || repeats < 0) throw new Error(`interleave: repeats must be a non-negative integer, got ${repeats}`);
  const order: T[] = [];
  for (let r = 0; r < repeats; r++) order.push(...(r % 2 === 0 ? peers : [...peers].reverse()));
  return order;
}

/**
 * Steps per timed repeat so that one repeat lasts about `targetMs`, from the time of one warm-up step: at least
 * one, at most `maxSteps`.
 */
export function stepsPerRepeat(stepMs: number, targetMs: number, maxSteps = 100): number {
  if (!(stepMs > 0) || !Number.isFinite(stepMs)) return 1;
  return Math.min(maxSteps, Math.max(1, Math.round(targetMs / stepMs)));
}
