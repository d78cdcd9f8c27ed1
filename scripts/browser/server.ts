import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

/*
 * A localhost server for bundles. Paths under /iso/ are served with the cross-origin isolation headers (COOP/COEP,
 * so SharedArrayBuffer and threads work), paths under /plain/ without them; the rest of the path names the file.
 * `routes` may answer other paths (reference values computed in Node, data files).
 */

export const ISOLATION_HEADERS = { 'Cross-Origin-Opener-Policy': 'same-origin', 'Cross-Origin-Embedder-Policy': 'require-corp' };

export type Route = (url: URL) => Promise<{ type: string; body: string | Uint8Array } | null>;

const TYPES: Record<string, string> = { '.js': 'text/javascript', '.html': 'text/html', '.json': 'application/json', '.map': 'application/json' };

export async function serve(files: Map<string, string | Uint8Array>, route: Route): Promise<{ server: Server; origin: string }> {
  const server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://localhost');
    const isolated = url.pathname.startsWith('/iso/');
    const headers: Record<string, string> = { 'Cache-Control': 'no-store', ...(isolated ? ISOLATION_HEADERS : {}) };
    const name = url.pathname.replace(/^\/(iso|plain)\//, '');
    const file = files.get(name);
    if (file !== undefined) {
      res.writeHead(200, { ...headers, 'Content-Type': TYPES[name.slice(name.lastIndexOf('.'))] ?? 'application/octet-stream' });
      res.end(file);
      return;
    }
    route(url).then(
      (answer) => {
        if (answer === null) {
          res.writeHead(404, headers);
          res.end(`no ${url.pathname}`);
        } else {
          res.writeHead(200, { ...headers, 'Content-Type': answer.type });
          res.end(answer.body);
        }
      },
      (err: Error) => {
        res.writeHead(500, headers);
        res.end(String(err?.stack ?? err));
      },
    );
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { server, origin: `http://127.0.0.1:${(server.address() as AddressInfo).port}` };
}
