export {
  Optimizer, type Hyperparameters, type ParamGroup, type ParamGroupInput, type Params, type ParamState,
  type OptimizerStateDict, type StateFieldKind,
} from './optimizer.js';
export { SGD, type SGDHyperparameters, type SGDOptions } from './sgd.js';
export { Adam, AdamW, type AdamHyperparameters, type AdamOptions } from './adam.js';
export { LRScheduler, type LRSchedulerStateDict, type SchedulerSetting } from './lr-scheduler.js';
export { StepLR, MultiStepLR, ExponentialLR, CosineAnnealingLR } from './schedulers.js';
export { OneCycleLR, type OneCycleLROptions } from './one-cycle-lr.js';
export { clipGradNorm_, clipGradValue_, type ClipGradNormOptions } from './clip-grad.js';
export { RMSprop, type RMSpropHyperparameters, type RMSpropOptions } from './rmsprop.js';
export { Adagrad, type AdagradHyperparameters, type AdagradOptions } from './adagrad.js';
export { Adadelta, type AdadeltaHyperparameters, type AdadeltaOptions } from './adadelta.js';
