import { WORKGROUP_SIZE, type WebGPUContext } from './device.js';
import type { GPUBufferLike } from './gpu-api.js';
import { type DeviceDType, DeviceTensor } from './storage.js';

/*
 * What every WGSL kernel here shares: binding 0 holds the kernel's parameters as u32 words (floats bit-cast,
 * read with `pf(i)`), the buffers follow at bindings 1.., and one thread handles one element or row, its index
 * `flatIndex(wid, nwg, lid)` over a dispatch that may span x and y.
 */

const scratch = new DataView(new ArrayBuffer(4));

/** The bits of a float32, as a parameter word (read in WGSL as `pf(i)`). */
export function f32Bits(value: number): number {
  scratch.setFloat32(0, value, true);
  return scratch.getUint32(0, true);
}

/** The declarations every kernel starts with: `p` (parameter words), `pf(i)` (a float parameter) and `flatIndex`. */
export const PRELUDE = /* wgsl */ `
@group(0) @binding(0) var<storage, read> p: array<u32>;
fn pf(i: u32) -> f32 { return bitcast<f32>(p[i]); }
fn flatIndex(wid: vec3<u32>, nwg: vec3<u32>, lid: vec3<u32>) -> u32 {
  return (wid.x + wid.y * nwg.x) * ${WORKGROUP_SIZE}u + lid.x;
}
`;

/** The entry point of a one-thread-per-item kernel: `i` is the item, the body returns when i >= p[0]. */
export function perItem(body: string): string {
  return /* wgsl */ `
@compute @workgroup_size(${WORKGROUP_SIZE})
fn main(@builtin(workgroup_id) wid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>, @builtin(local_invocation_id) lid: vec3<u32>) {
  let i = flatIndex(wid, nwg, lid);
  if (i >= p[0]) { return; }
${body}
}
`;
}

/** `var<storage, ...>` declarations of bindings 1.. in order: [name, WGSL element type, writable]. */
export function bindings(list: readonly (readonly [string, 'f32' | 'i32' | 'u32', boolean])[]): string {
  return list.map(([name, type, writable], k) => `@group(0) @binding(${k + 1}) var<storage, ${writable ? 'read_write' : 'read'}> ${name}: array<${type}>;`).join('\n');
}

/** The WGSL element type of a device dtype (a bool is a u32 word of 0 or 1). */
export function wgslType(dtype: DeviceDType): 'f32' | 'i32' | 'u32' {
  return dtype === 'int32' ? 'i32' : dtype === 'bool' ? 'u32' : 'f32';
}

/** Records a one-thread-per-item kernel over `items` items; params[0] must be `items`. */
export function runPerItem(context: WebGPUContext, key: string, source: () => string, params: readonly number[], buffers: readonly GPUBufferLike[]): void {
  const items = params[0];
  context.dispatch(key, source, Uint32Array.from(params), buffers, Math.ceil(items / WORKGROUP_SIZE));
}

/** Throws unless every tensor is a live device tensor of `dtype` on one context; returns that context. */
export function contextOf(op: string, dtype: DeviceDType, ...tensors: readonly (DeviceTensor | null)[]): WebGPUContext {
  let context: WebGPUContext | null = null;
  for (const t of tensors) {
    if (t === null) continue;
    if (!(t instanceof DeviceTensor)) throw new TypeError(`${op}: expected a WebGPU device tensor, got ${Object.prototype.toString.call(t)}`);
    t.checkLive(op);
    if (t.dtype !== dtype) throw new TypeError(`${op}: expected a ${dtype} device tensor, got ${t.dtype}`);
    if (context !== null && t.context !== context) throw new Error(`${op}: the tensors live on different WebGPU devices`);
    context = t.context;
  }
  if (context === null) throw new Error(`${op}: no device tensor given`);
  return context;
}
