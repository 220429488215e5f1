// Headless Chromium for the end-to-end tests (Debian's chromium, driven by
// playwright-core), and helpers to wait for widgets as a city page would.

import { chromium } from 'playwright-core';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { serve } from './static-server.mjs';

export const DIST = process.env.PLAZA_DIST ?? path.resolve('dist');
const EXECUTABLE = process.env.PLAZA_CHROMIUM ?? '/usr/bin/chromium';

/** Starts a browser with a fresh profile; `close()` removes everything. */
export async function startBrowser() {
  const profile = await mkdtemp(path.join(tmpdir(), 'plaza-e2e-'));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: EXECUTABLE,
    headless: true,
    chromiumSandbox: false,
    viewport: { width: 1280, height: 900 },
    locale: 'en-GB',
    args: [
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
  return {
    context,
    async close() {
      await context.close();
      await rm(profile, { recursive: true, force: true });
    },
  };
}

/** Serves dist/ plus test routes. */
export function serveDist(routes = {}) {
  return serve(DIST, { routes });
}

/** A route answering with a fixed page. */
export function page(html) {
  return (_req, res) => {
    res.writeHead(200, { 'Content-Type': 'text/html; charset=utf-8', 'Cache-Control': 'no-store' });
    res.end(html);
  };
}

/** A city page embedding `body`, with plaza.js loaded as a city would. */
export function cityPage(body, { head = '', lang = 'en', script = true } = {}) {
  return `<!doctype html><html lang="${lang}"><head><meta charset="utf-8"><title>Test page</title><link rel="icon" href="data:,">${head}</head>
<body><main>${body}</main>${script ? '<script type="module" src="/plaza.js"></script>' : ''}</body></html>`;
}

/**
 * Opens `url` in a new tab, recording console errors and uncaught
 * exceptions, and resolving `plaza:ready` events into `page.readyEvents`.
 * `viewport` (`{ width, height }`): the tab's size from the start.
 */
export async function open(context, url, { init, viewport } = {}) {
  const tab = await context.newPage();
  if (viewport) await tab.setViewportSize(viewport);
  tab.errors = [];
  tab.on('console', (m) => { if (m.type() === 'error') tab.errors.push(m.text()); });
  tab.on('pageerror', (e) => tab.errors.push(`uncaught: ${e.message}`));
  await tab.addInitScript(() => {
    window.__plazaEvents = [];
    for (const type of ['plaza:ready', 'plaza:error']) {
      document.addEventListener(type, (e) => {
        const host = e.target;
        window.__plazaEvents.push({
          type,
          detail: { ...e.detail },
          id: host.id || null,
        });
      });
    }
  });
  // `init`: a function run before the page's scripts, or [function, argument].
  if (Array.isArray(init)) await tab.addInitScript(init[0], init[1]);
  else if (init) await tab.addInitScript(init);
  await tab.goto(url);
  return tab;
}

/** Waits until `count` widgets dispatched `plaza:ready`; returns the events. */
export async function waitForReady(tab, count, timeout = 20_000) {
  await tab.waitForFunction(
    (n) => window.__plazaEvents.filter((e) => e.type === 'plaza:ready').length >= n,
    count,
    { timeout },
  );
  return tab.evaluate(() => window.__plazaEvents);
}

/** The text of the first element matching `selector` inside host `#id`'s shadow root. */
export function shadowText(tab, hostSelector, selector) {
  return tab.evaluate(
    ([h, s]) => document.querySelector(h)?.shadowRoot?.querySelector(s)?.textContent?.trim() ?? null,
    [hostSelector, selector],
  );
}
