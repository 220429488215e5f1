// Benchmark (not a test): re-counting the 1,041,313-ballot Minneapolis case
// in headless Chromium with the wasm build (dist/plaza-recount.js), as a
// resident re-checking a result would. Run by `cargo xtask bench`, which
// passes the native time of the same call to compare with.
//
//   node tests/bench/recount-in-browser.mjs [case.json]

import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { startBrowser, serveDist, open, page, cityPage } from '../e2e/support/browser.mjs';

const CASE = process.argv[2]
  ?? path.resolve(process.env.PLAZA_RCTAB_CASES ?? 'testdata/rctab/cases', '2013_minneapolis_mayor_scale.json');
const RUNS = 15;
const native = Number(process.env.PLAZA_NATIVE_RECOUNT_MS);

const caseText = await readFile(CASE);
const browser = await startBrowser();
const server = await serveDist({
  '/bench.html': page(cityPage('<p>Re-count benchmark</p>', { script: false })),
  '/case.json': (_req, res) => { res.writeHead(200, { 'Content-Type': 'application/json' }); res.end(caseText); },
});
try {
  const tab = await open(browser.context, `${server.url}/bench.html`);
  const result = await tab.evaluate(async (runs) => {
    const engine = await import('/plaza-recount.js');
    await engine.default();
    const text = await (await fetch('/case.json')).text();
    const winners = JSON.parse(engine.recount(text)).winners;
    const times = [];
    for (let i = 0; i < runs; i += 1) {
      const start = performance.now();
      engine.recount(text);
      times.push(performance.now() - start);
    }
    times.sort((a, b) => a - b);
    return { winners, median: times[Math.floor(times.length / 2)], min: times[0] };
  }, RUNS);
  if (JSON.stringify(result.winners) !== '["BETSY HODGES"]') {
    throw new Error(`unexpected winners ${JSON.stringify(result.winners)}`);
  }
  console.log(`\nre-count in headless Chromium (wasm, ${path.basename(CASE)}, grouped, n=${RUNS}):`);
  console.log(`  median ${result.median.toFixed(1)} ms, fastest ${result.min.toFixed(1)} ms`);
  if (Number.isFinite(native)) {
    const ratio = result.median / native;
    console.log(`  native ${native.toFixed(1)} ms → browser/native = ${ratio.toFixed(2)}× (target ≤ 3×: ${ratio <= 3 ? 'met' : 'MISSED'})`);
  }
} finally {
  await browser.close();
  await server.close();
}
