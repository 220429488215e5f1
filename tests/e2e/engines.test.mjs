// The demo city page in each browser engine a resident may have — Chromium,
// Firefox and WebKit (Safari's) — used with the keyboard alone. The engines
// are driven through support/engines.mjs; one whose browser is not installed
// is skipped, saying which Debian package brings it.

import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { DIST, serveDist, page } from './support/browser.mjs';
import { ENGINES, engineMissing, openEngine, withRecorder, DEEP_ACTIVE_ELEMENT } from './support/engines.mjs';

/** The demo page, with the event recorder running before plaza.js. */
const INDEX = withRecorder(await readFile(path.join(DIST, 'index.html'), 'utf8'));

/**
 * The demo data (api="local" seeds itself from plaza-demo.json) with four
 * more arguments for: twelve, so that a page of ten leaves a second page
 * and a "Show more arguments" button. Against stays at eight, one page.
 */
const SEED = JSON.parse(await readFile(path.join(DIST, 'plaza-demo.json'), 'utf8'));
const EXTRA = Array.from({ length: 4 }, (_, i) => `Extra argument for ${i + 1}, for the second page.`);
SEED.deliberations[0].arguments.push(...EXTRA.map((text, i) => ({
  id: `arg-extra-${i + 1}`,
  deliberation_id: SEED.deliberations[0].deliberation.id,
  stance: 'for',
  text,
  lang: 'en',
  author: { display_name: `Tester ${i + 1}` },
  created_at: `2026-11-20T10:0${i}:00+01:00`,
  reactions: { helpful: 0, changed_my_mind: 0 },
  my_reactions: [],
  comment_count: 0,
  status: 'visible',
})));

const EN = 'plaza-deliberation';
const FR = '[data-plaza-deliberation]';

/** Waits until `count` widgets dispatched `plaza:ready`; returns the events. */
function waitForReady(engine, count) {
  return engine.waitFor(
    (n) => window.__plazaEvents.filter((e) => e.type === 'plaza:ready').length >= n && window.__plazaEvents,
    [count],
  );
}

/**
 * Where keyboard focus is: the element, its widget and column, whether it is
 * the column's own "show more" button, its position among the arguments.
 */
const FOCUS = `() => {
  const el = (${DEEP_ACTIVE_ELEMENT})();
  const root = el.getRootNode();
  const column = el.closest('.plaza-column');
  return {
    tag: el.tagName.toLowerCase(),
    text: el.textContent.trim().replace(/\\s+/g, ' ').slice(0, 60),
    widget: root instanceof ShadowRoot ? (root.host.matches('plaza-deliberation') ? 'en' : 'fr') : null,
    column: column ? (column.classList.contains('plaza-for') ? 'for' : 'against') : null,
    more: Boolean(column) && el.matches('button.plaza-more') && !el.closest('.plaza-arguments'),
    index: column && el.matches('.plaza-argument') ? [...column.querySelectorAll('.plaza-argument')].indexOf(el) : null,
  };
}`;

/** Presses Tab until `wanted(focus)` holds; fails, listing the path, after `max` presses. */
async function tabTo(engine, wanted, max = 200) {
  const visited = [];
  for (let i = 0; i < max; i += 1) {
    await engine.pressKey('Tab');
    const focus = await engine.evaluate(FOCUS);
    visited.push(`${focus.widget ?? 'page'}: <${focus.tag}> ${focus.text.slice(0, 30)}`);
    if (wanted(focus)) return focus;
  }
  assert.fail(`not reached in ${max} Tab presses:\n  ${visited.join('\n  ')}`);
}

/** The argument texts of column `side` in widget `host`. */
function argumentTexts(engine, host, side) {
  return engine.evaluate(
    (h, s) => [...document.querySelector(h).shadowRoot.querySelectorAll(`.plaza-${s} .plaza-argument-text`)].map((p) => p.textContent),
    host, side,
  );
}

