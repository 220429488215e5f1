// The release build against the reference server, as `cargo xtask demo`
// runs it: plaza-server --demo serves the widget and the demo city page,
// pointed at itself, on a fresh SQLite file.

import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtemp, rm, access } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { DIST, startBrowser, open, waitForReady, shadowText } from './support/browser.mjs';

const SERVER = process.env.PLAZA_SERVER_BIN ?? path.resolve('target/debug/plaza-server');

/** Starts plaza-server --demo on a free port; resolves to its origin. */
async function startServer(dir) {
  await access(SERVER).catch(() => {
    throw new Error(`${SERVER} is missing: build it with \`cargo build -p plaza-server\` (cargo xtask test does)`);
  });
  const child = spawn(SERVER, ['--demo', '--addr', '127.0.0.1:0', '--database', `sqlite:${path.join(dir, 'demo.db')}`, '--static-dir', DIST], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const lines = createInterface({ input: child.stdout });
  const origin = await new Promise((resolve, reject) => {
    child.once('exit', (code) => reject(new Error(`plaza-server exited with ${code}`)));
    lines.on('line', (line) => {
      const m = line.match(/^plaza-server listening on (\S+)/);
      if (m) resolve(m[1]);
    });
  });
  return { origin, stop: () => { child.kill('SIGKILL'); } };
}

describe('the demo on the reference server', () => {
  let browser, server, dir;
  before(async () => {
    dir = await mkdtemp(path.join(tmpdir(), 'plaza-server-e2e-'));
    server = await startServer(dir);
    browser = await startBrowser();
  });
  after(async () => {
    await browser?.close();
    server?.stop();
    await rm(dir, { recursive: true, force: true });
  });

  it('serves the city page with both widgets reading from the server', async () => {
    const tab = await open(browser.context, `${server.origin}/`);
    const api = [];
    tab.on('request', (r) => { if (r.url().includes('/v1/')) api.push(new URL(r.url()).pathname); });
    const events = await waitForReady(tab, 2);
    assert.deepEqual(events.filter((e) => e.type === 'plaza:ready').map((e) => e.detail.state), ['loaded', 'loaded']);
    assert.equal(await shadowText(tab, 'plaza-deliberation', 'h2'), 'Rue des Lilas: from through-traffic street to pedestrian plaza?');
    assert.match(await shadowText(tab, '[data-plaza-deliberation]', 'h2'), /d'une rue de transit/);
    assert.ok(api.includes('/v1/deliberations/rue-des-lilas'), api.join('\n'));
    assert.ok(!api.some((p) => p.startsWith('/v1/plaza-local')), 'the in-browser backend is not loaded');
    const counts = await tab.evaluate(() => ['.plaza-for', '.plaza-against']
      .map((c) => document.querySelector('plaza-deliberation').shadowRoot.querySelectorAll(`${c} .plaza-argument`).length));
    assert.deepEqual(counts, [8, 8]);
    const image = await tab.evaluate(() => {
      const img = document.querySelector('plaza-deliberation').shadowRoot.querySelector('img');
      return img.decode().then(() => img.naturalWidth).catch(() => 0);
    });
    assert.ok(image > 0, 'the place image loads from the server');
    assert.deepEqual(tab.errors, []);
  });
});
