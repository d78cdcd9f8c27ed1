import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { tensor, sum, mul } from '@torchlet/core';
import {
  SGD, Adam, AdamW, RMSprop, Adagrad, Adadelta, StepLR, MultiStepLR, ExponentialLR, CosineAnnealingLR, OneCycleLR,
  clipGradNorm_, clipGradValue_,
} from '@torchlet/optim';

/** The constructor typed loosely, to pass what TypeScript would refuse, as a JavaScript caller could. */
const loose = <T>(c: abstract new (...a: never[]) => T) => c as unknown as new (...a: unknown[]) => T;
const param = () => tensor([1, -2], { requiresGrad: true });

test("optimizers take PyTorch's positional hyperparameters beside the options object", () => {
  const sgd = new SGD([param()], 0.1, 0.9, 0, 0.01, true);
  assert.equal([sgd.paramGroups[0].lr, sgd.paramGroups[0].momentum, sgd.paramGroups[0].weightDecay, sgd.paramGroups[0].nesterov], [0.1, 0.9, 0.01, true]);
  assert.is(new SGD([param()], 0.1, 0, 0, 0, false, { maximize: true }).paramGroups[0].maximize, true);
  assert.equal(new Adam([param()], 0.01, [0.8, 0.9]).paramGroups[0].betas, [0.8, 0.9]);
  assert.equal(new AdamW([param()], 0.01).paramGroups[0].weightDecay, 0.01, "AdamW's own default weight decay");
  assert.equal(new AdamW([param()], 0.01, undefined, undefined, 0.5).paramGroups[0].weightDecay, 0.5);
  const rms = new RMSprop([param()], 0.1, 0.9, 1e-6, 0, 0.5, true);
  assert.equal([rms.paramGroups[0].alpha, rms.paramGroups[0].eps, rms.paramGroups[0].momentum, rms.paramGroups[0].centered], [0.9, 1e-6, 0.5, true]);
  assert.is(new Adagrad([param()], 0.1, 0.01, 0, 0.3).paramGroups[0].initialAccumulatorValue, 0.3);
  assert.is(new Adadelta([param()], 0.5, 0.8).paramGroups[0].rho, 0.8);
});

test('optimizers reject extra positional arguments, unknown keys (did you mean) and bad values, naming themselves', () => {
  assert.throws(() => new SGD((() => 1) as never, { lr: 0.1 }), /SGD: params must be an iterable of Tensors or of parameter groups, got Function/);
  assert.throws(() => new SGD([param()], 0.1, 0.9, 0, 0, false, true as never), /SGD: got 6 positional arguments after the required ones, but it takes at most 5/);
  assert.throws(() => new (loose(SGD))([param()], { lr: 0.1 }, 3), /SGD: an options object must be the last argument/);
  assert.throws(() => new Adam([param()], { weight_decay: 0.1 } as never), /Adam: unknown option "weight_decay" .*did you mean "weightDecay"\?/);
  assert.throws(() => new RMSprop([param()], { centred: true } as never), /RMSprop: unknown option "centred" .*did you mean "centered"\?/);
  assert.throws(() => new Adagrad([param()], { lr_decay: 0.1 } as never), /did you mean "lrDecay"\?/);
  assert.throws(() => new Adadelta([param()], { row: 0.9 } as never), /Adadelta: unknown option "row" .*did you mean "rho"\?/);
  assert.throws(() => new Adam([{ params: [param()], bettas: [0.9, 0.99] } as never]), /Adam: unknown option "bettas" in parameter group 0 .*did you mean "betas"\?/);
  assert.throws(() => new RMSprop([param()], { alpha: -1 }), /RMSprop: invalid alpha -1 in the options/);
  assert.throws(() => new RMSprop([param()], { centered: 1 } as never), /RMSprop: centered in the options must be a boolean/);
  assert.throws(() => new Adagrad([param()], { initialAccumulatorValue: -0.1 }), /Adagrad: invalid initial accumulator value -0.1/);
  assert.throws(() => new Adadelta([param()], { rho: 1.5 }), /Adadelta: invalid rho value 1.5 in the options \(expected a number in \[0, 1\]\)/);
  assert.throws(() => new SGD([param()], 0.1, 0.5, 0, 0, false, { momentum: 0.9 } as never), /SGD: momentum is given both as a positional argument and in the options/);
});

