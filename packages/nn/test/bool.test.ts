// The bool dtype in @torchlet/nn: safetensors' "BOOL" (one byte per element) round-trips, and MultiheadAttention's
// bool masks mean what PyTorch's do (true = masked out), the same as the int32 0/1 form.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { gt, manualSeed, noGrad, randn, tensor } from '@torchlet/core';
import { MultiheadAttention, deserialize, serialize } from '@torchlet/nn';

test('serialize/deserialize round-trip a bool tensor as dtype "BOOL", one byte per element', () => {
  const mask = gt(randn([3, 5]), 0);
  const weight = randn([2]);
  const bytes = serialize({ mask, weight });
  const headerLength = Number(new DataView(bytes.buffer).getBigUint64(0, true));
  const header = JSON.parse(new TextDecoder().decode(bytes.subarray(8, 8 + headerLength))) as Record<string, { dtype: string; data_offsets: number[] }>;
  assert.is(header.mask.dtype, 'BOOL');
  assert.is(header.mask.data_offsets[1] - header.mask.data_offsets[0], 15);
  const back = deserialize(bytes);
  assert.is(back.mask.dtype, 'bool');
  assert.instance(back.mask.data, Uint8Array);
  assert.equal(back.mask.shape, [3, 5]);
  assert.equal(Array.from(back.mask.data), Array.from(mask.data));
  assert.equal(Array.from(back.weight.data), Array.from(weight.data));
});

test('a BOOL entry holding a byte other than 0 or 1 is refused, naming the tensor', () => {
  const bytes = serialize({ flags: tensor([true, false]) });
  bytes[bytes.length - 1] = 7;
  assert.throws(() => deserialize(bytes), /'flags' is BOOL and holds 7 at element 1; a bool is stored as 0 or 1/);
});

test('MultiheadAttention: a bool attnMask and keyPaddingMask (true = masked) give what their int32 forms give', () => {
  manualSeed(11);
  const mha = new MultiheadAttention(4, 2, { batchFirst: true });
  const x = randn([2, 3, 4]);
  const attnMask = tensor([[false, true, true], [false, false, true], [false, false, false]]);
  const keyPaddingMask = tensor([[false, false, true], [false, false, false]]);
  const [withBool, weightsBool] = noGrad(() => mha(x, x, x, { attnMask, keyPaddingMask }));
  const [withInt, weightsInt] = noGrad(() => mha(x, x, x, { attnMask: attnMask.int(), keyPaddingMask: keyPaddingMask.int() }));
  assert.equal(withBool.tolist(), withInt.tolist());
  assert.equal(weightsBool!.tolist(), weightsInt!.tolist());
  // the masked positions get no weight
  const w = weightsBool!.tolist() as number[][][];
  assert.is(w[0][0][1], 0);
  assert.is(w[0][1][2], 0);
  assert.is(w[0][2][2], 0);
  assert.ok(w[1][2][2] > 0);
});

test('Module.to / double() keep a bool buffer bool, as PyTorch casts only floating tensors', () => {
  const m = new MultiheadAttention(4, 2);
  m.registerBuffer('mask', tensor([true, false]));
  m.double();
  const mask = [...m.namedBuffers()].find(([name]) => name === 'mask')![1];
  assert.is(mask.dtype, 'bool');
  assert.is(m.out_proj.weight.dtype, 'float64');
});

test.run();
