// A small static file server for dist/ (the demo and the end-to-end tests),
// with the MIME types a browser insists on (application/wasm for streaming
// compilation). Extra routes let a test add pages or a stub backend.
//
//   node tests/e2e/support/static-server.mjs <dir> [port]

import http from 'node:http';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const TYPES = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json',
  '.wasm': 'application/wasm',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
};

/**
 * Serves `root`. `routes` maps a path to a handler `(req, res, url) => void`
 * that takes precedence over files. Resolves to `{ url, close(),
 * setUnreachable(bool) }`: while unreachable, every request's connection is
 * dropped without an answer, so the page's fetches fail as on a lost network
 * (the browser itself still says it is online).
 */
export function serve(root, { port = 0, routes = {} } = {}) {
  const base = path.resolve(root);
  let unreachable = false;
  const server = http.createServer(async (req, res) => {
    if (unreachable) {
      req.socket.destroy();
      return;
    }
    const url = new URL(req.url, 'http://localhost');
    const route = routes[url.pathname];
    if (route) return route(req, res, url);
    let file = path.normalize(path.join(base, decodeURIComponent(url.pathname)));
    if (!file.startsWith(base)) {
      res.writeHead(403).end();
      return;
    }
    if (url.pathname.endsWith('/')) file = path.join(file, 'index.html');
    try {
      const body = await readFile(file);
      res.writeHead(200, {
        'Content-Type': TYPES[path.extname(file)] ?? 'application/octet-stream',
        'Cache-Control': 'no-cache',
      });
      res.end(body);
    } catch {
      res.writeHead(404, { 'Content-Type': 'text/plain' }).end('Not found');
    }
  });
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => {
      const { port: actual } = server.address();
      resolve({
        url: `http://127.0.0.1:${actual}`,
        close: () => new Promise((done) => { server.closeAllConnections(); server.close(done); }),
        setUnreachable(flag) {
          unreachable = Boolean(flag);
          if (unreachable) server.closeAllConnections();
        },
      });
    });
  });
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const [dir = 'dist', port = '8000'] = process.argv.slice(2);
  const { url } = await serve(dir, { port: Number(port) });
  console.log(`Serving ${dir} at ${url}/`);
}
