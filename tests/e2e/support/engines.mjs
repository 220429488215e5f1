// One small interface over three browser engines, for tests that must hold
// in each: Chromium (Debian's chromium through playwright-core, the launcher
// of browser.mjs), Firefox (Debian's firefox-esr through puppeteer-core over
// WebDriver BiDi) and WebKit (Debian's WebKitWebDriver driving WebKitGTK's
// MiniBrowser over classic W3C WebDriver, under xvfb-run).
//
//   const engine = await openEngine('webkit');
//   await engine.goto(url);
//   await engine.evaluate((sel) => document.querySelector(sel).id, 'main');
//   await engine.pressKey('Shift+Tab');
//   await engine.close();
//
// No engine here has init scripts in common, so a page that must be watched
// from its first script embeds RECORDER (see `withRecorder`).

import { spawn } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import net from 'node:net';
import { startBrowser } from './browser.mjs';

export const ENGINES = ['chromium', 'firefox', 'webkit'];

const VIEWPORT = { width: 1280, height: 900 };
const MULTIARCH = process.arch === 'arm64' ? 'aarch64-linux-gnu' : 'x86_64-linux-gnu';

const PATHS = {
  chromium: process.env.PLAZA_CHROMIUM ?? '/usr/bin/chromium',
  firefox: process.env.PLAZA_FIREFOX ?? '/usr/bin/firefox-esr',
  webkitDriver: process.env.PLAZA_WEBKIT_DRIVER ?? '/usr/bin/WebKitWebDriver',
  miniBrowser: process.env.PLAZA_MINIBROWSER ?? `/usr/lib/${MULTIARCH}/webkit2gtk-4.1/MiniBrowser`,
  xvfbRun: '/usr/bin/xvfb-run',
};

/**
 * Why `name` cannot run on this machine (a missing binary, with the Debian
 * package that brings it), or null when it can.
 */
export function engineMissing(name) {
  const need = {
    chromium: [[PATHS.chromium, 'chromium']],
    firefox: [[PATHS.firefox, 'firefox-esr']],
    webkit: [[PATHS.webkitDriver, 'webkit2gtk-driver'], [PATHS.miniBrowser, 'webkit2gtk-driver'], [PATHS.xvfbRun, 'xvfb']],
  }[name];
  if (!need) throw new Error(`unknown engine ${name}; one of ${ENGINES.join(', ')}`);
  const missing = need.filter(([file]) => !existsSync(file));
  if (missing.length === 0) return null;
  return `${name}: ${missing.map(([f]) => f).join(', ')} missing (Debian: apt-get install ${[...new Set(missing.map(([, p]) => p))].join(' ')})`;
}

/**
 * In-page recorder of the widgets' events and of the page's errors, as an
 * inline script to run before plaza.js: `window.__plazaEvents` (as in
 * browser.mjs) and `window.__pageErrors` (uncaught errors, unhandled
 * rejections and console.error calls — the one error channel all three
 * engines share, since classic WebDriver has no console log).
 */
export const RECORDER = `
window.__plazaEvents = [];
window.__pageErrors = [];
for (const type of ['plaza:ready', 'plaza:error']) {
  document.addEventListener(type, (e) => {
    window.__plazaEvents.push({ type, detail: { ...e.detail }, id: e.target.id || null });
  });
}
window.addEventListener('error', (e) => window.__pageErrors.push('uncaught: ' + e.message));
window.addEventListener('unhandledrejection', (e) => window.__pageErrors.push('unhandled rejection: ' + e.reason));
const consoleError = console.error;
console.error = (...args) => { window.__pageErrors.push(args.map(String).join(' ')); consoleError.apply(console, args); };
`;

/** `html` with RECORDER as the first script of its <head>. */
export function withRecorder(html) {
  const at = html.search(/<head[^>]*>/i);
  if (at < 0) throw new Error('withRecorder: the page has no <head>');
  const end = html.indexOf('>', at) + 1;
  return `${html.slice(0, end)}<script>${RECORDER}</script>${html.slice(end)}`;
}

/**
 * Source of an in-page function returning the element that has keyboard
 * focus, following `shadowRoot.activeElement` into open shadow roots.
 */
export const DEEP_ACTIVE_ELEMENT = `function deepActiveElement() {
  let el = document.activeElement;
  while (el && el.shadowRoot && el.shadowRoot.activeElement) el = el.shadowRoot.activeElement;
  return el;
}`;

