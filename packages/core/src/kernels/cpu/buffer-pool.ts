/*
 * Buffer reuse on the CPU (issue 12): float32 storage of the gradients the backward walk made and released
 * (autograd/release.ts) waits here, by length, and allocate() (dtype.ts) hands it out again zeroed, so a training
 * step reuses last step's gradient buffers instead of allocating and collecting new ones. Only arrays allocate()
 * made during a walk are accepted, so no user tensor, wasm memory or view of another buffer can get in.
 */

/** Arrays shorter than this are cheaper to allocate than to pool. */
const MIN_LENGTH = 1024;
/** The most bytes the pool holds; past it, released arrays are left to the collector. */
const MAX_POOLED_BYTES = 256 * 1024 * 1024;

const free = new Map<number, Float32Array[]>();
let pooledBytes = 0;
let enabled = true;
/** While a walk that releases runs: every float32 array allocate() gave out, by its buffer. */
let walkMade: Map<ArrayBufferLike, Float32Array> | null = null;

/** Counts of allocate()'s float32 requests, for the benchmarks (bench/memory.ts). */
export const bufferPoolStats = { allocations: 0, allocatedBytes: 0, reused: 0, reusedBytes: 0 };

/** Turns reuse on or off (on by default; the benchmarks compare both). Turning it off empties the pool. */
export function setBufferPool(on: boolean): void {
  enabled = on;
  if (!on) {
    free.clear();
    pooledBytes = 0;
  }
}

/** @internal allocate()'s float32 path: a pooled array of `length` zeroed, or a new one. */
export function allocateFloat32(length: number): Float32Array {
  bufferPoolStats.allocations++;
  bufferPoolStats.allocatedBytes += length * 4;
  const list = length >= MIN_LENGTH ? free.get(length) : undefined;
  let array = list?.pop();
  if (array !== undefined) {
    pooledBytes -= array.byteLength;
    bufferPoolStats.reused++;
    bufferPoolStats.reusedBytes += array.byteLength;
    array.fill(0);
  } else {
    array = new Float32Array(length);
  }
  walkMade?.set(array.buffer, array);
  return array;
}

/** @internal Starts noting what allocate() gives out (a releasing walk begins); returns what to pass to endWalk. */
export function startWalk(): Map<ArrayBufferLike, Float32Array> | null {
  const previous = walkMade;
  walkMade = enabled ? new Map() : null;
  return previous;
}

/** @internal The walk is over: stops noting (restoring an enclosing walk's notes). */
export function endWalk(previous: Map<ArrayBufferLike, Float32Array> | null): void {
  walkMade = previous;
}

/** @internal The array allocate() gave out during this walk whose buffer `data` is (or views), or null. */
export function madeThisWalk(data: ArrayBufferView): Float32Array | null {
  return walkMade?.get(data.buffer) ?? null;
}

/** @internal Takes back an array madeThisWalk returned, once nothing can see it any more. */
export function recycle(array: Float32Array): void {
  walkMade?.delete(array.buffer);
  if (!enabled || array.length < MIN_LENGTH || pooledBytes + array.byteLength > MAX_POOLED_BYTES) return;
  pooledBytes += array.byteLength;
  const list = free.get(array.length);
  if (list === undefined) free.set(array.length, [array]);
  else list.push(array);
}