test('parameters with requiresGrad false are accepted and skipped, as in PyTorch', () => {
  for (const make of [(ps: never) => new SGD(ps, { lr: 0.1, momentum: 0.9 }), (ps: never) => new Adam(ps), (ps: never) => new RMSprop(ps), (ps: never) => new Adadelta(ps)]) {
    const trained = param();
    const frozen = tensor([5, 6]);
    const opt = make([trained, frozen] as never);
    sum(mul(trained, trained)).backward();
    opt.step();
    assert.equal(Array.from(frozen.data), [5, 6]);
    assert.not.equal(Array.from(trained.data), [1, -2]);
    assert.is(opt.stateDict().state[1], undefined);
  }
});

test("schedulers take PyTorch's positional settings, reject unknown keys and settings they cannot honour", () => {
  const opt = () => new SGD([param()], { lr: 1, momentum: 0.9 });
  const step = new StepLR(opt(), 2, 0.5);
  assert.equal([step.stepSize, step.gamma], [2, 0.5]);
  assert.equal(new MultiStepLR(opt(), [1, 3], 0.2).milestones, [1, 3]);
  assert.is(new ExponentialLR(opt(), 0.9).gamma, 0.9);
  assert.equal([new CosineAnnealingLR(opt(), 10, 0.01).tMax, new CosineAnnealingLR(opt(), 10, 0.01).etaMin], [10, 0.01]);
  assert.is(new OneCycleLR(opt(), 0.1, 10).totalSteps, 10);
  assert.is(new OneCycleLR(opt(), 0.1, null, 2, 5).totalSteps, 10);
  assert.is(new (loose(StepLR))(opt(), 2, 0.5, -1, false).stepSize, 2, 'lastEpoch -1 and verbose false are the defaults');
  assert.throws(() => new StepLR(opt(), { step_size: 2 } as never), /StepLR: unknown option "step_size" .*did you mean "stepSize"\?/);
  assert.throws(() => new CosineAnnealingLR(opt(), { T_max: 10 } as never), /did you mean "tMax"\?/);
  assert.throws(() => new OneCycleLR(opt(), { maxLr: 0.1, totalSteps: 10, pct_start: 0.2 } as never), /did you mean "pctStart"\?/);
  assert.throws(() => new (loose(StepLR))(opt(), 2, 0.5, 3), /StepLR: lastEpoch 3 is not supported \(only -1\); to resume, use loadStateDict/);
  assert.throws(() => new (loose(ExponentialLR))(opt(), 0.9, -1, true), /ExponentialLR: verbose is not supported/);
  assert.throws(() => new (loose(MultiStepLR))(opt(), [1], 0.1, -1, false, 7), /MultiStepLR: got 5 positional/);
});

test('clipGradNorm_ and clipGradValue_ take their positional forms and reject unknown keys and extra arguments', () => {
  const p = param();
  p.grad = tensor([Infinity, 1]);
  assert.throws(() => clipGradNorm_([p], 1, 2, true), /clipGradNorm_: the total norm of order 2 of the gradients is Infinity/);
  assert.throws(() => clipGradNorm_([p], 1, 2, { errorIfNonfinite: true }), /the total norm/);
  assert.is(clipGradNorm_([p], 1, 2, false, true), Infinity);
  assert.throws(() => clipGradNorm_([p], 1, 2, { error_if_nonfinite: true } as never), /clipGradNorm_: unknown option "error_if_nonfinite" .*did you mean "errorIfNonfinite"\?/);
  assert.throws(() => clipGradNorm_([p], 1, 2, 'yes' as never), /clipGradNorm_: errorIfNonfinite must be a boolean, got string/);
  assert.throws(() => (clipGradNorm_ as (...a: unknown[]) => number)([p], 1, 2, false, null, 'x'), /clipGradNorm_: got 3 positional/);
  p.grad = tensor([3, -4]);
  clipGradValue_([p], 2, null);
  assert.equal(Array.from(p.grad.data), [2, -2]);
  assert.throws(() => (clipGradValue_ as (...a: unknown[]) => void)([p], 1, false, 2), /clipGradValue_: got 2 positional/);
  assert.throws(() => clipGradValue_([p], 1, { clip: 1 } as never), /clipGradValue_: unknown option "clip"/);
});

test.run();
