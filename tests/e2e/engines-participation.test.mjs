// Residents take part on the reference server in each browser engine a
// resident may have — Chromium, Firefox and WebKit (Safari's) — as
// participation.test.mjs and outbox.test.mjs check in Chromium alone:
//
// - with the keyboard alone, they argue, react, report, reply and propose,
//   and the server records each once;
// - with the network gone, what they submit waits, visibly, reaches
//   nothing, and is sent once when the network comes back: the browser
//   offline, and, in every engine, the server unreachable while the
//   browser still says it is online. Chromium and Firefox take the browser
//   offline themselves; WebKit's WebDriver has no network emulation, so
//   there the page's `navigator.onLine` says false (with `offline` and
//   `online` events, as a browser sends them) while the network drops
//   every request.
//
// The engines are driven through support/engines.mjs; one whose browser is
// not installed is skipped, saying which Debian package brings it.
//
// Tab reaches buttons here in every engine: Safari on macOS skips them
// unless "Press Tab to highlight each item" is on, but WebKitGTK (the
// MiniBrowser driven here) has no such preference and, like the others,
// stops on every focusable control — engines.test.mjs relies on it too.

import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { cityPage } from './support/browser.mjs';
import { startServer, all } from './support/server.mjs';
import { faultyProxy } from './support/faulty-proxy.mjs';
import { ENGINES, engineMissing, openEngine, withRecorder, DEEP_ACTIVE_ELEMENT } from './support/engines.mjs';

const MODERATOR = 'e2e-moderator-token-of-enough-length-0123456789';
const DELIBERATION = 'rue-des-lilas';
const WIDGET = 'plaza-deliberation';
const EVENTS = ['plaza:argument-posted', 'plaza:comment-posted', 'plaza:proposal-posted', 'plaza:reaction',
  'plaza:flagged', 'plaza:token-rejected'];

/** Records the widget's DOM events for the host page in `window.__plazaHeard`. */
const LISTEN = `<script>
window.__plazaHeard = [];
for (const type of ${JSON.stringify(EVENTS)}) {
  document.addEventListener(type, (e) => window.__plazaHeard.push({ type, detail: { ...e.detail } }));
}
</script>`;

const PAGE = withRecorder(cityPage(
  `<h1>Have your say</h1><plaza-deliberation api="/v1" deliberation="${DELIBERATION}" lang="en"></plaza-deliberation>`,
  { head: LISTEN },
));

/** What has keyboard focus, through shadow roots. */
const FOCUSED = `() => {
  const el = (${DEEP_ACTIVE_ELEMENT})();
  if (!el) return null;
  return {
    tag: el.tagName.toLowerCase(),
    id: el.id,
    type: el.getAttribute('type'),
    text: (el.textContent ?? '').trim().replace(/\\s+/g, ' '),
    label: el.getAttribute('aria-label') ?? '',
    pressed: el.getAttribute('aria-pressed'),
    className: typeof el.className === 'string' ? el.className : '',
    checked: el.checked ?? null,
  };
}`;

/** Presses Tab until `wanted(focused)` holds; fails, saying where focus went, after `max` presses. */
async function tabTo(engine, wanted, max = 200) {
  const seen = [];
  for (let i = 0; i < max; i += 1) {
    await engine.pressKey('Tab');
    const now = await engine.evaluate(FOCUSED);
    if (now && wanted(now)) return now;
    seen.push(now ? `${now.tag}#${now.id}.${now.className}:${now.text.slice(0, 30)}` : 'nothing');
  }
  assert.fail(`${engine.name}: focus never reached the target in ${max} Tab presses; went through: ${seen.slice(-15).join(' | ')}`);
}

function waitForReady(engine) {
  return engine.waitFor(() => window.__plazaEvents.some((e) => e.type === 'plaza:ready') && window.__plazaEvents);
}

/**
 * Waits until an element of the widget matching `selector` contains `text`
 * (a string, or several that must all be there); resolves to its text.
 */
