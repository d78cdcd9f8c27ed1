import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

/*
 * A localhost server for bundles. Paths under /iso/ are served with the cross-origin isolation headers (COOP/COEP,
 * so SharedArrayBuffer and threads work), paths under /plain/ without them; the rest of the path names the file.
 * `routes` may answer other paths (reference values computed in Node, data files). With `isolated: true` every path
 * gets the headers and names the file as it is (what `pnpm web` serves); a path ending in / means its index.html.
 */

export const ISOLATION_HEADERS = { 'Cross-Origin-Opener-Policy': 'same-origin', 'Cross-Origin-Embedder-Policy': 'require-corp' };

export type Route = (url: URL) => Promise<{ type: string; body: string | Uint8Array } | null>;

const TYPES: Record<string, string> = {
  '.js': 'text/javascript', '.html': 'text/html', '.json': 'application/json', '.map': 'application/json', '.png': 'image/png',
};

export interface ServeOptions {
  /** Serve every path with the isolation headers, with no /iso/ or /plain/ prefix. */
  isolated?: boolean;
  /** Default 0: any free port. */
  port?: number;
}

export async function serve(files: Map<string, string | Uint8Array>, route: Route, options: ServeOptions = {}): Promise<{ server: Server; origin: string }> {
  const server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://localhost');
    const isolated = options.isolated === true || url.pathname.startsWith('/iso/');
    const headers: Record<string, string> = { 'Cache-Control': 'no-store', ...(isolated ? ISOLATION_HEADERS : {}) };
    const path = url.pathname.endsWith('/') ? `${url.pathname}index.html` : url.pathname;
    const name = options.isolated === true ? path.slice(1) : path.replace(/^\/(iso|plain)\//, '');
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
  await new Promise<void>((resolve) => server.listen(options.port ?? 0, '127.0.0.1', resolve));
  return { server, origin: `http://127.0.0.1:${(server.address() as AddressInfo).port}` };
}
