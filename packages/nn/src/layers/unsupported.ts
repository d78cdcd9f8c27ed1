/**
 * Refuses an argument PyTorch has but torchlet does not implement (Embedding's maxNorm, MultiheadAttention's
 * addBiasKv, ...) unless it is left at PyTorch's default, which is what torchlet does: dropping it would give a
 * PyTorch user a different model without a word.
 */
export function refuseUnsupported(op: string, options: object, defaults: Readonly<Record<string, unknown>>): void {
  for (const [key, byDefault] of Object.entries(defaults)) {
    const value = (options as Record<string, unknown>)[key];
    if (value === undefined || value === byDefault) continue;
    const shown = typeof value === 'object' && value !== null ? (value.constructor?.name ?? 'Object') : JSON.stringify(value) ?? String(value);
    throw new TypeError(`${op}: ${key} is not supported by torchlet (only ${JSON.stringify(byDefault)}, PyTorch's default), got ${shown}`);
  }
}