for (const name of ENGINES) {
  const missing = engineMissing(name);
  describe(`the demo city page in ${name}`, { skip: missing ?? false }, () => {
    let engine, server;
    before(async () => {
      server = await serveDist({
        '/': page(INDEX),
        '/index.html': page(INDEX),
        '/plaza-demo.json': (_req, res) => {
          res.writeHead(200, { 'Content-Type': 'application/json', 'Cache-Control': 'no-store' });
          res.end(JSON.stringify(SEED));
        },
      });
      engine = await openEngine(name);
    });
    after(async () => {
      await engine?.close();
      await server?.close();
    });

    it('renders both widgets, with the English and French headings, without errors', async () => {
      await engine.goto(`${server.url}/index.html`);
      const events = await waitForReady(engine, 2);
      assert.deepEqual(events.filter((e) => e.type === 'plaza:ready').map((e) => e.detail.state), ['loaded', 'loaded']);
      const heading = (host) => engine.evaluate((h) => document.querySelector(h).shadowRoot.querySelector('h2')?.textContent.trim(), host);
      assert.equal(await heading(EN), 'Rue des Lilas: from through-traffic street to pedestrian plaza?');
      assert.equal(await heading(FR), "Rue des Lilas : d'une rue de transit à une place piétonne ?");
      assert.equal((await argumentTexts(engine, EN, 'for')).length, 10, 'a first page of ten arguments for');
      assert.equal((await argumentTexts(engine, EN, 'against')).length, 8);
      assert.deepEqual(await engine.evaluate(() => window.__pageErrors), []);
    });

    it('shows more arguments with the keyboard alone (Tab, Enter, Space)', async () => {
      await engine.goto(`${server.url}/index.html`);
      await waitForReady(engine, 2);

      // Into the English widget, to its "Show more arguments" button, and Enter.
      const button = await tabTo(engine, (f) => f.widget === 'en' && f.more);
      assert.equal(button.column, 'for');
      assert.match(button.text, /^Show more arguments/);
      await engine.pressKey('Enter');
      await engine.waitFor((h) => document.querySelector(h).shadowRoot.querySelectorAll('.plaza-for .plaza-argument').length === 12, [EN]);
      const texts = await argumentTexts(engine, EN, 'for');
      assert.equal(new Set(texts).size, 12, 'no argument twice');
      assert.ok(EXTRA.every((t) => texts.includes(t)), `every argument, the second page after the first: ${texts.join(' | ')}`);
      assert.ok(texts.slice(10).every((t) => EXTRA.includes(t)));
      // Focus follows the reader to the first new argument, and the button,
      // with nothing more to load, is gone.
      await engine.waitFor(`() => { const f = (${FOCUS})(); return f.column === 'for' && f.index === 10; }`);
      assert.equal(await engine.evaluate((h) => document.querySelector(h).shadowRoot.querySelectorAll('.plaza-more').length, EN), 0);

      // On from there to the French widget's button; Space presses it.
      const next = await tabTo(engine, (f) => f.widget === 'fr' && f.more);
      assert.equal(next.column, 'for');
      await engine.pressKey('Space');
      await engine.waitFor((h) => document.querySelector(h).shadowRoot.querySelectorAll('.plaza-for .plaza-argument').length === 12, [FR]);
      assert.deepEqual(await engine.evaluate(() => window.__pageErrors), []);
    });

    it('loses the network as the tests can make it do', async () => {
      await engine.goto(`${server.url}/index.html`);
      await waitForReady(engine, 2);
      const probe = () => engine.evaluate(async () => {
        try {
          await fetch(`/plaza.css?probe=${Math.random()}`, { cache: 'no-store' });
          return { online: navigator.onLine, fetched: true };
        } catch {
          return { online: navigator.onLine, fetched: false };
        }
      });
      assert.deepEqual(await probe(), { online: true, fetched: true });
      if (engine.canEmulateOffline) {
        await engine.setOffline(true);
        assert.deepEqual(await probe(), { online: false, fetched: false }, 'the browser is offline');
        await engine.setOffline(false);
        assert.deepEqual(await probe(), { online: true, fetched: true });
      } else {
        await assert.rejects(engine.setOffline(true), /no network emulation/);
      }
      // Every engine: the server stops answering, the browser still says online.
      server.setUnreachable(true);
      try {
        assert.deepEqual(await probe(), { online: true, fetched: false }, 'the server is unreachable');
      } finally {
        server.setUnreachable(false);
      }
      assert.deepEqual(await probe(), { online: true, fetched: true });
    });
  });
}
