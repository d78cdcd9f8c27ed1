// The open tidy() scopes, innermost last: each collects the storages kernels make while it runs. Apart from tidy.ts,
// which needs the main entry's Tensor, so that storage.ts can note what it makes without importing upward.
const scopes: Set<ScopedStorage>[] = [];

/** What a scope holds: a device storage (DeviceTensor), as far as tidy needs it. */
export interface ScopedStorage {
  readonly isReleased: boolean;
  readonly isKept: boolean;
  release(): void;
}

/** @internal Called by DeviceTensor.empty: the innermost open scope will release `storage`. */
export function noteMade(storage: ScopedStorage): void {
  scopes[scopes.length - 1]?.add(storage);
}

/** @internal Opens a scope (tidy); its set fills with the storages made until closeScope. */
export function openScope(): Set<ScopedStorage> {
  const made = new Set<ScopedStorage>();
  scopes.push(made);
  return made;
}

/** @internal Closes the innermost scope and returns the enclosing one, if any. */
export function closeScope(): Set<ScopedStorage> | undefined {
  scopes.pop();
  return scopes[scopes.length - 1];
}
