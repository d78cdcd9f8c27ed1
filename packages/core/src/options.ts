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
 * underscores (PyTorch's `batch_size` for `batchSize`), else the nearest within an edit distance of 2 (or a third of
 * its length, if more) and shorter than the name itself.
 */
export function closestName(name: string, candidates: readonly string[]): string | undefined {
  const fold = (s: string): string => s.replace(/_/g, '').toLowerCase();
  const folded = fold(name);
  const same = candidates.find((c) => fold(c) === folded);
  if (same !== undefined) return same;
  let best: string | undefined;
  let bestDistance = Math.max(2, Math.floor(folded.length / 3)) + 1;
  for (const c of candidates) {
    const d = editDistance(folded, fold(c));
    if (d < bestDistance && d < folded.length) {
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

/**
 * A constructor's (or function's) trailing arguments in either of PyTorch's forms, as one options object: positional values in the
 * order PyTorch takes them (`Conv2d(1, 32, 3, 2)` is stride 2), optionally followed by an options object (the
 * only form for `keywordOnly` keys such as dtype and generator). Too many positional values, an unknown key
 * ("did you mean ...?") or a value given both ways is an error, so nothing a PyTorch user writes is dropped.
 */
export function positionalOptions<O extends object>(op: string, args: readonly unknown[], positional: readonly string[], keywordOnly: readonly string[] = []): O {
  // trailing undefineds are arguments not given, as for JavaScript's own defaults
  let end = args.length;
  while (end > 0 && args[end - 1] === undefined) end--;
  const rest = args.slice(0, end);
  const last = rest[rest.length - 1];
  const hasOptions = rest.length > 0 && isOptionsObject(last);
  const values = hasOptions ? rest.slice(0, -1) : rest;
  const misplaced = values.findIndex(isOptionsObject);
  if (misplaced >= 0) throw new TypeError(`${op}: an options object must be the last argument, got one followed by ${values.length - misplaced - (hasOptions ? 0 : 1)} more`);
  if (values.length > positional.length) {
    const extra = values.slice(positional.length).map(describeArg).join(', ');
    throw new TypeError(
      `${op}: got ${values.length} positional arguments after the required ones, but it takes at most ${positional.length}` +
      `${positional.length ? ` (${positional.join(', ')})` : ''} before an options object; extra: ${extra}`,
    );
  }
  const options: Record<string, unknown> = {};
  values.forEach((value, i) => {
    if (value !== undefined) options[positional[i]] = value;
  });
  if (hasOptions) {
    checkOptionKeys(op, last, [...positional, ...keywordOnly]);
    for (const [key, value] of Object.entries(last)) {
      if (value === undefined) continue;
      if (key in options) throw new TypeError(`${op}: ${key} is given both as a positional argument and in the options`);
      options[key] = value;
    }
  }
  return options as O;
}

/** A plain object (not an array, a Tensor or a Generator) ends an argument list as its options. */
function isOptionsObject(value: unknown): value is Record<string, unknown> {
  if (typeof value !== 'object' || value === null) return false;
  const proto: unknown = Object.getPrototypeOf(value);
  return proto === Object.prototype || proto === null;
}

function describeArg(value: unknown): string {
  if (typeof value === 'number' || typeof value === 'boolean' || typeof value === 'string') return JSON.stringify(value);
  if (value === null || value === undefined) return String(value);
  return typeof value === 'object' || typeof value === 'function' ? ((value as object).constructor?.name ?? 'Object') : typeof value;
}

/**
 * For an op written as a plain function: throws naming the op when arguments beyond the `takes` it has came
 * (JavaScript would drop them silently). Call as `rejectExtraArguments('flatten', 3, arguments.length)`.
 */
export function rejectExtraArguments(op: string, takes: number, given: number): void {
  if (given > takes) throw new TypeError(`${op}: takes at most ${takes} arguments, got ${given}`);
}