/**
 * Opens a browser of engine `name` with one page. Every engine's object has:
 *
 * - `goto(url)`: navigates and resolves after the load event.
 * - `evaluate(fn, ...args)`: runs `fn` (a function, or its source text) in the
 *   page with JSON-serialisable `args`, awaits it if it returns a promise, and
 *   resolves to its result after a JSON round trip (so the same in every
 *   engine: undefined stays undefined, elements become {}). An exception in
 *   the page rejects with its message.
 * - `waitFor(fn, args = [], { timeout, interval })`: polls `evaluate` until
 *   the result is truthy; resolves to it.
 * - `pressKey(key)`: real key events, as the keyboard would send them: 'Tab',
 *   'Shift+Tab', 'Enter', 'Space', 'Escape', 'ArrowDown', 'Home', a single
 *   character…; modifiers joined with '+'.
 * - `type(text)`: key events for each character, into the focused element
 *   (Chromium inserts one outside the US layout, é, as text, without keys).
 * - `canEmulateOffline` and `setOffline(bool)`: the browser's own network
 *   emulation (navigator.onLine false, an `offline` event, every request
 *   fails). Chromium and Firefox have it; WebKit's WebDriver has none, and
 *   there `setOffline` throws: make the server unreachable (a proxy or
 *   the static server's `setUnreachable`) and, for a browser that says it
 *   is offline, tell the page (engines-participation.test.mjs).
 * - `screenshot(path)`: a PNG of the viewport.
 * - `close()`: ends the browser and every process it started.
 */
export async function openEngine(name) {
  const reason = engineMissing(name);
  if (reason) throw new Error(reason);
  switch (name) {
    case 'chromium': return openChromium();
    case 'firefox': return openFirefox();
    case 'webkit': return openWebKit();
  }
}

/** The in-page script shared by all engines: run, JSON round trip, errors as values. */
function invocation(fn, args) {
  const source = typeof fn === 'function' ? fn.toString() : String(fn);
  return `(async () => {
  try {
    const value = await (${source}).apply(null, ${JSON.stringify(args)});
    return JSON.stringify({ ok: true, value });
  } catch (e) {
    return JSON.stringify({ ok: false, error: String(e) });
  }
})()`;
}

function settle(engine, json) {
  const result = JSON.parse(json);
  if (!result.ok) throw new Error(`evaluate in ${engine}: ${result.error}`);
  return result.value;
}

/** Splits 'Shift+Tab' into modifiers and key ('+' alone is the plus key). */
function parseKey(key) {
  if (key.length === 1) return { modifiers: [], key };
  const parts = key.split('+');
  if (parts.at(-1) === '') parts.splice(-2, 2, '+');
  return { modifiers: parts.slice(0, -1), key: parts.at(-1) };
}

function common(name, impl) {
  const engine = {
    name,
    ...impl,
    async waitFor(fn, args = [], { timeout = 20_000, interval = 50 } = {}) {
      const deadline = Date.now() + timeout;
      for (;;) {
        const value = await engine.evaluate(fn, ...args);
        if (value) return value;
        if (Date.now() > deadline) {
          throw new Error(`${name}: timed out after ${timeout} ms waiting for ${typeof fn === 'function' ? fn.toString() : fn}`);
        }
        await new Promise((r) => setTimeout(r, interval));
      }
    },
    async pressKey(key) {
      const { modifiers, key: main } = parseKey(key);
      await impl.keys([...modifiers.map((m) => ['down', m]), ['down', main], ['up', main], ...modifiers.slice().reverse().map((m) => ['up', m])]);
    },
    async type(text) {
      if (impl.typeText) await impl.typeText(text);
      else await impl.keys([...text].flatMap((c) => [['down', c], ['up', c]]));
    },
  };
  return engine;
}

// ---------------------------------------------------------------- Chromium

async function openChromium() {
  const browser = await startBrowser();
  const page = await browser.context.newPage();
  return common('chromium', {
    canEmulateOffline: true,
    async goto(url) { await page.goto(url); },
    async evaluate(fn, ...args) { return settle('chromium', await page.evaluate(invocation(fn, args))); },
    async keys(steps) {
      // Playwright's names are the DOM's, 'Space' included.
      for (const [dir, key] of steps) await page.keyboard[dir](key === ' ' ? 'Space' : key);
    },
    // Key events for each character; one outside the US layout (é) as text input.
    async typeText(text) { await page.keyboard.type(text); },
    async setOffline(offline) { await browser.context.setOffline(offline); },
    async screenshot(path) { await page.screenshot({ path }); },
    async close() { await browser.close(); },
  });
}

