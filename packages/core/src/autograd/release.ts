import type { Tensor } from '../tensor.js';
import type { DeviceTensor } from '../kernels/webgpu/storage.js';

/*
 * The backward walk gives back the device buffers of the gradients it made once nothing can see them: an upstream
 * gradient after its node's rule ran, a rule's result once delivered (summed into another, cast), the addends of a
 * gradient sum. A buffer is released when no pending gradient holds it any more and it did not escape to the user
 * (a leaf's or a retained `.grad`, a gradient grad() returns). Only buffers made during the walk are candidates, so a
 * user's tensor (a seed passed to backward, a saved forward value a rule returns) never is. Under retainGraph or
 * createGraph nothing is released: gradients may be kept in the graph there. The garbage collector takes the rest
 * (the temporaries inside rules). The CPU's typed arrays are left to the collector.
 */

/** Counts the pending references to each device buffer the walk made; releases one at zero unless it escaped. */
export class GradientRelease {
  private readonly holds = new Map<DeviceTensor, number>();
  private readonly escaped = new Set<DeviceTensor>();

  /** `storagesMade`: the device's storage count when the walk started (newer serials are the walk's). */
  private constructor(private readonly storagesMade: number) {}

  /** The release of a walk that started at `mark` (storageMark), or null when there is nothing to release. */
  static forWalk(mark: number | null, keepsGraph: boolean): GradientRelease | null {
    return mark === null || keepsGraph ? null : new GradientRelease(mark);
  }

  /** The buffer's owner when the walk made it, else null. */
  private madeHere(t: Tensor): DeviceTensor | null {
    const storage = t._deviceStorage;
    return storage !== null && storage.serial >= this.storagesMade ? storage.root : null;
  }

  /** One more pending reference to t's buffer. */
  hold(t: Tensor): void {
    const root = this.madeHere(t);
    if (root !== null) this.holds.set(root, (this.holds.get(root) ?? 0) + 1);
  }

  /** One pending reference fewer; at none, the buffer goes back to the pool unless it escaped. */
  drop(t: Tensor): void {
    const root = this.madeHere(t);
    if (root === null) return;
    const left = (this.holds.get(root) ?? 0) - 1;
    if (left > 0) {
      this.holds.set(root, left);
      return;
    }
    this.holds.delete(root);
    if (!this.escaped.has(root) && !root.isReleased) root.release();
  }

  /** t's buffer is the user's now (a `.grad`, a returned gradient): never released by the walk. */
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
