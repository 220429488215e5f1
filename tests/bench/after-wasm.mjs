// Benchmark (not a test): where the time between the wasm's arrival and
// both widgets being ready goes on the demo page, under the conditions of
// delivery.mjs (CPU 4× slower, 150 ms / 1.6 Mbit/s, first visit). A
// Chromium trace of the page's main thread, summed by event name over that
// window (events nest, so the sums overlap: `FunctionCall` includes the
// forced layouts and the compiling inside it). `wasm.CompileLazy` is V8
// compiling each wasm function on its first call.
//
//   node tests/bench/after-wasm.mjs

import { startBrowser } from '../e2e/support/browser.mjs';
import { startServer } from '../e2e/support/server.mjs';
import { slowPhoneTab } from './slow-phone.mjs';

const RUNS = 3;
const SHOWN = ['FunctionCall', 'wasm.CompileLazy', 'LocalFrameView::UpdateStyleAndLayout', 'Layout',
  'Blink.ForcedStyleAndLayout.UpdateTime', 'Paint'];

const server = await startServer([]);
const browser = await startBrowser();
const sums = new Map();
let compiled = 0;
let windows = 0;
try {
  for (let run = 0; run < RUNS; run++) {
    const { tab, cdp } = await slowPhoneTab(browser.context);
    const events = [];
    cdp.on('Tracing.dataCollected', (e) => events.push(...e.value));
    const complete = new Promise((resolve) => cdp.once('Tracing.tracingComplete', resolve));
    await cdp.send('Tracing.start', {
      categories: 'devtools.timeline,v8,v8.wasm,blink,blink.user_timing',
      transferMode: 'ReportEvents',
    });
    await tab.addInitScript(() => {
      window.__ready = 0;
      document.addEventListener('plaza:ready', () => { window.__ready += 1; performance.mark('plaza-ready'); });
    });
    await tab.goto(`${server.origin}/`);
    await tab.waitForFunction(() => window.__ready >= 2, null, { timeout: 60_000 });
    await cdp.send('Tracing.end');
    await complete;
    const marks = events.filter((e) => e.name === 'plaza-ready');
    const last = marks.reduce((a, b) => (a.ts > b.ts ? a : b));
    const thread = (e) => `${e.pid}:${e.tid}`;
    // From the end of the wasm's download (the trace's own record of it).
    const wasm = events.find((e) => e.name === 'ResourceSendRequest' && e.args?.data?.url?.endsWith('/plaza_bg.wasm'));
    const arrived = events.find((e) => e.name === 'ResourceFinish' && e.args?.data?.requestId === wasm?.args.data.requestId);
    if (!arrived) throw new Error('the trace does not show the wasm arriving');
    const from = arrived.ts;
    windows += (last.ts - from) / 1000;
    for (const e of events) {
      if (thread(e) !== thread(last) || e.ph !== 'X' || !e.dur || e.ts < from || e.ts > last.ts) continue;
      sums.set(e.name, (sums.get(e.name) ?? 0) + e.dur / 1000);
      if (e.name === 'wasm.CompileLazy') compiled += 1;
    }
    await tab.close();
  }
  console.log(`after-wasm: the demo page's main thread from the wasm's arrival to both widgets ready, ${(windows / RUNS).toFixed(0)} ms (mean of ${RUNS}, ms)`);
  for (const name of SHOWN) console.log(`  ${name.padEnd(40)} ${((sums.get(name) ?? 0) / RUNS).toFixed(0).padStart(5)}`);
  console.log(`  wasm functions compiled on first call     ${(compiled / RUNS).toFixed(0).padStart(5)} (mean of ${RUNS})`);
} finally {
  await browser.close();
  await server.stop();
}
