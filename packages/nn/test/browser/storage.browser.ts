// A state dict kept in IndexedDB: stored, listed, loaded back bit for bit, deleted; a missing name is an error naming it.
import * as assert from 'uvu/assert';
import { Linear, deleteStoredStateDict, loadStoredStateDict, storeStateDict, storedStateDicts } from '@torchlet/nn';
import { run, test } from '../../../../scripts/browser/harness.js';

test('storeStateDict, storedStateDicts, loadStoredStateDict and deleteStoredStateDict round-trip through IndexedDB', async () => {
  const model = new Linear(3, 2);
  await storeStateDict('linear', model.stateDict(), { metadata: { note: 'test' } });
  assert.ok((await storedStateDicts()).includes('linear'));
  const back = await loadStoredStateDict('linear');
  assert.equal(Object.keys(back), ['weight', 'bias']);
  assert.equal(Array.from(back.weight.data), Array.from(model.weight.data));
  const other = new Linear(3, 2);
  other.loadStateDict(back);
  assert.equal(Array.from(other.bias!.data), Array.from(model.bias!.data));
  await deleteStoredStateDict('linear');
  assert.not.ok((await storedStateDicts()).includes('linear'));
  await loadStoredStateDict('linear').then(() => assert.unreachable(), (err: Error) => assert.match(err.message, /loadStoredStateDict: no state dict is stored under "linear"/));
});

await run();