function waitForIn(engine, selector, text, timeout = 20_000) {
  return engine.waitFor((w, sel, texts) => {
    const found = [...document.querySelector(w).shadowRoot.querySelectorAll(sel)]
      .find((e) => texts.every((t) => e.textContent.includes(t)));
    return found ? found.textContent.trim().replace(/\s+/g, ' ') : false;
  }, [WIDGET, selector, [text].flat()], { timeout });
}

/** The page's uncaught errors, unhandled rejections and console.error calls (RECORDER's). */
function pageErrors(engine) {
  return engine.evaluate(() => window.__pageErrors);
}

/** What a browser going offline or online shows a page: `navigator.onLine` and the event. */
const TELL_ONLINE = (online) => {
  Object.defineProperty(navigator, 'onLine', { configurable: true, get: () => online });
  window.dispatchEvent(new Event(online ? 'online' : 'offline'));
};

for (const name of ENGINES) {
  const missing = engineMissing(name);
  describe(`residents take part in ${name}`, { skip: missing ?? false }, () => {
    let engine, server, proxy;
    before(async () => {
      server = await startServer([
        '--participant-writes-per-minute', '0', '--ip-writes-per-minute', '0', '--moderator-token', MODERATOR,
      ], { pages: { 'en.html': PAGE } });
      // The same server behind a network the test can take away: the page
      // and its API on the proxy's origin, so that a new origin (a new
      // anonymous resident) writes first while offline.
      proxy = await faultyProxy(server.origin);
      engine = await openEngine(name);
    });
    after(async () => {
      await engine?.close();
      await proxy?.close();
      await server?.stop();
    });

    it('keyboard only: argues, reacts, reports, replies and proposes, each recorded once', async () => {
      await engine.goto(`${server.origin}/en.html`);
      await waitForReady(engine);
      const run = `${name}-${Date.now().toString(36)}`;
      const argument = `Keyboard argument ${run}`;
      const reply = `Keyboard reply ${run}`;
      const proposal = `Keyboard proposal ${run}`;

      // An argument: the radio group (Tab into it, an arrow key to choose), the text, publish.
      await tabTo(engine, (f) => f.id === 'plaza-stance-for');
      await engine.pressKey('ArrowDown');
      const stance = await engine.evaluate(FOCUSED);
      assert.equal(stance.id, 'plaza-stance-against', 'the arrow key moves to "against"');
      assert.equal(stance.checked, true, 'and chooses it');
      await tabTo(engine, (f) => f.id === 'plaza-argument-text');
      await engine.type(argument);
      await tabTo(engine, (f) => f.tag === 'button' && f.type === 'submit');
      await engine.pressKey('Enter');
      // It is posted in its column, and focus follows it there.
      await waitForIn(engine, '.plaza-against .plaza-mine .plaza-argument:not(.plaza-pending)', argument);
      await engine.waitFor(`() => (${DEEP_ACTIVE_ELEMENT})()?.id?.startsWith('plaza-item-')`);
      assert.match((await engine.evaluate(FOCUSED)).text, new RegExp(argument));

      // A reaction on it: Tab to its "Helpful", Enter; pressed at once, focus kept.
      const helpful = await tabTo(engine, (f) => f.tag === 'button' && /Helpful/.test(f.text));
      assert.equal(helpful.pressed, 'false');
      await engine.pressKey('Enter');
      await engine.waitFor(`() => (${FOCUSED})()?.pressed === 'true'`);
      assert.match((await engine.evaluate(FOCUSED)).text, /Helpful/, 'focus stays on the button');

      // A report, with a reason chosen by arrow keys.
      await tabTo(engine, (f) => f.tag === 'button' && /^Report/.test(f.label || f.text));
      await engine.pressKey('Enter');
      await tabTo(engine, (f) => f.type === 'radio');
      await engine.pressKey('Space');
      await engine.pressKey('ArrowDown');
      await tabTo(engine, (f) => f.tag === 'button' && f.type === 'submit');
      await engine.pressKey('Enter');
      await engine.waitFor(`() => (${DEEP_ACTIVE_ELEMENT})()?.classList.contains('plaza-reported')`);
      assert.match((await engine.evaluate(FOCUSED)).text, /Reported/);

      // A reply to it: focus lands in the reply's text box.
      await tabTo(engine, (f) => f.tag === 'button' && /^Reply$/.test(f.text));
      await engine.pressKey('Enter');
      await engine.waitFor(`() => (${DEEP_ACTIVE_ELEMENT})()?.tagName === 'TEXTAREA'`);
      await engine.type(reply);
      await tabTo(engine, (f) => f.tag === 'button' && f.type === 'submit');
      await engine.pressKey('Enter');
      await waitForIn(engine, '.plaza-comment:not(.plaza-pending)', reply);

      // A proposal.
      await tabTo(engine, (f) => f.id === 'plaza-proposal-title');
      await engine.type(proposal);
      await tabTo(engine, (f) => f.tag === 'button' && f.type === 'submit');
      await engine.pressKey('Enter');
      await waitForIn(engine, '.plaza-proposal:not(.plaza-pending)', proposal);

      // The host page heard of each.
      await engine.waitFor(() => window.__plazaHeard.some((e) => e.type === 'plaza:proposal-posted'));
      const heard = await engine.evaluate(() => window.__plazaHeard.map((e) => e.type));
      for (const type of ['plaza:argument-posted', 'plaza:reaction', 'plaza:flagged', 'plaza:comment-posted', 'plaza:proposal-posted']) {
        assert.ok(heard.includes(type), `${type} in ${heard}`);
      }

      // The server recorded each exactly once.
      const args = (await all(server.origin, `/v1/deliberations/${DELIBERATION}/arguments`)).filter((a) => a.text === argument);
      assert.equal(args.length, 1, `the argument once: ${JSON.stringify(args)}`);
      const [mine] = args;
      assert.equal(mine.stance, 'against');
      assert.equal(mine.reactions.helpful, 1, 'my "helpful" once');
      assert.equal(mine.comment_count, 1);
      const comments = (await all(server.origin, `/v1/arguments/${mine.id}/comments`)).filter((c) => c.text === reply);
      assert.equal(comments.length, 1, 'the reply once');
      const proposals = (await all(server.origin, `/v1/deliberations/${DELIBERATION}/proposals`)).filter((p) => p.title === proposal);
      assert.equal(proposals.length, 1, 'the proposal once');
      const flagged = await (await fetch(`${server.origin}/v1/moderation/flagged?limit=100`, {
        headers: { authorization: `Bearer ${MODERATOR}` },
      })).json();
      const report = flagged.items.filter((f) => f.target_id === mine.id);
      assert.deepEqual(report.map((f) => f.flags), [1], 'the report once');

      assert.deepEqual(await pageErrors(engine), []);
    });

    // The network goes away in two ways: the browser's own emulation (it
    // says it is offline), and the server unreachable (it says it is
    // online, fetches fail: the only way in WebKit, and a real one
    // anywhere — a captive portal, a dead access point).
    for (const way of ['browser offline', 'server unreachable']) {
      it(`offline (${way}): a new argument waits, reaches nothing, and is sent once when the network is back`, async () => {
        const told = way === 'browser offline' && !engine.canEmulateOffline;
        const down = async (flag) => {
          if (way === 'browser offline' && engine.canEmulateOffline) {
            await engine.setOffline(flag);
            return;
          }
          proxy.setPlan(() => (flag ? 'drop-request' : 'pass'));
          if (told) await engine.evaluate(TELL_ONLINE, !flag);
        };
        proxy.setPlan(() => 'pass');
        await engine.goto(`${proxy.url}/en.html`);
        await waitForReady(engine);
        // The page's own loading (proposals, the illustration) ends before
        // the network goes: a read in flight at that moment would arrive
        // after it, and is not what this test is about.
        await engine.waitFor((w) => [...document.querySelector(w).shadowRoot.querySelectorAll('img')].every((i) => i.complete), [WIDGET]);
        // Whatever an earlier case left waiting on this origin is sent first.
        await engine.waitFor((w) => document.querySelector(w).shadowRoot.querySelectorAll('.plaza-pending').length === 0, [WIDGET]);
        await proxy.idle();
        const text = `Offline argument ${name}-${way.replace(' ', '-')}-${Date.now().toString(36)}`;

        const downAt = proxy.log.length;
        const dropped = proxy.faults.length;
        await down(true);
        let up = false;
        try {
          // The resident writes and publishes (keys, focus put where a Tab would).
          await engine.evaluate((w) => document.querySelector(w).shadowRoot.getElementById('plaza-stance-for').focus(), WIDGET);
          await engine.pressKey('Space');
          await engine.evaluate((w) => document.querySelector(w).shadowRoot.getElementById('plaza-argument-text').focus(), WIDGET);
          await engine.type(text);
          await engine.evaluate((w) => document.querySelector(w).shadowRoot.getElementById('plaza-argument-text')
            .closest('form').querySelector('button[type=submit]').focus(), WIDGET);
          await engine.pressKey('Enter');

          // It shows, waiting, with a note saying so.
          const waiting = 'Waiting for the network: it will be sent when the connection comes back.';
          await waitForIn(engine, '.plaza-mine .plaza-argument.plaza-pending .plaza-state', waiting);
          await waitForIn(engine, '.plaza-mine .plaza-argument.plaza-pending', [text, waiting]);
          const triedOnce = proxy.faults.length;
          // Give the outbox time for a retry or two; still nothing reaches the server.
          // (While it tries again, with the browser online, its note says so
          // for a moment: "Not sent yet: trying again shortly.")
          await new Promise((r) => setTimeout(r, 3000));
          const note = await waitForIn(engine, '.plaza-mine .plaza-argument.plaza-pending .plaza-state', [], 1000);
          assert.match(note, /^(Waiting for the network: it will be sent when the connection comes back\.|Not sent yet: trying again shortly\.)/);
          await waitForIn(engine, '.plaza-mine .plaza-argument.plaza-pending', text, 1000);
          assert.deepEqual(proxy.log.slice(downAt), [], 'no request reached the server');
          if (way === 'server unreachable') assert.ok(proxy.faults.length > dropped, 'the widget tried, and the network dropped it');
          // Its first try failed; told the browser is offline, it waits for
          // the browser to be online again instead of trying every few seconds.
          if (told) assert.equal(proxy.faults.length, triedOnce, 'no new try while the browser says it is offline');
          const listed = await all(server.origin, `/v1/deliberations/${DELIBERATION}/arguments`);
          assert.equal(listed.filter((a) => a.text === text).length, 0, 'the server has nothing yet');

          // The network comes back: it is sent (the outbox retries at least every 10 s).
          const upAt = proxy.log.length;
          await down(false);
          up = true;
          await waitForIn(engine, '.plaza-for .plaza-mine .plaza-argument:not(.plaza-pending)', text, 30_000);
          const recorded = await all(server.origin, `/v1/deliberations/${DELIBERATION}/arguments`);
          assert.equal(recorded.filter((a) => a.text === text).length, 1, 'recorded exactly once');
          const sends = proxy.log.slice(upAt).filter((r) => r.method === 'POST' && r.path.endsWith('/arguments'));
          assert.equal(sends.length, 1, `sent once: ${JSON.stringify(sends)}`);
          assert.ok(sends[0].key, 'with an idempotency key');
          assert.equal(await engine.evaluate((w) => document.querySelector(w).shadowRoot.querySelectorAll('.plaza-pending').length, WIDGET), 0,
            'nothing left waiting');
          assert.deepEqual(await pageErrors(engine), []);
        } finally {
          if (!up) await down(false);
        }
      });
    }
  });
}
