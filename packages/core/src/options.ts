/** Throws naming the op when an options object carries a key it does not know (a typo would otherwise be ignored). */
export function checkOptionKeys(op: string, options: object, known: readonly string[]): void {
  for (const key of Object.keys(options)) {
    if (!known.includes(key)) throw new TypeError(`${op}: unknown option "${key}" (expected ${known.map((k) => `"${k}"`).join(', ')})`);
  }
}
