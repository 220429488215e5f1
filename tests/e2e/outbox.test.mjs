// Nothing a resident submits is lost or doubled: hundreds of arguments,
// replies and proposals posted through the widget, on the reference
// server, behind a network that drops requests and answers, errs and
// hangs; with the browser offline for a while, a reload in the middle,
// and two tabs of one page. Each submission must be recorded exactly once.

import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startBrowser, open, waitForReady } from './support/browser.mjs';
import { startServer, all } from './support/server.mjs';
import { faultyProxy, seeded } from './support/faulty-proxy.mjs';

const DELIBERATION = 'rue-des-lilas';
const WIDGET = 'plaza-deliberation';

/** Answers a routed request as a backend that is down for now (503). */
const unavailable = (route) => route.fulfill({ status: 503, contentType: 'application/problem+json',
  body: JSON.stringify({ type: 'about:blank', title: 'Down', status: 503, code: 'unavailable' }) });

/** Whether a request changes something (what the proxy may spoil). */
const isWrite = (req) => req.method !== 'GET' && req.method !== 'OPTIONS' && req.url.startsWith('/v1/');

async function postArgument(tab, text, stance = 'for') {
  await tab.locator(`${WIDGET} #plaza-stance-${stance}`).check();
  await tab.locator(`${WIDGET} #plaza-argument-text`).fill(text);
  await tab.locator(`${WIDGET} form.plaza-form:has(#plaza-argument-text) button[type=submit]`).click();
}

async function postReply(tab, text) {
  // To the first argument listed on the "against" side (the resident's own
  // come first, newest first, and one still on its way takes no replies).
  const card = tab.locator(`${WIDGET} .plaza-against .plaza-arguments > li:not(.plaza-mine) .plaza-argument`).first();
  await card.locator('button.plaza-link-button', { hasText: /^Reply$/ }).first().click();
  const form = tab.locator(`${WIDGET} .plaza-reply-form`).first();
  await form.locator('textarea').fill(text);
  await form.locator('button[type=submit]').click();
}

async function postProposal(tab, title) {
  await tab.locator(`${WIDGET} #plaza-proposal-title`).fill(title);
  await tab.locator(`${WIDGET} form.plaza-form:has(#plaza-proposal-title) button[type=submit]`).click();
}

/** Waits until every item of the page's outbox is sent; answers their count. */
async function everythingSent(tab, timeout = 240_000) {
  const handle = await tab.waitForFunction(() => {
    const items = Object.keys(localStorage)
      .filter((k) => k.startsWith('plaza:outbox:v1:'))
      .map((k) => JSON.parse(localStorage.getItem(k)));
    const waiting = items.filter((i) => !(i.delivery && typeof i.delivery === 'object' && 'sent' in i.delivery));
    const failed = items.filter((i) => i.delivery && typeof i.delivery === 'object' && 'failed' in i.delivery);
    if (failed.length) return { failed: failed.map((i) => JSON.stringify(i.delivery)) };
    return waiting.length === 0 ? { sent: items.length } : false;
  }, null, { timeout, polling: 250 });
  const result = await handle.jsonValue();
  assert.ok(!result.failed, `refused: ${result.failed}`);
  return result.sent;
}

/** How many times each of `texts` appears among `listed` (by `field`). */
function occurrences(listed, texts, field) {
  const counts = new Map(texts.map((t) => [t, 0]));
  for (const item of listed) {
    if (counts.has(item[field])) counts.set(item[field], counts.get(item[field]) + 1);
  }
  return [...counts.entries()].filter(([, n]) => n !== 1);
}

