import { Tensor, arange } from '@torchlet/core';
import { Embedding, GRU, LSTM, LayerNorm, Linear, Module, ModuleList, TransformerEncoderLayer, generateSquareSubsequentMask } from '@torchlet/nn';
import type { ModelName } from './args.js';

/** Every model maps int32 tokens [B, T] to next-token logits [B, T, V], looking only at positions <= t. */
export interface LanguageModel extends Module {
  forward(tokens: Tensor): Tensor;
}

/** The baseline: the next character depends on the current one only, a V x V table of logits. */
export class Bigram extends Module implements LanguageModel {
  table: Embedding;

  constructor(vocabSize: number) {
    super();
    this.table = new Embedding(vocabSize, vocabSize);
    this.table.weight.data.fill(0);
  }

  forward(tokens: Tensor): Tensor {
    return this.table(tokens);
  }
}

export class RecurrentLM extends Module implements LanguageModel {
  embed: Embedding;
  rnn: GRU | LSTM;
  head: Linear;

  constructor(kind: 'gru' | 'lstm', vocabSize: number, embedDim = 32, hiddenSize = 128) {
    super();
    this.embed = new Embedding(vocabSize, embedDim);
    this.rnn = kind === 'gru' ? new GRU(embedDim, hiddenSize, { batchFirst: true }) : new LSTM(embedDim, hiddenSize, { batchFirst: true });
    this.head = new Linear(hiddenSize, vocabSize);
  }

  forward(tokens: Tensor): Tensor {
    const [out] = this.rnn(this.embed(tokens)) as [Tensor, unknown];
    return this.head(out);
  }
}

/** A small GPT-like model: token and learned position embeddings, causal pre-norm encoder layers, a final LayerNorm. */
export class TransformerLM extends Module implements LanguageModel {
  tokens: Embedding;
  positions: Embedding;
  layers: ModuleList;
  norm: LayerNorm;
  head: Linear;

  constructor(vocabSize: number, readonly maxLength: number, dModel = 64, numLayers = 2, nhead = 4, dimFeedforward = 256) {
    super();
    this.tokens = new Embedding(vocabSize, dModel);
    this.positions = new Embedding(maxLength, dModel);
    this.layers = new ModuleList(Array.from({ length: numLayers }, () =>
      new TransformerEncoderLayer(dModel, nhead, { dimFeedforward, dropout: 0, batchFirst: true, normFirst: true, activation: 'gelu' })));
    this.norm = new LayerNorm(dModel);
    this.head = new Linear(dModel, vocabSize);
  }

  forward(tokens: Tensor): Tensor {
    const T = tokens.shape[1];
    if (T > this.maxLength) throw new Error(`TransformerLM: sequences of ${T} tokens exceed maxLength ${this.maxLength}`);
    let x = this.tokens(tokens).add(this.positions(arange(0, T, 1, { dtype: 'int32' })));
    const mask = generateSquareSubsequentMask(T);
    for (const layer of this.layers) x = (layer as TransformerEncoderLayer)(x, { srcMask: mask, isCausal: true });
    return this.head(this.norm(x));
  }
}

export function buildModel(name: ModelName, vocabSize: number, maxLength: number): LanguageModel {
  switch (name) {
    case 'bigram':
      return new Bigram(vocabSize);
    case 'gru':
    case 'lstm':
      return new RecurrentLM(name, vocabSize);
    case 'transformer':
      return new TransformerLM(vocabSize, maxLength);
  }
}
