import { Tensor, embedding, empty } from '@torchlet/core';
import { Module } from '../module.js';
import { Parameter } from '../parameter.js';
import { normal_ } from '../init.js';
import { type LayerOptions, checkFloatDType, checkPositiveInt } from './options.js';

export interface EmbeddingOptions extends LayerOptions {
  /** This row starts at zero and gets no gradient; negative counts from the end. */
  paddingIdx?: number | null;
}

/** A lookup table: int32 indices of any shape -> [...shape, embeddingDim]; weight [numEmbeddings, embeddingDim] ~ N(0, 1). */
export class Embedding extends Module {
  readonly numEmbeddings: number;
  readonly embeddingDim: number;
  readonly paddingIdx: number | null;
  weight: Parameter;

  constructor(numEmbeddings: number, embeddingDim: number, options: EmbeddingOptions = {}) {
    super();
    this.numEmbeddings = checkPositiveInt('Embedding', 'numEmbeddings', numEmbeddings);
    this.embeddingDim = checkPositiveInt('Embedding', 'embeddingDim', embeddingDim);
    const p = options.paddingIdx ?? null;
    if (p !== null && (!Number.isInteger(p) || p < -numEmbeddings || p >= numEmbeddings)) {
      throw new Error(`Embedding: paddingIdx must be an integer in [-${numEmbeddings}, ${numEmbeddings - 1}], got ${p}`);
    }
    this.paddingIdx = p === null ? null : p < 0 ? p + numEmbeddings : p;
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
