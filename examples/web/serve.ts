// `pnpm web`: builds the page and serves it on localhost with the cross-origin isolation headers (so the worker
// trains on several threads), printing its URL. Stop it with Ctrl-C. PORT=8080 pnpm web picks the port.
import { serve } from '../../scripts/browser/server.js';
import { buildWeb } from './build.js';

const files = await buildWeb({ minify: true });
const { origin } = await serve(files, async () => null, { isolated: true, port: Number(process.env.PORT ?? 0) });
console.log(`torchlet's MNIST page: ${origin}/  (Ctrl-C to stop)`);
