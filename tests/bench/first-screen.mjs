// Benchmark (not a test): how long a resident waits for the first screen of
// a deliberation with 5,000 arguments and 20,000 replies, against the demo
// deliberation (16 arguments), in headless Chromium with the CPU slowed 4×
// (a mid-range phone), on the reference server with the release build in a
// city page. The widget reads one page of each side, so both should open in
// about the same time. Run by `cargo xtask bench`.
//
//   node tests/bench/first-screen.mjs

import { execFileSync } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { startBrowser, cityPage } from '../e2e/support/browser.mjs';
import { startServer, SERVER } from '../e2e/support/server.mjs';

const ARGUMENTS = 5_000;
const REPLIES = 20_000;
const RUNS = 9;
const THROTTLE = 4;

/** The demo deliberation, renamed, with `ARGUMENTS` arguments and `REPLIES` replies. */
async function bigSeed() {
  const demo = JSON.parse(await readFile(path.resolve('crates/contract/demo/plaza-demo.json'), 'utf8'));
  const source = demo.deliberations[0];
  const id = 'big-square';
  const deliberation = { ...source.deliberation, id, poll_id: `${id}-design` };
  const poll = { ...source.poll, id: `${id}-design`, deliberation_id: id };
  const day = (i) => new Date(Date.UTC(2026, 10, 1) + i * 60_000).toISOString();
  const args = Array.from({ length: ARGUMENTS }, (_, i) => ({
    id: `big-arg-${i}`,
    deliberation_id: id,
    stance: i % 2 ? 'against' : 'for',
    text: `Argument ${i}: ${source.arguments[i % source.arguments.length].text}`,
    lang: 'en',
    author: { display_name: `Resident ${i % 997}` },
    created_at: day(i),
    reactions: { helpful: (i * 7919) % 101, changed_my_mind: (i * 104729) % 13 },
    my_reactions: [],
    comment_count: 0,
    status: 'visible',
  }));
  // Replies bunch on some arguments, as they do: every fifth argument gets
  // most of them, half of those answer an earlier reply.
  const comments = Array.from({ length: REPLIES }, (_, i) => {
    const argument = (i * 5) % ARGUMENTS;
    const earlier = i - ARGUMENTS / 5;
    return {
      id: `big-com-${i}`,
      argument_id: `big-arg-${argument}`,
      ...(i % 2 && earlier >= 0 ? { parent_id: `big-com-${earlier}` } : {}),
      text: `Reply ${i} on argument ${argument}.`,
      lang: 'en',
      author: { display_name: `Neighbour ${i % 499}` },
      created_at: day(ARGUMENTS + i),
      status: 'visible',
    };
  });
  return { deliberations: [{ deliberation, poll, arguments: args, comments, proposals: [] }] };
}

/** Milliseconds from navigation to `plaza:ready` on `url`. */
async function firstScreen(context, url) {
  const tab = await context.newPage();
  const cdp = await context.newCDPSession(tab);
  await cdp.send('Network.setCacheDisabled', { cacheDisabled: true });
  await cdp.send('Emulation.setCPUThrottlingRate', { rate: THROTTLE });
  await tab.addInitScript(() => {
    window.__firstScreen = new Promise((resolve) => {
      document.addEventListener('plaza:ready', (e) => resolve({ at: performance.now(), state: e.detail.state }));
    });
  });
  await tab.goto(url);
  const { at, state } = await tab.evaluate(() => window.__firstScreen);
  const shown = await tab.evaluate(() => document.querySelector('plaza-deliberation').shadowRoot
    .querySelectorAll('.plaza-arguments > li').length);
  if (state !== 'loaded' || shown === 0) throw new Error(`${url}: first screen ${state} with ${shown} arguments`);
  await tab.close();
  return at;
}

function summary(times) {
  const sorted = [...times].sort((a, b) => a - b);
  return { median: sorted[Math.floor(sorted.length / 2)], fastest: sorted[0], slowest: sorted[sorted.length - 1] };
}

const dir = await mkdtemp(path.join(tmpdir(), 'plaza-bench-'));
const seedPath = path.join(dir, 'big.json');
await writeFile(seedPath, JSON.stringify(await bigSeed()));
const database = `sqlite:${path.join(dir, 'bench.db')}`;
const importStart = performance.now();
execFileSync(SERVER, ['import', seedPath, '--database', database, '--sqlite-synchronous', 'normal'], { stdio: 'inherit' });
console.log(`imported ${ARGUMENTS} arguments and ${REPLIES} replies in ${((performance.now() - importStart) / 1000).toFixed(1)} s`);

const widget = (id) => cityPage(`<h1>Have your say</h1><plaza-deliberation api="/v1" deliberation="${id}" lang="en"></plaza-deliberation>`);
const server = await startServer([], {
  database,
  pages: { 'demo.html': widget('rue-des-lilas'), 'big.html': widget('big-square') },
});
const browser = await startBrowser();
try {
  // One warm-up each, then alternating, so that neither profits from going second.
  await firstScreen(browser.context, `${server.origin}/demo.html`);
  await firstScreen(browser.context, `${server.origin}/big.html`);
  const times = { demo: [], big: [] };
  for (let run = 0; run < RUNS; run += 1) {
    for (const name of run % 2 ? ['big', 'demo'] : ['demo', 'big']) {
      times[name].push(await firstScreen(browser.context, `${server.origin}/${name}.html`));
    }
  }
  const demo = summary(times.demo);
  const big = summary(times.big);
  const line = (name, r) => `  ${name.padEnd(40)} median ${r.median.toFixed(0)} ms (fastest ${r.fastest.toFixed(0)}, slowest ${r.slowest.toFixed(0)})`;
  console.log(`\ntime to first screen (navigation to plaza:ready), Chromium, CPU ${THROTTLE}× slower, no cache, n=${RUNS}:`);
  console.log(line('demo (16 arguments, 4 replies)', demo));
  console.log(line(`${ARGUMENTS} arguments, ${REPLIES} replies`, big));
  const ratio = big.median / demo.median;
  console.log(`  large / demo = ${ratio.toFixed(2)}× (target: as fast as the demo, ≤ 1.2×: ${ratio <= 1.2 ? 'met' : 'MISSED'})`);
} finally {
  await browser.close();
  await server.stop();
  await rm(dir, { recursive: true, force: true });
}
