// The release build against the reference server, as `cargo xtask demo`
// runs it: plaza-server --demo serves the widget and the demo city page,
// pointed at itself, on a fresh SQLite file.

import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startBrowser, open, waitForReady, shadowText } from './support/browser.mjs';
import { startServer } from './support/server.mjs';

describe('the demo on the reference server', () => {
  let browser, server;
  before(async () => {
    server = await startServer();
    browser = await startBrowser();
  });
  after(async () => {
    await browser?.close();
    await server?.stop();
  });

  it('serves the city page with both widgets reading from the server', async () => {
    // Listening before the page opens: its first requests leave at once.
    const api = [];
    const record = (r) => { if (r.url().includes('/v1/')) api.push(new URL(r.url()).pathname); };
    browser.context.on('request', record);
    const tab = await open(browser.context, `${server.origin}/`);
    const events = await waitForReady(tab, 2);
    browser.context.off('request', record);
    assert.deepEqual(events.filter((e) => e.type === 'plaza:ready').map((e) => e.detail.state), ['loaded', 'loaded']);
    assert.equal(await shadowText(tab, 'plaza-deliberation', 'h2'), 'Rue des Lilas: from through-traffic street to pedestrian plaza?');
    assert.match(await shadowText(tab, '[data-plaza-deliberation]', 'h2'), /d'une rue de transit/);
    assert.ok(api.includes('/v1/deliberations/rue-des-lilas'), api.join('\n'));
    assert.ok(!api.some((p) => p.startsWith('/v1/plaza-local')), 'the in-browser backend is not loaded');
    // The two widgets show one deliberation: each read is made once for both.
    assert.equal(api.filter((p) => p === '/v1/deliberations/rue-des-lilas').length, 1, api.join('\n'));
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

  it('asks for the first screen while the wasm downloads, each read once', async () => {
    // The French widget's language file is handed over the same way.
    const language = '/languages/fr.json';
    const firstScreen = [
      '/v1/deliberations/rue-des-lilas',
      '/v1/deliberations/rue-des-lilas/arguments?stance=for&sort=helpful',
      '/v1/deliberations/rue-des-lilas/arguments?stance=against&sort=helpful',
    ];
    // A browser of its own: the returning participant's token stays in it.
    const own = await startBrowser();
    // The wasm held back (a slow link) until the first screen's reads have
    // left, for at most 3 s: reads made early leave before it comes.
    const visit = async (init, { failFirst, allowErrors } = {}) => {
      const tab = await open(own.context, 'about:blank', { init });
      if (failFirst) {
        // The first request for each of `failFirst` (the early one) answered 503.
        const failed = new Set();
        await tab.route((url) => failFirst.includes(url.pathname + url.search), (route) => {
          const url = new URL(route.request().url());
          const path = url.pathname + url.search;
          if (failed.has(path)) return route.continue();
          failed.add(path);
          return route.fulfill({ status: 503, contentType: 'application/problem+json', body: '{"type":"about:blank","title":"Unavailable","status":503}' });
        });
      }
      const reads = [];
      let allLeft;
      const left = new Promise((resolve) => { allLeft = resolve; });
      tab.on('request', (r) => {
        const url = new URL(r.url());
        if (!url.pathname.startsWith('/v1/') && url.pathname !== language) return;
        reads.push({ path: url.pathname + url.search, at: Date.now(), auth: r.headers().authorization ?? null });
        if ([...firstScreen, language].every((p) => reads.some((read) => read.path === p))) allLeft();
      });
      let wasmSent = null;
      await tab.route('**/plaza_bg.wasm', async (route) => {
        await Promise.race([left, new Promise((r) => setTimeout(r, 3000))]);
        wasmSent = Date.now();
        await route.continue();
      });
      await tab.goto(`${server.origin}/`);
      const events = await waitForReady(tab, 2);
      assert.deepEqual(events.filter((e) => e.type === 'plaza:ready').map((e) => e.detail.state), ['loaded', 'loaded']);
      assert.deepEqual(tab.errors.filter((e) => !allowErrors?.test(e)), []);
      await tab.close();
      return { reads, wasmSent };
    };
    try {
      const first = await visit();
      for (const path of [...firstScreen, language]) {
        const made = first.reads.filter((r) => r.path === path);
        assert.equal(made.length, 1, `${path} once for both widgets:\n${first.reads.map((r) => r.path).join('\n')}`);
        assert.ok(made[0].at <= first.wasmSent, `${path} asked for before the wasm came`);
      }
      // An early read that fails is not handed over: the widget asks itself.
      const failing = await visit(undefined, { failFirst: [firstScreen[0], language], allowErrors: /status of 503/ });
      for (const path of [firstScreen[0], language]) {
        const made = failing.reads.filter((r) => r.path === path);
        assert.equal(made.length, 2, failing.reads.map((r) => r.path).join('\n'));
        assert.ok(made[0].at <= failing.wasmSent && made[1].at > failing.wasmSent, `${path}: ${JSON.stringify(made)}, wasm ${failing.wasmSent}`);
      }
      // A returning participant's reads carry their token (their own reactions):
      // nothing is asked for early, and each read is still made once.
      const created = await fetch(`${server.origin}/v1/participants`, { method: 'POST' });
      assert.equal(created.status, 201);
      const { token } = await created.json();
      const returning = await visit([
        ([key, value]) => { if (location.protocol.startsWith('http')) localStorage.setItem(key, value); },
        [`plaza:token:v1:${server.origin}/v1`, token],
      ]);
      for (const path of firstScreen) {
        const made = returning.reads.filter((r) => r.path === path);
        assert.equal(made.length, 1, `${path} once:\n${returning.reads.map((r) => r.path).join('\n')}`);
        assert.ok(made[0].at > returning.wasmSent, `${path} asked for by the widget itself`);
      }
      const sides = returning.reads.filter((r) => r.path.includes('/arguments?'));
      assert.ok(sides.every((r) => r.auth === `Bearer ${token}`), JSON.stringify(sides));
    } finally {
      await own.close();
    }
  });

  it('works under the strict Content-Security-Policy it advises, and every answer says nosniff', async () => {
    const page = await fetch(`${server.origin}/`);
    const csp = page.headers.get('content-security-policy');
    assert.match(csp, /script-src 'self' 'wasm-unsafe-eval'/);
    assert.doesNotMatch(csp, /'unsafe-eval'|script-src[^;]*'unsafe-inline'/);
    for (const path of ['/', '/plaza.js', '/plaza_bg.wasm', '/v1/deliberations/rue-des-lilas', '/v1/nothing']) {
      const r = await fetch(`${server.origin}${path}`);
      assert.equal(r.headers.get('x-content-type-options'), 'nosniff', path);
      assert.equal(r.headers.get('referrer-policy'), 'no-referrer', path);
    }
    // The widget's files come compressed, with a cache policy.
    const wasm = await fetch(`${server.origin}/plaza_bg.wasm`, { headers: { 'accept-encoding': 'br' } });
    assert.equal(wasm.headers.get('content-encoding'), 'br');
    assert.match(wasm.headers.get('cache-control'), /max-age=\d+/);

    const tab = await open(browser.context, `${server.origin}/`);
    await tab.addInitScript(() => {
      window.__violations = [];
      document.addEventListener('securitypolicyviolation', (e) => window.__violations.push(`${e.violatedDirective} ${e.blockedURI}`));
    });
    await tab.reload();
    const events = await waitForReady(tab, 2);
    assert.deepEqual(events.filter((e) => e.type === 'plaza:ready').map((e) => e.detail.state), ['loaded', 'loaded']);
    // Taking part works too: an option is ranked (the demo poll is open to anyone). The ballot
    // comes after the first screen (it waits for the poll), so wait for it.
    await tab.waitForFunction(() => document.querySelector('plaza-deliberation').shadowRoot.getElementById('plaza-option-0-rank'));
    await tab.evaluate(() => {
      const root = document.querySelector('plaza-deliberation').shadowRoot;
      const select = root.getElementById('plaza-option-0-rank');
      select.value = '1';
      select.dispatchEvent(new Event('change'));
    });
    await tab.waitForFunction(() => document.querySelector('plaza-deliberation').shadowRoot.querySelectorAll('.plaza-ranked-label').length === 1);
    assert.deepEqual(await tab.evaluate(() => window.__violations), []);
    assert.deepEqual(tab.errors, []);
  });
});
