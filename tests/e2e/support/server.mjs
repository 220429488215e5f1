// The reference server for end-to-end tests: plaza-server --demo on a
// fresh SQLite file, serving the release build and the demo city page.

import { spawn, execFileSync } from 'node:child_process';
import { mkdtemp, rm, access, cp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { DIST } from './browser.mjs';

export const SERVER = process.env.PLAZA_SERVER_BIN ?? path.resolve('target/debug/plaza-server');

/**
 * Starts plaza-server --demo on a free port with `args` added; resolves to
 * `{ origin, stop() }` (stop also removes its database). `pages` (file name
 * to HTML) are served next to the build, on the server's origin. `database`
 * replaces the fresh SQLite file (the caller removes it).
 */
export async function startServer(args = [], { pages = {}, database } = {}) {
  await access(SERVER).catch(() => {
    throw new Error(`${SERVER} is missing: build it with \`cargo build -p plaza-server\` (cargo xtask test does)`);
  });
  const dir = await mkdtemp(path.join(tmpdir(), 'plaza-server-e2e-'));
  let staticDir = DIST;
  if (Object.keys(pages).length) {
    staticDir = path.join(dir, 'site');
    await cp(DIST, staticDir, { recursive: true });
    for (const [name, html] of Object.entries(pages)) await writeFile(path.join(staticDir, name), html);
  }
  const child = spawn(SERVER, ['--demo', '--addr', '127.0.0.1:0', '--database', database ?? `sqlite:${path.join(dir, 'demo.db')}`,
    '--static-dir', staticDir, ...args], {
    stdio: ['ignore', 'pipe', 'inherit'],
    env: { ...process.env, PLAZA_LOG: process.env.PLAZA_LOG ?? 'error' },
  });
  const lines = createInterface({ input: child.stdout });
  const origin = await new Promise((resolve, reject) => {
    child.once('exit', (code) => reject(new Error(`plaza-server exited with ${code}`)));
    lines.on('line', (line) => {
      const m = line.match(/^plaza-server listening on (\S+)/);
      if (m) resolve(m[1]);
    });
  });
  return {
    origin,
    async stop() {
      child.kill('SIGKILL');
      await rm(dir, { recursive: true, force: true });
    },
  };
}

/** Every item of a paginated list of the server's API, following next_cursor. */
export async function all(origin, path) {
  const items = [];
  let cursor = null;
  for (let i = 0; i < 1000; i++) {
    const url = new URL(`${origin}${path}`);
    url.searchParams.set('limit', '100');
    if (cursor) url.searchParams.set('cursor', cursor);
    const page = await (await fetch(url)).json();
    items.push(...page.items);
    if (!page.next_cursor) return items;
    cursor = page.next_cursor;
  }
  throw new Error(`${path}: next_cursor never ended`);
}

/** A call to the server's API; fails the test unless it succeeds. Resolves to the answer's JSON. */
export async function call(origin, method, path, { token, body } = {}) {
  const response = await fetch(`${origin}/v1${path}`, {
    method,
    headers: {
      ...(token ? { authorization: `Bearer ${token}` } : {}),
      ...(body ? { 'content-type': 'application/json' } : {}),
    },
    body: body ? JSON.stringify(body) : undefined,
  });
  const text = await response.text();
  if (!response.ok) throw new Error(`${method} ${path}: ${response.status} ${text}`);
  return text ? JSON.parse(text) : null;
}

/** A token the city's site signs (`plaza-server host-token`): a resident's, or a staff member's. */
export function hostToken(secret, who, { staff = false } = {}) {
  return execFileSync(SERVER, ['host-token', ...(staff ? ['--staff'] : []), '--resident', who, '--ttl', '3600'], {
    env: { ...process.env, PLAZA_HOST_SECRET: secret },
  }).toString().trim();
}
