import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { Tensor } from '@torchlet/core';
import { Module, Sequential, Conv2d, ReLU, MaxPool2d, Flatten, Linear, BatchNorm2d, Dropout } from '@torchlet/nn';

function leNet5(): Sequential {
  return new Sequential(
    new Conv2d(1, 6, 5, { padding: 2 }), new ReLU(), new MaxPool2d(2),
    new Conv2d(6, 16, 5), new ReLU(), new MaxPool2d(2),
    new Flatten(), new Linear(400, 120), new ReLU(), new Linear(120, 84), new ReLU(), new Linear(84, 10),
  );
}

test('summary of LeNet-5: each layer output shape and parameter count, 61,706 in total', () => {
  const text = leNet5().summary([1, 28, 28], { print: false });
  assert.is(text, [
    '----------------------------------------',
    'Layer (type)   Output Shape      Param #',
    '========================================',
    'Input          [-1, 1, 28, 28]',
    '0 (Conv2d)     [-1, 6, 28, 28]       156',
    '1 (ReLU)       [-1, 6, 28, 28]         0',
    '2 (MaxPool2d)  [-1, 6, 14, 14]         0',
    '3 (Conv2d)     [-1, 16, 10, 10]    2,416',
    '4 (ReLU)       [-1, 16, 10, 10]        0',
    '5 (MaxPool2d)  [-1, 16, 5, 5]          0',
    '6 (Flatten)    [-1, 400]               0',
    '7 (Linear)     [-1, 120]          48,120',
    '8 (ReLU)       [-1, 120]               0',
    '9 (Linear)     [-1, 84]           10,164',
    '10 (ReLU)      [-1, 84]                0',
    '11 (Linear)    [-1, 10]              850',
    '========================================',
    'Total params: 61,706',
    'Trainable params: 61,706',
    'Non-trainable params: 0',
    '----------------------------------------',
  ].join('\n'));
});

test('summary prints by default, names nested layers, counts frozen parameters, restores modes and forwards', () => {
  class Net extends Module {
    features = new Sequential(new Conv2d(3, 4, 3), new BatchNorm2d(4), new ReLU());
    head = new Sequential(new Flatten(), new Dropout(0.5), new Linear(4 * 6 * 6, 2));
    forward(x: Tensor): Tensor {
      return this.head.forward(this.features.forward(x));
    }
  }
  const net = new Net();
  (net.head.at(2) as Linear).weight.requiresGrad = false;
  net.features.eval();
  const printed: string[] = [];
  const log = console.log;
  console.log = (s: string) => printed.push(s);
  let text = '';
  try {
    text = net.summary([3, 8, 8]);
  } finally {
    console.log = log;
  }
  assert.equal(printed, [text]);
  assert.match(text, /features\.0 \(Conv2d\)\s+\[-1, 4, 6, 6\]\s+112\n/);
  assert.match(text, /features\.1 \(BatchNorm2d\)\s+\[-1, 4, 6, 6\]\s+8\n/);
  assert.match(text, /head\.0 \(Flatten\)\s+\[-1, 144\]\s+0\n/);
  assert.match(text, /head\.2 \(Linear\)\s+\[-1, 2\]\s+290\n/);
  assert.match(text, /Total params: 410\nTrainable params: 122\nNon-trainable params: 288\n/);
  assert.ok(net.training && net.head.training && !net.features.training && !net.features.at(1).training, 'modes restored');
  assert.ok([...net.modules()].every((m) => !Object.hasOwn(m, 'forward')), 'forward wrappers removed');
  assert.is((net.features.at(1) as BatchNorm2d).numBatchesTracked!.item(), 0, 'ran in eval mode');

  assert.throws(() => net.summary([3, 8], { print: false }), /BatchNorm2d: expected 4D input|conv2d/);
  assert.ok([...net.modules()].every((m) => !Object.hasOwn(m, 'forward')), 'wrappers removed after a failing forward');
  assert.throws(() => net.summary([3, 0, 8]), /summary: inputShape must be an array of positive integers \(without the batch dimension\), got \[3,0,8\]/);
});

test.run();
