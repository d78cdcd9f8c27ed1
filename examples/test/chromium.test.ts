import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { chromiumPath } from '../../scripts/browser/chromium.js';

test('the browser tests find Chromium, and where there is none and no way to install it, say what to install', () => {
  assert.is(chromiumPath({ candidates: ['/nonexistent/chromium', process.execPath] }), process.execPath);
  assert.throws(
    () => chromiumPath({ candidates: ['/nonexistent/chromium'], canInstall: false }),
    /The browser tests need Chromium and found none at \/nonexistent\/chromium\. .*install it with `sudo apt-get install chromium`/,
  );
});

test.run();
