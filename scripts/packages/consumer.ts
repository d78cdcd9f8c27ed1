// A strict TypeScript consumer of the packed packages' declarations (tsc --strict --module nodenext, no skipLibCheck),
// compiled with only the ES2022 lib (no DOM, no @types/node: so no console here) and with DOM and @types/node.
import { Tensor, defineOp, gradcheck, noGrad, randn, tensor, typed, type OpContext } from '@torchlet/core';
import { Linear, Module, ReLU, Sequential, deserialize, load, save, serialize, type StateDict } from '@torchlet/nn';
import { Adam, SGD, type Optimizer } from '@torchlet/optim';
import { DataLoader, TensorDataset, parseIdx, type Batch } from '@torchlet/data';

class Mlp extends Module {
  readonly body = new Sequential(new Linear(4, 8), new ReLU(), new Linear(8, 2));
  forward(x: Tensor): Tensor {
    return this.body.forward(x);
  }
}

const square = defineOp({
  name: 'square',
  signatures: ['Tensor'],
  forward(ctx: OpContext<undefined>, x: Tensor): Tensor {
    ctx.save(x);
    return x.mul(x);
  },
  backward(ctx: OpContext<undefined>, grad: Tensor) {
    const [x] = ctx.saved;
    return [grad.mul(x).mul(2)];
  },
});

const model = new Mlp();
const optimizers: Optimizer[] = [new SGD(model.parameters(), { lr: 0.1 }), new Adam(model.parameters())];
const state: StateDict = model.stateDict();
const bytes: Uint8Array = serialize(state);
const back: Record<string, Tensor> = deserialize(bytes);
const loader = new DataLoader(new TensorDataset(randn([8, 4]), tensor([0, 1, 0, 1, 0, 1, 0, 1])), { batchSize: 4 });
export const shapes: (readonly number[])[] = [];
for (const batch of loader) {
  const typedBatch: Batch = batch;
  const out: Tensor = noGrad(() => model.forward(typedBatch.x));
  shapes.push(out.shape);
}
const ok: boolean = gradcheck(square, [randn([3], { dtype: 'float64', requiresGrad: true })]);
export const used = [typeof typed, optimizers.length, Object.keys(back), ok, typeof parseIdx, typeof save, typeof load];
