/**
 * Throws naming the op when an options object carries a key it does not know (a typo would otherwise be ignored),
 * with the closest known key when one is near: `DataLoader: unknown option "batch_size" (expected "batchSize",
 * "shuffle"): did you mean "batchSize"?`.
 */
export function checkOptionKeys(op: string, options: object, known: readonly string[]): void {
  for (const key of Object.keys(options)) {
    if (!known.includes(key)) throw new TypeError(unknownOptionMessage(op, key, known));
  }
}

/** The message checkOptionKeys throws, for callers that phrase "where" themselves (`in parameter group 1`). */
export function unknownOptionMessage(op: string, key: string, known: readonly string[], where = ''): string {
  const suggestion = closestName(key, known);
  return `${op}: unknown option "${key}"${where ? ` ${where}` : ''} (expected ${known.map((k) => `"${k}"`).join(', ')})` +
    (suggestion === undefined ? '' : `: did you mean "${suggestion}"?`);
}

/**
 * The candidate a mistyped name most likely meant, or undefined when none is close: the same name up to case and
 * underscores (PyTorch's `batch_size` for `batchSize`), else the nearest by edit distance within a third of its length.
 */
export function closestName(name: string, candidates: readonly string[]): string | undefined {
  const fold = (s: string): string => s.replace(/_/g, '').toLowerCase();
  const folded = fold(name);
  const same = candidates.find((c) => fold(c) === folded);
  if (same !== undefined) return same;
  let best: string | undefined;
  let bestDistance = Math.max(1, Math.floor(folded.length / 3)) + 1;
  for (const c of candidates) {
    const d = editDistance(folded, fold(c));
    if (d < bestDistance) {
      best = c;
      bestDistance = d;
    }
  }
  return best;
}

/** Levenshtein distance, one row at a time. */
function editDistance(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const row = [i];
    for (let j = 1; j <= b.length; j++) {
      row.push(Math.min(previous[j] + 1, row[j - 1] + 1, previous[j - 1] + (a[i - 1] === b[j - 1] ? 0 : 1)));
    }
    previous = row;
  }
  return previous[b.length];
}