describe('the outbox on a failing network', () => {
  let browser, server, proxy;
  before(async () => {
    // Rate limits off: this resident posts far faster than any person.
    server = await startServer(['--participant-writes-per-minute', '0', '--ip-writes-per-minute', '0']);
    proxy = await faultyProxy(server.origin);
    browser = await startBrowser();
  });
  after(async () => {
    await browser?.close();
    await proxy?.close();
    await server?.stop();
  });

  it('records each of 210 submissions exactly once through drops, errors, timeouts, offline and a reload', async () => {
    const run = `run${Date.now().toString(36)}`;
    const random = seeded(20261202);
    let hangs = 0;
    proxy.setPlan((req) => {
      if (!isWrite(req)) return 'pass';
      const r = random();
      if (r < 0.08) return 'drop-request';
      if (r < 0.16) return 'drop-response';
      if (r < 0.21) return '500';
      if (r < 0.26) return '503';
      if (r < 0.27 && hangs < 2) {
        hangs += 1;
        return 'hang';
      }
      return 'pass';
    });
    let tab = await open(browser.context, `${proxy.url}/`);
    await waitForReady(tab, 2);
    const argumentTexts = [];
    const replyTexts = [];
    const proposalTitles = [];
    for (let i = 0; i < 210; i++) {
      if (i === 80) await browser.context.setOffline(true);
      if (i === 95) await browser.context.setOffline(false);
      if (i === 150) {
        // A reload while items are on their way.
        await tab.reload();
        await waitForReady(tab, 2);
      }
      const marker = `${run}-${i}`;
      if (i % 10 === 7) {
        replyTexts.push(`Reply ${marker}`);
        await postReply(tab, `Reply ${marker}`);
      } else if (i % 10 === 9) {
        proposalTitles.push(`Proposal ${marker}`);
        await postProposal(tab, `Proposal ${marker}`);
      } else {
        argumentTexts.push(`Argument ${marker}`);
        await postArgument(tab, `Argument ${marker}`, i % 2 ? 'for' : 'against');
      }
    }
    const sent = await everythingSent(tab);
    assert.ok(sent >= 210, `the outbox knew ${sent} items`);
    const errors = tab.errors.filter((e) => !e.startsWith('Failed to load resource'));
    assert.deepEqual(errors, [], 'no error on the page');
    // What the server recorded.
    const args = await all(server.origin, `/v1/deliberations/${DELIBERATION}/arguments`);
    assert.deepEqual(occurrences(args, argumentTexts, 'text'), [], 'every argument once');
    const comments = [];
    for (const a of args.filter((a) => a.comment_count > 0)) {
      comments.push(...await all(server.origin, `/v1/arguments/${a.id}/comments`));
    }
    assert.deepEqual(occurrences(comments, replyTexts, 'text'), [], 'every reply once');
    const proposals = await all(server.origin, `/v1/deliberations/${DELIBERATION}/proposals`);
    assert.deepEqual(occurrences(proposals, proposalTitles, 'title'), [], 'every proposal once');
    // The network really failed, in every way.
    for (const fault of ['drop-request', 'drop-response', '500', '503', 'hang']) {
      assert.ok(proxy.faults.includes(fault), `${fault} was injected`);
    }
    // And the widget shows the resident's arguments as posted.
    const shown = await tab.evaluate((w) => document.querySelector(w).shadowRoot.querySelectorAll('.plaza-mine .plaza-argument:not(.plaza-pending)').length, WIDGET);
    assert.ok(shown > 0, 'the resident sees their arguments');
    // An open tab of the page sends the later tests' items too, past
    // their routes.
    await tab.close();
  });

  it('an item its backend keeps refusing for now can be discarded from the keyboard, also during an attempt', async () => {
    proxy.setPlan(() => 'pass');
    const tab = await open(browser.context, `${proxy.url}/`);
    // Every request answers 503 (the transport tries each attempt a few
    // times); the first after "Discard" appeared is held until released.
    let attempts = 0;
    let holdNext = false;
    let release;
    const held = new Promise((resolve) => { release = resolve; });
    let holding;
    const holdingNow = new Promise((resolve) => { holding = resolve; });
    try {
      await waitForReady(tab, 2);
      await tab.route('**/v1/deliberations/rue-des-lilas/arguments', async (route) => {
        if (route.request().method() !== 'POST') return route.fallback();
        attempts += 1;
        if (holdNext) {
          holdNext = false;
          holding();
          await held;
        }
        return unavailable(route);
      });
      const text = `Given up ${Date.now().toString(36)}`;
      await postArgument(tab, text);
      const note = tab.locator(`${WIDGET} .plaza-state:has-text("trying again")`).first();
      const discard = note.locator('button', { hasText: 'Discard' });
      await discard.waitFor();
      assert.equal(await discard.getAttribute('aria-label'), `Discard: “\u2068${text}\u2069”`);
      await discard.evaluate((b) => { b.dataset.mark = 'focused'; b.focus(); });
      holdNext = true;
      // The next attempt is on its way: the same button, still focused.
      await holdingNow;
      const marked = tab.locator(`${WIDGET} button[data-mark=focused]`);
      await tab.locator(`${WIDGET} button[data-mark=focused]:text("Discard")`).waitFor();
      assert.ok(await marked.evaluate((b) => b.getRootNode().activeElement === b), 'focus stayed on Discard');
      // Discarded during the attempt: it goes when the attempt ends (the
      // backend might still record it), and says so.
      await tab.keyboard.press('Enter');
      const going = tab.locator(`${WIDGET} .plaza-state:has-text("will be discarded when this attempt ends")`);
      await going.waitFor();
      release();
      await going.waitFor({ state: 'detached' });
      assert.equal(await tab.locator(`${WIDGET} .plaza-argument:has-text("${text}")`).count(), 0, 'no longer shown');
      // The note and its item went: focus is on the heading of their column,
      // not lost to the page.
      await tab.waitForFunction((w) => {
        const active = document.querySelector(w).shadowRoot.activeElement;
        return /^H[1-6]$/.test(active?.tagName) && active.closest('section')?.classList.contains('plaza-for');
      }, WIDGET, { timeout: 5_000 });
      const stored = await tab.evaluate((t) => Object.keys(localStorage)
        .filter((k) => k.startsWith('plaza:outbox:v1:'))
        .some((k) => localStorage.getItem(k).includes(t)), text);
      assert.equal(stored, false, 'no longer in the outbox');
      const before = attempts;
      await tab.waitForTimeout(6_000);
      assert.equal(attempts, before, 'not sent again');
    } finally {
      release();
      await tab.close();
    }
  });

  it('a reply discarded from the keyboard leaves focus on its thread', async () => {
    proxy.setPlan(() => 'pass');
    const tab = await open(browser.context, `${proxy.url}/`);
    try {
      await waitForReady(tab, 2);
      await tab.route('**/v1/arguments/*/comments', (route) => {
        if (route.request().method() !== 'POST') return route.fallback();
        return unavailable(route);
      });
      const text = `Reply given up ${Date.now().toString(36)}`;
      await postReply(tab, text);
      const thread = tab.locator(`${WIDGET} .plaza-replies:has(.plaza-state)`).first();
      const discard = thread.locator('.plaza-state button', { hasText: 'Discard' });
      await discard.waitFor({ timeout: 20_000 });
      await thread.evaluate((t) => { t.dataset.mark = 'thread'; });
      await discard.focus();
      await tab.keyboard.press('Enter');
      // The reply and its note went: focus is on its thread's first
      // control (its replies shown or hidden), not on the column's heading.
      await tab.waitForFunction((w) => document.querySelector(w).shadowRoot.activeElement
        ?.matches('[data-mark=thread] > .plaza-actions > button'), WIDGET, { timeout: 10_000 });
      const marked = tab.locator(`${WIDGET} [data-mark=thread]`);
      assert.equal(await marked.count(), 1, 'the thread stays');
      assert.equal(await marked.locator(`text=${text}`).count(), 0, 'the reply is no longer shown');
      assert.deepEqual(tab.errors.filter((e) => !e.startsWith('Failed to load resource')), []);
    } finally {
      await tab.close();
    }
  });

  it('an item sent again from the keyboard goes through, and focus goes with it to the posted argument', async () => {
    proxy.setPlan(() => 'pass');
    const tab = await open(browser.context, `${proxy.url}/`);
    try {
      await waitForReady(tab, 2);
      let down = true;
      await tab.route('**/v1/deliberations/rue-des-lilas/arguments', (route) => {
        if (route.request().method() !== 'POST' || !down) return route.fallback();
        return unavailable(route);
      });
      const text = `Sent again ${Date.now().toString(36)}`;
      await postArgument(tab, text);
      const again = tab.locator(`${WIDGET} .plaza-state button`, { hasText: 'Send again' }).first();
      await again.waitFor();
      down = false;
      await again.focus();
      await tab.keyboard.press('Enter');
      // Sent: the note and its buttons are gone, the argument is shown as
      // posted, with focus on it (the view that held the note was replaced
      // while focus was in it: nothing breaks).
      await tab.locator(`${WIDGET} .plaza-mine .plaza-argument:not(.plaza-pending):has-text("${text}")`).waitFor({ timeout: 20_000 });
      await tab.waitForFunction((w) => document.querySelector(w).shadowRoot.activeElement?.id?.startsWith('plaza-item-'),
        WIDGET, { timeout: 5_000 });
      await tab.waitForTimeout(500);
      assert.deepEqual(tab.errors.filter((e) => !e.startsWith('Failed to load resource')), []);
    } finally {
      await tab.close();
    }
  });

  it('an item kept while the backend cannot be reached is announced once, not at each attempt', async () => {
    proxy.setPlan(() => 'pass');
    const tab = await open(browser.context, `${proxy.url}/`);
    try {
      await waitForReady(tab, 2);
      // The browser says it is online; the backend is not there (a captive
      // portal, a server down): each attempt finds it so.
      const posts = [];
      await tab.route('**/v1/deliberations/rue-des-lilas/arguments', (route) => {
        if (route.request().method() !== 'POST') return route.fallback();
        posts.push(Date.now());
        return route.abort('connectionrefused');
      });
      // Every text the widget's live region is given.
      await tab.evaluate((w) => {
        const region = document.querySelector(w).shadowRoot.querySelector('p.plaza-visually-hidden[role=status]');
        window.said = [];
        new MutationObserver(() => { if (region.textContent) window.said.push(region.textContent); })
          .observe(region, { childList: true, characterData: true, subtree: true });
      }, WIDGET);
      const text = `Kept for later ${Date.now().toString(36)}`;
      await postArgument(tab, text);
      await tab.locator(`${WIDGET} .plaza-state:has-text("Waiting for the network")`).first().waitFor();
      // Three attempts of the outbox, each of three requests (the
      // transport's own tries, src/backend/retry.rs), each ending back at
      // "waiting" (where the old build said "saved" again).
      const deadline = Date.now() + 45_000;
      while (posts.length < 9 && Date.now() < deadline) await tab.waitForTimeout(250);
      assert.ok(posts.length >= 9, `${posts.length} requests`);
      await tab.locator(`${WIDGET} .plaza-state:has-text("Waiting for the network")`).first().waitFor();
      await tab.waitForTimeout(500);
      const said = await tab.evaluate(() => window.said);
      assert.equal(said.filter((t) => t.startsWith('Saved on this device')).length, 1, said.join(' | '));
      // It is still there, to be sent later; given up here, so that the
      // next test's page does not send it.
      const note = tab.locator(`${WIDGET} .plaza-state:has-text("Waiting for the network")`).first();
      await note.locator('button', { hasText: 'Discard' }).click();
      await tab.waitForFunction((t) => !Object.keys(localStorage)
        .some((k) => k.startsWith('plaza:outbox:v1:') && localStorage.getItem(k).includes(t)), text, { timeout: 15_000 });
    } finally {
      await tab.close();
    }
  });

  it('an item discarded during an attempt is never sent again when its tab closes before the attempt ends', async () => {
    proxy.setPlan(() => 'pass');
    const tab = await open(browser.context, `${proxy.url}/`);
    let holdNext = false;
    let release;
    const held = new Promise((resolve) => { release = resolve; });
    let holding;
    const holdingNow = new Promise((resolve) => { holding = resolve; });
    const text = `Discarded then closed ${Date.now().toString(36)}`;
    let again;
    try {
      await waitForReady(tab, 2);
      await tab.route('**/v1/deliberations/rue-des-lilas/arguments', async (route) => {
        if (route.request().method() !== 'POST') return route.fallback();
        if (holdNext) {
          holdNext = false;
          holding();
          await held;
        }
        // The page may be closed by now.
        await unavailable(route).catch(() => {});
      });
      await postArgument(tab, text);
      const discard = tab.locator(`${WIDGET} .plaza-state:has-text("trying again") button:text("Discard")`).first();
      await discard.waitFor();
      holdNext = true;
      await holdingNow;
      await discard.focus();
      await tab.keyboard.press('Enter');
      await tab.locator(`${WIDGET} .plaza-state:has-text("will be discarded")`).waitFor();
      const key = await tab.evaluate((t) => Object.keys(localStorage)
        .map((k) => localStorage.getItem(k))
        .filter((v) => v.includes(t))
        .map((v) => JSON.parse(v).key)[0], text);
      assert.ok(key, 'the item is in the outbox');
      await tab.close();
      // Closing the page may let the held request through (it was on its
      // way): wait for it, or a while, before counting what follows.
      const through = () => proxy.log.some((r) => r.method === 'POST' && r.key === key);
      for (let i = 0; i < 50 && !through(); i++) await new Promise((r) => setTimeout(r, 100));
      // The page again, with the network fine: the attempt is over (its
      // tab is gone; whether it reached the backend is the backend's), and
      // the discard with it: the page does not send it again.
      const mark = proxy.log.length;
      again = await open(browser.context, `${proxy.url}/`);
      await waitForReady(again, 2);
      await again.waitForTimeout(4_000);
      const sentAgain = proxy.log.slice(mark).filter((r) => r.method === 'POST' && r.key === key);
      assert.deepEqual(sentAgain, [], 'not sent by the next page');
      const stored = await again.evaluate((t) => Object.keys(localStorage)
        .filter((k) => k.startsWith('plaza:outbox:v1:'))
        .some((k) => localStorage.getItem(k).includes(t)), text);
      assert.equal(stored, false, 'gone from the outbox');
    } finally {
      release();
      if (!tab.isClosed()) await tab.close();
      await again?.close();
    }
  });

  it('shows an item another tab sent, also when that tab\'s message comes before its write to storage', async () => {
    proxy.setPlan(() => 'pass');
    const tab = await open(browser.context, `${proxy.url}/`);
    try {
      await waitForReady(tab, 2);
      // "Another tab" holds the sender's lock: this one waits, looking again
      // every few seconds, and never sends.
      const name = await tab.evaluate(() => {
        const api = document.querySelector('plaza-deliberation').getAttribute('api');
        const name = new URL(api, location.href).href.replace(/\/+$/, '');
        navigator.locks.request(`plaza-outbox:${name}`, () => new Promise((release) => { window.__release = release; }));
        return name;
      });
      const text = `Sent by another tab ${Date.now().toString(36)}`;
      await postArgument(tab, text);
      await tab.locator(`${WIDGET} .plaza-argument.plaza-pending:has-text("${text}")`).waitFor();
      // It sends the item: its message arrives first, its write after.
      const key = await tab.evaluate(async ([name, t]) => {
        const prefix = `plaza:outbox:v1:${name}:`;
        const k = Object.keys(localStorage).find((k) => k.startsWith(prefix) && localStorage.getItem(k).includes(t));
        if (!k) return null;
        new BroadcastChannel(`plaza-outbox:${name}`).postMessage(true);
        await new Promise((r) => setTimeout(r, 300));
        const item = JSON.parse(localStorage.getItem(k));
        const { deliberation_id, new: a } = item.submission.argument;
        item.delivery = { sent: { at: Date.now(), answer: { argument: {
          id: `other-tab-${Date.now()}`, deliberation_id, stance: a.stance, text: a.text, lang: 'en', author: {},
          created_at: new Date().toISOString(), reactions: { helpful: 0, changed_my_mind: 0 }, my_reactions: [],
          comment_count: 0, status: 'visible' } } } };
        localStorage.setItem(k, JSON.stringify(item));
        return k;
      }, [name, text]);
      assert.ok(key, `the item is stored under the outbox named ${name}`);
      await tab.locator(`${WIDGET} .plaza-mine .plaza-argument:not(.plaza-pending):has-text("${text}")`)
        .waitFor({ timeout: 15_000 });
    } finally {
      await tab.evaluate(() => window.__release?.()).catch(() => {});
      await tab.close();
    }
  });

  it('sends from a page without crypto.randomUUID (a city page on http, browsers before 2022)', async () => {
    proxy.setPlan(() => 'pass');
    const tab = await open(browser.context, `${proxy.url}/`, { init: () => { delete Crypto.prototype.randomUUID; } });
    await waitForReady(tab, 2);
    assert.equal(await tab.evaluate(() => typeof crypto.randomUUID), 'undefined');
    const text = `Without randomUUID ${Date.now().toString(36)}`;
    await postArgument(tab, text);
    await everythingSent(tab, 30_000);
    const args = await all(server.origin, `/v1/deliberations/${DELIBERATION}/arguments`);
    assert.deepEqual(occurrences(args, [text], 'text'), []);
    assert.deepEqual(tab.errors.filter((e) => e.startsWith('uncaught')), []);
    await tab.close();
  });

  it('two tabs of one page never send the same item', async () => {
    proxy.setPlan(() => 'pass');
    const start = proxy.log.length;
    const run = `tabs${Date.now().toString(36)}`;
    const first = await open(browser.context, `${proxy.url}/`);
    const second = await open(browser.context, `${proxy.url}/`);
    await Promise.all([waitForReady(first, 2), waitForReady(second, 2)]);
    const texts = [];
    for (let i = 0; i < 10; i++) {
      const tab = i % 2 ? second : first;
      texts.push(`Two tabs ${run}-${i}`);
      await postArgument(tab, `Two tabs ${run}-${i}`);
    }
    await Promise.all([everythingSent(first), everythingSent(second)]);
    const sends = proxy.log.slice(start).filter((r) => r.method === 'POST' && r.path.endsWith('/arguments'));
    const perKey = new Map();
    for (const r of sends) perKey.set(r.key, (perKey.get(r.key) ?? 0) + 1);
    assert.equal(perKey.size, 10, 'ten items');
    assert.deepEqual([...perKey.values()].filter((n) => n !== 1), [], 'each sent by one tab, once');
    const args = await all(server.origin, `/v1/deliberations/${DELIBERATION}/arguments`);
    assert.deepEqual(occurrences(args, texts, 'text'), []);
    // Both tabs show them, whichever sent them.
    await second.waitForFunction(
      ([w, t]) => document.querySelector(w).shadowRoot.textContent.includes(t),
      [WIDGET, texts[0]],
    );
  });
});
