// The options objects of the losses, apart from ops/loss.ts so the loss variants (cross-entropy-probs.ts) can take them
// without importing the file that imports them.
import type { Tensor } from '../tensor.js';

/** How a loss reduces its elementwise values, as PyTorch's `reduction`: 'mean', 'sum' or 'none' (the unreduced tensor). */
export type Reduction = 'mean' | 'sum' | 'none';

/** Options of nllLoss (torch.nn.functional.nll_loss): reduction, ignoreIndex and a per-class weight. */
export interface NllLossOptions {
  /** 'mean' divides by the summed weight of the non-ignored targets (their count without `weight`). Default 'mean'. */
  reduction?: Reduction;
  /** Targets equal to this contribute neither loss nor gradient. Default -100. */
  ignoreIndex?: number;
  /** A rescaling weight per class, shape [C]. Not differentiated. */
  weight?: Tensor | null;
}

/** Options of crossEntropy (torch.nn.functional.cross_entropy): nllLoss's options plus labelSmoothing. */
export interface CrossEntropyOptions extends NllLossOptions {
  /** ε in [0, 1]: the target becomes (1 - ε)·onehot + ε/C, as in PyTorch. Default 0. */
  labelSmoothing?: number;
}

/** Options of mseLoss: `reduction`, 'mean' (default), 'sum' or 'none'. */
export interface MseLossOptions {
  reduction?: Reduction;
}
