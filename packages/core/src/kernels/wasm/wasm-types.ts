/*
 * The WebAssembly objects that torchlet's declarations name, as structural types of its own: the published .d.ts
 * then compile in a project without the DOM lib (the only place WebAssembly.Memory and WebAssembly.Module are
 * declared; @types/node 20 has neither). The engine's objects fit them as they are, both ways, so the code that creates
 * and passes them needs no casts.
 */

/** A WebAssembly.Memory: the linear memory the kernels work in (shared between the pool's threads). */
export interface WasmMemory {
  readonly buffer: ArrayBuffer;
  grow(delta: number): number;
}

/** A compiled WebAssembly.Module, opaque here: it is only instantiated and handed to the worker threads. */
export type WasmModule = object;
