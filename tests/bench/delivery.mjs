// Benchmark (not a test): the demo city page as a resident on a phone gets
// it — headless Chromium with the CPU slowed 4× and a slow 4G network
// (150 ms, 1.6 Mbit/s down, 750 kbit/s up), a first visit (empty cache) — served by
// `plaza-server --demo` from dist/ (its brotli files, its cache policy).
// Reports, median of 5 visits: when both widgets are ready (and, for
// comparison, on localhost with the same CPU), the layout shift of the page
// (CLS, desktop width), and the bytes the widget's three files cost on the
// wire. Run by `cargo xtask bench`.
//
//   node tests/bench/delivery.mjs

import { startBrowser } from '../e2e/support/browser.mjs';
import { startServer } from '../e2e/support/server.mjs';
import { slowPhoneTab } from './slow-phone.mjs';

const RUNS = 5;
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

/** Before the page's scripts: when each widget is ready, and the layout shift so far. */
function watch() {
  window.__ready = [];
  window.__cls = 0;
  new PerformanceObserver((list) => {
    for (const entry of list.getEntries()) if (!entry.hadRecentInput) window.__cls += entry.value;
  }).observe({ type: 'layout-shift', buffered: true });
  document.addEventListener('plaza:ready', () => window.__ready.push(performance.now()));
}

/** Opens the demo page in `tab`, waits for both widgets and for late shifts to land. */
async function visit(tab) {
  await tab.addInitScript(watch);
  await tab.goto(`${server.origin}/`);
  await tab.waitForFunction(() => window.__ready.length >= 2, null, { timeout: 60_000 });
  await tab.waitForTimeout(1500);
  return tab.evaluate(() => ({ ready: Math.max(...window.__ready), cls: window.__cls }));
}

const server = await startServer([]);
const browser = await startBrowser();
try {
  const ready = [];
  const shifts = [];
  let wire = {};
  for (let i = 0; i < RUNS; i++) {
    const { tab, cdp } = await slowPhoneTab(browser.context);
    const sizes = {};
    const urls = new Map();
    cdp.on('Network.responseReceived', (e) => urls.set(e.requestId, e.response.url));
    cdp.on('Network.loadingFinished', (e) => {
      const name = (urls.get(e.requestId) ?? '').split('/').pop();
      if (['plaza.js', 'plaza_bg.wasm', 'plaza.css'].includes(name)) sizes[name] = (sizes[name] ?? 0) + e.encodedDataLength;
    });
    const seen = await visit(tab);
    ready.push(seen.ready);
    shifts.push(seen.cls);
    wire = sizes;
    await tab.close();
  }
  // The same phone on localhost: what the network adds.
  const local = [];
  for (let i = 0; i < RUNS; i++) {
    const { tab } = await slowPhoneTab(browser.context, { network: false });
    local.push((await visit(tab)).ready);
    await tab.close();
  }
  // The layout shift on a phone-sized screen too.
  const phone = [];
  for (let i = 0; i < 3; i++) {
    const tab = await browser.context.newPage();
    await tab.setViewportSize({ width: 390, height: 844 });
    phone.push((await visit(tab)).cls);
    await tab.close();
  }
  const total = Object.values(wire).reduce((a, b) => a + b, 0);
  console.log(`delivery: the demo page, CPU 4× slower, 150 ms / 1.6 Mbit/s, first visit (median of ${RUNS})`);
  console.log(`  both widgets ready     ${(median(ready) / 1000).toFixed(2)} s (on localhost, CPU 4× slower: ${(median(local) / 1000).toFixed(2)} s)`);
  console.log(`  layout shift (CLS)     ${median(shifts).toFixed(3)} desktop (1280×900), ${median(phone).toFixed(3)} phone (390×844)`);
  console.log(`  widget files on the wire: ${Object.entries(wire).map(([k, v]) => `${k} ${(v / 1024).toFixed(1)} KB`).join(', ')} = ${(total / 1024).toFixed(1)} KB`);
} finally {
  await browser.close();
  await server.stop();
}
