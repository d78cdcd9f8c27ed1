// Issue 10's option checks on save/load and serialize/deserialize: an unknown key names the closest one, an extra
// argument is an error naming the function, and the options that exist still work.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { tensor } from '@torchlet/core';
import { deserialize, deserializeWithMetadata, load, loadWithMetadata, save, serialize } from '@torchlet/nn';

type Loose = (...args: unknown[]) => unknown;
const dict = () => ({ w: tensor([1, 2]) });

test('serialize/deserialize: metadata and source work; an unknown key or an extra argument is refused', () => {
  const bytes = serialize(dict(), { metadata: { format: 'pt' } });
  assert.equal(deserializeWithMetadata(bytes).metadata, { format: 'pt' });
  assert.throws(() => serialize(dict(), { meta_data: {} } as never), /serialize: unknown option "meta_data" \(expected "metadata"\): did you mean "metadata"\?/);
  assert.throws(() => (serialize as Loose)(dict(), {}, 'extra'), /serialize: an options object must be the last argument/);
  assert.throws(() => (serialize as Loose)(dict(), 'pt'), /serialize: got 1 positional arguments after the required ones, but it takes at most 0/);
  assert.throws(() => deserialize(bytes, { sorce: 'x' } as never), /deserialize: unknown option "sorce" \(expected "source"\): did you mean "source"\?/);
  assert.throws(() => (deserializeWithMetadata as Loose)(bytes, {}, 1), /deserializeWithMetadata: an options object must be the last argument/);
  const broken = bytes.slice(0, 12);
  assert.throws(() => deserialize(broken, { source: 'my.safetensors' }), /safetensors: my\.safetensors is not a valid safetensors file/);
});

test('save/load: options checked, extra arguments refused (torch.load\'s map_location is not needed)', () => {
  const dir = mkdtempSync(join(tmpdir(), 'torchlet-options-'));
  try {
    const path = join(dir, 'w.safetensors');
    save(dict(), path, { metadata: { step: '3' } });
    assert.equal(loadWithMetadata(path).metadata, { step: '3' });
    assert.equal(load(path).w.tolist(), [1, 2]);
    assert.throws(() => save(dict(), path, { metdata: {} } as never), /save: unknown option "metdata" \(expected "metadata"\): did you mean "metadata"\?/);
    assert.throws(() => (save as Loose)(dict(), path, {}, true), /save: an options object must be the last argument/);
    assert.throws(() => (load as Loose)(path, 'cpu'), /load: takes only a file path, got 1 more argument \(torch\.load's map_location/);
    assert.throws(() => (loadWithMetadata as Loose)(path, { mapLocation: 'cpu' }), /loadWithMetadata: takes only a file path, got 1 more argument/);
    assert.throws(() => load(join(dir, 'missing.safetensors')), /load: could not read/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test.run();
