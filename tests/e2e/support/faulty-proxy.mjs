// A proxy in front of the reference server that makes the network fail as
// residents' networks do: requests dropped before they arrive, answers
// lost after the server acted, server errors, and requests that hang past
// the widget's timeout. What fails is decided per request by `plan`.

import http from 'node:http';

/** What may happen to a request, besides 'pass'. */
export const FAULTS = ['drop-request', 'drop-response', '500', '503', 'hang'];

/**
 * Proxies everything to `target` (an origin). `plan(req)` says what to do
 * with each request (default: pass). `log` records every request that
 * reached the server: `{ method, path, key }`.
 */
export async function faultyProxy(target, { hangMs = 17_000 } = {}) {
  let plan = () => 'pass';
  const log = [];
  const faults = [];
  let open = 0;
  let lastSeen = Date.now();
  const forward = (req, body, respond) => {
    const url = new URL(req.url, target);
    const upstream = http.request(url, { method: req.method, headers: { ...req.headers, host: url.host } }, (res) => {
      const chunks = [];
      res.on('data', (c) => chunks.push(c));
      res.on('end', () => respond(res.statusCode, res.headers, Buffer.concat(chunks)));
    });
    upstream.on('error', () => respond(502, {}, Buffer.from('')));
    upstream.end(body);
    log.push({ method: req.method, path: url.pathname, key: req.headers['idempotency-key'] ?? null });
  };
  const server = http.createServer((req, res) => {
    open += 1;
    lastSeen = Date.now();
    res.on('close', () => { open -= 1; lastSeen = Date.now(); });
    const chunks = [];
    req.on('data', (c) => chunks.push(c));
    req.on('end', () => {
      const body = Buffer.concat(chunks);
      const fault = plan(req);
      if (fault !== 'pass') faults.push(fault);
      const answer = (status, headers, payload) => {
        if (res.destroyed) return;
        res.writeHead(status, headers);
        res.end(payload);
      };
      const problem = (status, code) => answer(status, { 'content-type': 'application/problem+json', 'retry-after': '1' },
        JSON.stringify({ type: 'about:blank', title: 'Injected', status, code }));
      switch (fault) {
        case 'drop-request':
          return req.socket.destroy();
        case 'drop-response':
          return forward(req, body, () => req.socket.destroy());
        case '500':
          return problem(500, 'internal');
        case '503':
          return problem(503, 'unavailable');
        case 'hang':
          // Past the widget's timeout; the server still gets it, late.
          return setTimeout(() => forward(req, body, () => req.socket.destroy()), hangMs);
        default:
          return forward(req, body, answer);
      }
    });
  });
  await new Promise((r) => server.listen(0, '127.0.0.1', r));
  return {
    url: `http://127.0.0.1:${server.address().port}`,
    log,
    faults,
    setPlan(fn) { plan = fn; },
    /**
     * Resolves once no request has been open for `quietMs`: what a page
     * started loading has arrived, so a test that then takes the network
     * away sees only what the page sends afterwards.
     */
    async idle(quietMs = 750, timeoutMs = 20_000) {
      const until = Date.now() + timeoutMs;
      while (open > 0 || Date.now() - lastSeen < quietMs) {
        if (Date.now() > until) throw new Error(`the page kept the network busy for ${timeoutMs} ms`);
        await new Promise((r) => setTimeout(r, 50));
      }
    },
    close: () => new Promise((r) => { server.closeAllConnections(); server.close(r); }),
  };
}

/** A seeded random number generator (mulberry32), so a failing run can be replayed. */
export function seeded(seed) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6D2B79F5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
