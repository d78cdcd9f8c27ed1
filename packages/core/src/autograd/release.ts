import type { Tensor } from '../tensor.js';
import type { DeviceTensor } from '../kernels/webgpu/storage.js';
import { endWalk, madeThisWalk, recycle, startWalk } from '../kernels/cpu/buffer-pool.js';

/*
 * The backward walk gives back the storage of the gradients it made once nothing can see them: an upstream gradient
 * after its node's rule ran, a rule's result once delivered (summed into another, cast), the addends of a gradient
 * sum. A storage is released when no pending gradient holds it any more and it did not escape to the user (a leaf's
 * or a retained `.grad`, a gradient grad() returns). Only storage made during the walk is a candidate, so a user's
 * tensor (a seed passed to backward, a saved forward value a rule returns) never is. Under retainGraph or createGraph
 * nothing is released: gradients may be kept in the graph there. The garbage collector takes the rest (the
 * temporaries inside rules). On 'webgpu' the buffer goes back to the device's pool; on the CPU a float32 array goes
 * to the buffer pool (kernels/cpu/buffer-pool.ts) that allocate() reuses.
 */

/** One storage: the device storage that owns a buffer, or a CPU array's ArrayBuffer. */
type Root = DeviceTensor | ArrayBufferLike;

/** Counts the pending references to each storage the walk made; releases one at zero unless it escaped. */
export class GradientRelease {
  private readonly holds = new Map<Root, number>();
  private readonly escaped = new Set<Root>();
  private readonly enclosingWalk: ReturnType<typeof startWalk>;

  /** `storagesMade`: the device's storage count when the walk started (newer serials are the walk's); null on the CPU. */
  private constructor(private readonly storagesMade: number | null) {
    this.enclosingWalk = storagesMade === null ? startWalk() : null;
  }

  /** The release of a walk that started at `mark` (storageMark), or null when nothing may be released (a graph kept). */
  static forWalk(mark: number | null, keepsGraph: boolean): GradientRelease | null {
    return keepsGraph ? null : new GradientRelease(mark);
  }

  /** The walk is over: the CPU stops noting what allocate() gives out. */
  finish(): void {
    if (this.storagesMade === null) endWalk(this.enclosingWalk);
  }

  /** t's storage when the walk made it, else null. */
  private madeHere(t: Tensor): Root | null {
    const storage = t._deviceStorage;
    if (storage !== null) return this.storagesMade !== null && storage.serial >= this.storagesMade ? storage.root : null;
    return madeThisWalk(t.data)?.buffer ?? null;
  }

  /** One more pending reference to t's storage. */
  hold(t: Tensor): void {
    const root = this.madeHere(t);
    if (root !== null) this.holds.set(root, (this.holds.get(root) ?? 0) + 1);
  }

  /** One pending reference fewer; at none, the storage is released unless it escaped. */
  drop(t: Tensor): void {
    const root = this.madeHere(t);
    if (root === null) return;
    const left = (this.holds.get(root) ?? 0) - 1;
    if (left > 0) {
      this.holds.set(root, left);
      return;
    }
    this.holds.delete(root);
    if (this.escaped.has(root)) return;
    if (t._deviceStorage !== null) {
      if (!t._deviceStorage.isReleased) t._deviceStorage.root.release();
    } else {
      recycle(madeThisWalk(t.data)!);
    }
  }

  /** t's storage is the user's now (a `.grad`, a returned gradient): never released by the walk. */
  escape(t: Tensor | null): void {
    const root = t === null ? null : this.madeHere(t);
    if (root !== null) this.escaped.add(root);
  }
}

/**
 * The device's count of storages made, taken before a walk from `roots` makes its seeds (so an implied seed is the
 * walk's too); null for roots on the CPU.
 */
export function storageMark(roots: readonly Tensor[]): number | null {
  const onDevice = roots.find((r) => r._deviceStorage !== null);
  return onDevice === undefined ? null : (onDevice._deviceStorage as DeviceTensor).context.storagesMade;
}
