// The bytes-level I/O of nn and data in a page: safetensors, gzip-compressed IDX (fflate), no Node anywhere.
import * as assert from 'uvu/assert';
import { Linear, serialize, deserialize } from '@torchlet/nn';
import { encodeIdx, parseIdx } from '@torchlet/data';
import { run, test } from '../../../scripts/browser/harness.js';

test('safetensors bytes and gzip-compressed IDX bytes round-trip without Node', async () => {
  const model = new Linear(3, 2);
  const back = deserialize(serialize(model.stateDict()));
  assert.equal(Object.keys(back), ['weight', 'bias']);
  assert.equal(Array.from(back.weight.data), Array.from(model.weight.data));
  assert.not.ok('save' in (await import('@torchlet/nn')), 'the browser entry has no path functions');
  const raw = encodeIdx({ dtype: 'int32', shape: [2, 2], data: Int32Array.from([1, -2, 3, 400000]) });
  const gzipped = new Uint8Array(await new Response(new Blob([raw as Uint8Array<ArrayBuffer>]).stream().pipeThrough(new CompressionStream('gzip'))).arrayBuffer());
  const parsed = parseIdx(gzipped);
  assert.equal(parsed.shape, [2, 2]);
  assert.equal(Array.from(parsed.data), [1, -2, 3, 400000]);
});

await run();
