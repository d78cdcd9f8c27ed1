export {
  Module, formatValue, type StateDict, type LoadStateDictOptions, type LoadStateDictResult, type Device,
  type ForwardHook, type ForwardPreHook, type RemovableHandle,
} from './module.js';
export { Parameter, parameter } from './parameter.js';
export type { SummaryOptions } from './summary.js';
export * as init from './init.js';
export type { Nonlinearity, FanMode, KaimingOptions, XavierOptions, GeneratorOption } from './init.js';
export type { LayerOptions, Pair } from './layers/options.js';
export { Linear, Identity, type LinearOptions } from './layers/linear.js';
export { Conv2d, type Conv2dOptions } from './layers/conv.js';
export { MaxPool2d, AvgPool2d, AdaptiveAvgPool2d, type MaxPool2dOptions, type AvgPool2dOptions } from './layers/pooling.js';
export { BatchNorm1d, BatchNorm2d, type BatchNormOptions } from './layers/batchnorm.js';
export { ReLU, LeakyReLU, Sigmoid, Tanh, GELU, Softmax, LogSoftmax } from './layers/activation.js';
export { Dropout } from './layers/dropout.js';
export { Flatten } from './layers/flatten.js';
export { Sequential, ModuleList } from './layers/container.js';
export {
  CrossEntropyLoss, NLLLoss, MSELoss, L1Loss, SmoothL1Loss, HuberLoss, BCELoss, BCEWithLogitsLoss, KLDivLoss,
  type Reduction, type KLDivReduction, type NLLLossOptions, type CrossEntropyLossOptions, type BCELossOptions, type BCEWithLogitsLossOptions,
} from './layers/loss.js';
// save/load by file path are in node.ts, the package's entry in Node.
export { serialize, deserialize, deserializeWithMetadata, type Metadata, type DeserializeOptions, type SerializeOptions } from './serialization.js';
// ONNX export is the '@torchlet/nn/onnx' entry (in Node also this package's main entry): protobufjs stays out of other apps.
export { Embedding, type EmbeddingOptions } from './layers/embedding.js';
export { LayerNorm, type LayerNormOptions } from './layers/layer-norm.js';
export { RNN, LSTM, GRU, type RNNBaseOptions, type RNNOptions, type LSTMOptions } from './layers/rnn.js';
export { MultiheadAttention, type MultiheadAttentionOptions, type MultiheadAttentionForwardOptions } from './layers/attention.js';
export {
  TransformerEncoderLayer, TransformerEncoder, generateSquareSubsequentMask, type TransformerEncoderOptions, type TransformerEncoderLayerOptions, type TransformerEncoderLayerForwardOptions,
} from './layers/transformer.js';
export { Conv1d, type Conv1dOptions } from './layers/conv1d.js';
export { ConvTranspose2d, type ConvTranspose2dOptions } from './layers/conv-transpose.js';
export { storeStateDict, loadStoredStateDict, storedStateDicts, deleteStoredStateDict } from './browser-storage.js';