// ----------------------------------------------------------------- Firefox

async function openFirefox() {
  // Imported here so that the other engines do not need puppeteer-core.
  const { default: puppeteer } = await import('puppeteer-core');
  const browser = await puppeteer.launch({
    browser: 'firefox',
    executablePath: PATHS.firefox,
    headless: true,
    defaultViewport: VIEWPORT,
    // Fail in seconds rather than after puppeteer's 180 s default.
    protocolTimeout: 30_000,
    extraPrefsFirefox: {
      // Nothing to reach outside this machine.
      'network.captive-portal-service.enabled': false,
      'network.connectivity-service.enabled': false,
      'intl.accept_languages': 'en-GB',
    },
  });
  const page = await browser.newPage();
  return common('firefox', {
    canEmulateOffline: true,
    async goto(url) { await page.goto(url); },
    async evaluate(fn, ...args) { return settle('firefox', await page.evaluate(invocation(fn, args))); },
    async keys(steps) {
      // puppeteer's BiDi keyboard knows no 'Space': the character it is.
      for (const [dir, key] of steps) await page.keyboard[dir](key === 'Space' ? ' ' : key);
    },
    async typeText(text) { await page.keyboard.type(text); },
    async setOffline(offline) { await page.setOfflineMode(offline); },
    async screenshot(path) { await page.screenshot({ path }); },
    async close() { await browser.close(); },
  });
}

// ------------------------------------------------------------------ WebKit

/** The WebDriver code points of named keys (W3C WebDriver, "Keyboard actions"). */
const WEBDRIVER_KEYS = {
  Backspace: '\uE003', Tab: '\uE004', Enter: '\uE007', Shift: '\uE008', Control: '\uE009',
  Alt: '\uE00A', Escape: '\uE00C', Space: ' ', PageUp: '\uE00E', PageDown: '\uE00F',
  End: '\uE010', Home: '\uE011', ArrowLeft: '\uE012', ArrowUp: '\uE013', ArrowRight: '\uE014',
  ArrowDown: '\uE015', Insert: '\uE016', Delete: '\uE017', Meta: '\uE03D',
};

function freePort() {
  return new Promise((resolve, reject) => {
    const probe = net.createServer();
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const { port } = probe.address();
      probe.close(() => resolve(port));
    });
  });
}

/**
 * The processes of group `pgid` still running (Linux's /proc), as
 * `{ pid, comm }`. Exited ones left as zombies for PID 1 to reap do not count.
 */
function groupMembers(pgid) {
  const members = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    let stat;
    try { stat = readFileSync(`/proc/${entry}/stat`, 'utf8'); } catch { continue; }
    // pid (comm) state ppid pgrp …: comm may hold spaces and parentheses.
    const comm = stat.slice(stat.indexOf('(') + 1, stat.lastIndexOf(')'));
    const [state, , pgrp] = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    if (Number(pgrp) === pgid && state !== 'Z') members.push({ pid: Number(entry), comm });
  }
  return members;
}

function signal(pid, sig) {
  try { process.kill(pid, sig); } catch { /* gone meanwhile */ }
}

/** Resolves once `done()` holds, or after `ms`; says which. */
async function until(done, ms) {
  for (const end = Date.now() + ms; Date.now() < end;) {
    if (done()) return true;
    await new Promise((r) => setTimeout(r, 50));
  }
  return done();
}

/**
 * WebKitWebDriver under `xvfb-run -a` (WebKitGTK needs a display, and its
 * headless mode hangs here), in a process group of its own so that close()
 * ends Xvfb, the driver, MiniBrowser and its web processes together.
 */
