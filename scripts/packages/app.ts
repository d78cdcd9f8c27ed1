// A browser app of a new user's, bundled by scripts/test-packages.ts with plain esbuild from the installed packages
// (and measured there for the size budget): one training step of a small model with core, nn and optim.
import { crossEntropy, randn, tensor } from '@torchlet/core';
import { Linear, ReLU, Sequential } from '@torchlet/nn';
import { SGD } from '@torchlet/optim';

const model = new Sequential(new Linear(784, 64), new ReLU(), new Linear(64, 10));
const optimizer = new SGD(model.parameters(), { lr: 0.1 });
const loss = crossEntropy(model.forward(randn([8, 784])), tensor([0, 1, 2, 3, 4, 5, 6, 7]));
optimizer.zeroGrad();
loss.backward();
optimizer.step();
document.body.textContent = `loss ${loss.item()}`;
