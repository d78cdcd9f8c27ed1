import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { Linear, loadStoredStateDict, storeStateDict, storedStateDicts } from '../src/index.js';

// Outside a browser the IndexedDB store says what is missing (the round trip is test/browser/storage.browser.ts).

test('without IndexedDB each function says it is a browser API; a bad name is refused first', async () => {
  const fails = (promise: Promise<unknown>, pattern: RegExp) => promise.then(() => assert.unreachable(), (err: Error) => assert.match(err.message, pattern));
  await fails(storeStateDict('lenet', new Linear(2, 1).stateDict()), /storeStateDict: IndexedDB is not available here \(it is a browser API\)/);
  await fails(loadStoredStateDict('lenet'), /loadStoredStateDict: IndexedDB is not available/);
  await fails(storedStateDicts(), /storedStateDicts: IndexedDB is not available/);
  await fails(storeStateDict('', new Linear(2, 1).stateDict()), /storeStateDict: expected a non-empty name, got ""/);
});

test.run();
