import { Tensor, embedding, empty } from '@torchlet/core';
import { Module } from '../module.js';
import { Parameter } from '../parameter.js';
import { normal_ } from '../init.js';
import { type LayerOptions, checkBoolean, checkFloatDType, checkPositiveInt, layerArgs } from './options.js';
import { refuseUnsupported } from './unsupported.js';

/** Options of Embedding, as torch.nn.Embedding's (besides dtype and generator); only paddingIdx and _weight change anything. */
export interface EmbeddingOptions extends LayerOptions {
  /** This row starts at zero and gets no gradient; negative counts from the end. */
  paddingIdx?: number | null;
  /** Not supported (rows renormalised in place); only null. */
  maxNorm?: null;
  /** Only PyTorch's default 2 (it matters only with maxNorm). */
  normType?: number;
  /** Not supported; only false. */
  scaleGradByFreq?: false;
  /** Not supported (gradients are dense); only false. */
  sparse?: false;
  /** PyTorch's initial weight [numEmbeddings, embeddingDim] instead of N(0, 1) (used as given: no padding row zeroed). */
  _weight?: Tensor | null;
  /** With _weight, whether it stays fixed (requiresGrad false). */
  _freeze?: boolean;
}

const UNSUPPORTED = { maxNorm: null, normType: 2, scaleGradByFreq: false, sparse: false } as const;

/** A lookup table: int32 indices of any shape -> [...shape, embeddingDim]; weight [numEmbeddings, embeddingDim] ~ N(0, 1). */
export class Embedding extends Module {
  readonly numEmbeddings: number;
  readonly embeddingDim: number;
  readonly paddingIdx: number | null;
  weight: Parameter;

  constructor(numEmbeddings: number, embeddingDim: number, options?: EmbeddingOptions);
  /** PyTorch's positional form `Embedding(num, dim, paddingIdx, maxNorm, normType, scaleGradByFreq, sparse, _weight, _freeze)`. */
  constructor(
    numEmbeddings: number, embeddingDim: number, paddingIdx?: number | null, maxNorm?: null, normType?: number, scaleGradByFreq?: false,
    sparse?: false, _weight?: Tensor | null, _freeze?: boolean, options?: LayerOptions,
  );
  constructor(numEmbeddings: number, embeddingDim: number, ...rest: unknown[]) {
    super();
    const options = layerArgs<EmbeddingOptions>(
      'Embedding', rest, ['paddingIdx', ...Object.keys(UNSUPPORTED), '_weight', '_freeze'], ['dtype', 'generator'],
    );
    refuseUnsupported('Embedding', options, UNSUPPORTED);
    this.numEmbeddings = checkPositiveInt('Embedding', 'numEmbeddings', numEmbeddings);
    this.embeddingDim = checkPositiveInt('Embedding', 'embeddingDim', embeddingDim);
    const p = options.paddingIdx ?? null;
    if (p !== null && (!Number.isInteger(p) || p < -numEmbeddings || p >= numEmbeddings)) {
      throw new Error(`Embedding: paddingIdx must be an integer in [-${numEmbeddings}, ${numEmbeddings - 1}], got ${p}`);
    }
    this.paddingIdx = p === null ? null : p < 0 ? p + numEmbeddings : p;
    const freeze = checkBoolean('Embedding', '_freeze', options._freeze, false);
    const given = options._weight ?? null;
    if (given !== null) {
      if (!(given instanceof Tensor) || given.ndim !== 2 || given.shape[0] !== numEmbeddings || given.shape[1] !== embeddingDim) {
        throw new Error(`Embedding: _weight must be a Tensor of shape [${numEmbeddings}, ${embeddingDim}], got ${given instanceof Tensor ? `shape [${given.shape.join(', ')}]` : typeof given}`);
      }
      if (options.dtype !== undefined && options.dtype !== given.dtype) throw new Error(`Embedding: _weight is ${given.dtype} but dtype ${options.dtype} was asked for`);
      checkFloatDType('Embedding', given.dtype);
      this.weight = new Parameter(given.detach(), !freeze);
      return;
    }
    if (freeze) throw new Error('Embedding: _freeze applies to a given _weight, and none was given');
    this.weight = new Parameter(empty([numEmbeddings, embeddingDim], checkFloatDType('Embedding', options.dtype)));
    normal_(this.weight, 0, 1, { generator: options.generator });
    if (this.paddingIdx !== null) this.weight.data.fill(0, this.paddingIdx * embeddingDim, (this.paddingIdx + 1) * embeddingDim);
  }

  forward(indices: Tensor): Tensor {
    return embedding(indices, this.weight, { paddingIdx: this.paddingIdx });
  }

  override extraRepr(): string {
    return `${this.numEmbeddings}, ${this.embeddingDim}${this.paddingIdx !== null ? `, paddingIdx=${this.paddingIdx}` : ''}`;
  }
}