async function startWebKitDriver() {
  let lastError;
  for (let attempt = 1; attempt <= 3; attempt += 1) {
    const port = await freePort();
    const child = spawn(PATHS.xvfbRun, ['-a', '-s', '-screen 0 1920x1080x24 -nolisten tcp', PATHS.webkitDriver, `--port=${port}`], {
      detached: true,
      stdio: ['ignore', 'ignore', 'pipe'],
      // WebKit takes navigator.languages from the locale: ["C"] without one,
      // ["en-US"] where, as here, en_GB is not generated (the others: en-GB).
      env: { ...process.env, LANG: 'en_GB.UTF-8', LANGUAGE: 'en_GB:en' },
    });
    let stderr = '';
    child.stderr.on('data', (d) => { stderr = (stderr + d).slice(-4000); });
    let exit = null;
    const exited = new Promise((resolve) => child.once('exit', (code, sig) => { exit = { code, sig }; resolve(exit); }));
    const kill = () => signal(-child.pid, 'SIGTERM');
    // Never leave them behind, even when the test process dies.
    process.once('exit', kill);
    const base = `http://127.0.0.1:${port}`;
    const deadline = Date.now() + 15_000;
    while (!exit && Date.now() < deadline) {
      try {
        const res = await fetch(`${base}/status`, { signal: AbortSignal.timeout(1000) });
        if (res.ok && (await res.json()).value?.ready) {
          return {
            base,
            async stop() {
              // The driver first: then xvfb-run ends Xvfb and removes its
              // temporary files itself. Then whatever of MiniBrowser is left.
              for (const { pid, comm } of groupMembers(child.pid)) {
                if (comm === 'WebKitWebDriver') signal(pid, 'SIGTERM');
              }
              if (!(await until(() => exit, 5000))) kill();
              if (!(await until(() => groupMembers(child.pid).length === 0, 100))) {
                kill();
                if (!(await until(() => groupMembers(child.pid).length === 0, 5000))) signal(-child.pid, 'SIGKILL');
              }
              await exited;
              process.removeListener('exit', kill);
            },
          };
        }
      } catch { /* not listening yet */ }
      await new Promise((r) => setTimeout(r, 100));
    }
    kill();
    process.removeListener('exit', kill);
    lastError = new Error(`WebKitWebDriver did not start on port ${port} (${exit ? `exit ${JSON.stringify(exit)}` : 'timeout'}): ${stderr.trim()}`);
  }
  throw lastError;
}

async function openWebKit() {
  const driver = await startWebKitDriver();
  const call = async (method, path, body) => {
    const res = await fetch(`${driver.base}${path}`, {
      method,
      headers: { 'Content-Type': 'application/json; charset=utf-8' },
      body: body === undefined ? undefined : JSON.stringify(body),
      signal: AbortSignal.timeout(60_000),
    });
    const json = await res.json();
    if (!res.ok) throw new Error(`webkit: ${method} ${path}: ${json.value?.error}: ${json.value?.message}`);
    return json.value;
  };
  let session;
  try {
    session = (await call('POST', '/session', {
      capabilities: {
        alwaysMatch: {
          'webkitgtk:browserOptions': { binary: PATHS.miniBrowser, args: ['--automation'] },
          timeouts: { pageLoad: 30_000, script: 30_000, implicit: 0 },
        },
      },
    })).sessionId;
    // The window's size includes MiniBrowser's toolbar: grow it by the
    // difference, so that the page's viewport is VIEWPORT as elsewhere.
    await call('POST', `/session/${session}/window/rect`, { x: 0, y: 0, ...VIEWPORT });
    const inner = await call('POST', `/session/${session}/execute/sync`, { script: 'return [innerWidth, innerHeight];', args: [] });
    await call('POST', `/session/${session}/window/rect`, {
      x: 0, y: 0, width: 2 * VIEWPORT.width - inner[0], height: 2 * VIEWPORT.height - inner[1],
    });
  } catch (e) {
    await driver.stop();
    throw e;
  }
  const s = `/session/${session}`;
  return common('webkit', {
    canEmulateOffline: false,
    async goto(url) { await call('POST', `${s}/url`, { url }); },
    async evaluate(fn, ...args) {
      // The async variant: its callback takes the promise's outcome.
      const script = `const done = arguments[arguments.length - 1]; ${invocation(fn, args)}.then(done);`;
      return settle('webkit', await call('POST', `${s}/execute/async`, { script, args: [] }));
    },
    async keys(steps) {
      const actions = steps.map(([dir, key]) => ({ type: dir === 'down' ? 'keyDown' : 'keyUp', value: WEBDRIVER_KEYS[key] ?? key }));
      await call('POST', `${s}/actions`, { actions: [{ type: 'key', id: 'keyboard', actions }] });
    },
    async setOffline() {
      throw new Error('webkit: WebDriver has no network emulation; make the server unreachable instead (static-server setUnreachable)');
    },
    async screenshot(path) {
      await writeFile(path, Buffer.from(await call('GET', `${s}/screenshot`), 'base64'));
    },
    async close() {
      try {
        await call('DELETE', s);
      } catch { /* the processes are ended below either way */ }
      await driver.stop();
    },
  });
}
