// The widget against an HTTP backend (a stub in this file, on another
// origin): it renders what the contract describes, and every failure ends
// in a message a resident can read and, where it helps, a way to retry.

import { describe, it, before, after, beforeEach } from 'node:test';
import assert from 'node:assert/strict';
import http from 'node:http';
import { readFile } from 'node:fs/promises';
import { startBrowser, serveDist, open, waitForReady, shadowText, page, cityPage } from './support/browser.mjs';

const SEED = JSON.parse(await readFile(new URL('../../crates/contract/demo/plaza-demo.json', import.meta.url), 'utf8'));
const DELIBERATION = SEED.deliberations[0].deliberation;

/** Twelve arguments a side, so that a page of ten leaves a second page. */
const ARGUMENTS = ['for', 'against'].flatMap((stance) => Array.from({ length: 12 }, (_, i) => ({
  id: `${stance}-${i + 1}`,
  deliberation_id: DELIBERATION.id,
  stance,
  text: `Stub argument ${stance} ${i + 1}`,
  lang: 'en',
  author: {},
  created_at: `2026-11-${String(i + 1).padStart(2, '0')}T10:00:00Z`,
  reactions: { helpful: 0, changed_my_mind: 0 },
  my_reactions: [],
  comment_count: 0,
  status: 'visible',
})));

/** Twelve proposals, and twelve replies to the first argument for: two pages each. */
const PROPOSALS = Array.from({ length: 12 }, (_, i) => ({
  id: `prop-${i + 1}`, deliberation_id: DELIBERATION.id, title: `Stub proposal ${i + 1}`, lang: 'en', author: {},
  created_at: `2026-11-${String(i + 1).padStart(2, '0')}T10:00:00Z`, decision: 'under_review', status: 'visible',
}));
const REPLIES = Array.from({ length: 12 }, (_, i) => ({
  id: `reply-${i + 1}`, argument_id: 'for-1', text: `Stub reply ${i + 1}`, lang: 'en', author: {},
  created_at: `2026-11-${String(i + 1).padStart(2, '0')}T11:00:00Z`, status: 'visible',
}));

/** A page of ten of `all`, from the request's cursor. */
function pageOf(url, all) {
  const start = Number(url.searchParams.get('cursor') ?? 0);
  return { items: all.slice(start, start + 10), next_cursor: start + 10 < all.length ? String(start + 10) : null };
}

/** What the stub does next, per test. */
let mode = 'ok';
let requests = [];
let authorizations = [];
/** The Authorization header of each argument posted. */
let postedWith = [];
/** Paths that already failed once, for the 'flaky' mode. */
let failedOnce = new Set();
/** Requests whose path and query match this are answered `delayMs` late. */
let delayed = null;
let delayMs = 0;

/** Resolves once `condition()` holds (checked every 20 ms), or fails after `timeout` ms. */
async function until(condition, timeout = 5000) {
  const end = Date.now() + timeout;
  while (!condition()) {
    if (Date.now() > end) throw new Error(`not true within ${timeout} ms: ${condition}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

function send(res, status, body, type = 'application/json') {
  res.writeHead(status, { 'Content-Type': type, 'Access-Control-Allow-Origin': '*' });
  res.end(typeof body === 'string' ? body : JSON.stringify(body));
}

function stub(req, res) {
  const url = new URL(req.url, 'http://stub');
  requests.push(`${req.method} ${url.pathname}${url.search}`);
  // CORS preflights never carry credentials; record what the real requests send.
  // (Images the page loads from the backend are not API calls either.)
  if (req.method !== 'OPTIONS' && !url.pathname.endsWith('.svg')) authorizations.push(req.headers.authorization ?? null);
  if (req.method === 'OPTIONS') {
    res.writeHead(204, { 'Access-Control-Allow-Origin': '*', 'Access-Control-Allow-Headers': '*', 'Access-Control-Allow-Methods': '*' });
    return res.end();
  }
  if (req.method === 'POST') return posted(req, res, url);
  if (delayed?.test(url.pathname + url.search)) {
    setTimeout(() => answer(res, url), delayMs);
    return;
  }
  return answer(res, url);
}

/** The writes the widget makes here: an anonymous participant, an argument. */
function posted(req, res, url) {
  let body = '';
  req.on('data', (chunk) => { body += chunk; });
  req.on('end', () => {
    if (url.pathname === '/v1/participants') return send(res, 201, { participant_id: 'p-stub', token: 'anon.p-stub.stub' });
    if (url.pathname !== `/v1/deliberations/${DELIBERATION.id}/arguments`) {
      return send(res, 404, { type: 'about:blank', title: 'Not found', status: 404, code: 'not_found' }, 'application/problem+json');
    }
    postedWith.push(req.headers.authorization ?? null);
    const { stance, text } = JSON.parse(body);
    send(res, 201, {
      id: `posted-${postedWith.length}`, deliberation_id: DELIBERATION.id, stance, text, lang: 'en', author: {},
      created_at: new Date().toISOString(), reactions: { helpful: 0, changed_my_mind: 0 }, my_reactions: [],
      comment_count: 0, status: 'visible',
    });
  });
}

function answer(res, url) {  if (mode === 'flaky' && !failedOnce.has(url.pathname + url.search)) {
    failedOnce.add(url.pathname + url.search);
    res.setHeader('Retry-After', '1');
    return send(res, 429, { type: 'about:blank', title: 'Slow down', status: 429, code: 'rate_limited' }, 'application/problem+json');
  }
  if (mode === 'malformed') return send(res, 200, '{"id": "rue-des-lilas", "title": ');
  if (mode === 'wrong-shape') return send(res, 200, { id: DELIBERATION.id, title: 'not a language map', phases: 3 });
  if (mode === 'html-500') return send(res, 500, '<h1>Internal Server Error</h1>', 'text/html');
  if (mode === 'problem-503') {
    return send(res, 503, { type: 'about:blank', title: 'Maintenance', status: 503, code: 'unavailable' }, 'application/problem+json');
  }
  if (mode === 'hostile-image') {
    return url.pathname.endsWith('/arguments')
      ? send(res, 200, { items: [], next_cursor: null })
      : send(res, 200, { ...DELIBERATION, place: { ...DELIBERATION.place, image: { url: 'javascript:alert(1)', alt: { en: 'x' } } } });
  }
  // The deliberation's poll, as the seed has it (upcoming: no ballot yet).
  if (url.pathname === `/v1/polls/${SEED.deliberations[0].poll.id}`) return send(res, 200, SEED.deliberations[0].poll);
  if (mode === 'lists-fail' && /\/(proposals|comments)$/.test(url.pathname)) return send(res, 500, '<h1>Internal Server Error</h1>', 'text/html');
  if (mode === 'paged-lists' && url.pathname.endsWith('/proposals')) return send(res, 200, pageOf(url, PROPOSALS));
  if (mode === 'paged-lists' && url.pathname === '/v1/arguments/for-1/comments') return send(res, 200, pageOf(url, REPLIES));
  // Lists the widget reads besides the arguments: empty here.
  if (/^\/v1\/(deliberations\/[^/]+\/proposals|arguments\/[^/]+\/comments)$/.test(url.pathname)) {
    return send(res, 200, { items: [], next_cursor: null });
  }
  const match = url.pathname.match(/^\/v1\/deliberations\/([^/]+)(\/arguments)?$/);
  if (!match || decodeURIComponent(match[1]) !== DELIBERATION.id) {
    return send(res, 404, { type: 'about:blank', title: 'Not found', status: 404, code: 'not_found' }, 'application/problem+json');
  }
  if (!match[2]) return send(res, 200, { ...DELIBERATION, counts: { arguments_for: 12, arguments_against: 12, comments: 0, participants: 24 } });
  const stance = url.searchParams.get('stance');
  const start = Number(url.searchParams.get('cursor') ?? 0);
  const side = ARGUMENTS.filter((a) => a.stance === stance);
  const items = side.slice(start, start + 10)
    .map((a) => (['paged-lists', 'lists-fail'].includes(mode) && a.id === 'for-1' ? { ...a, comment_count: REPLIES.length } : a));
  return send(res, 200, { items, next_cursor: start + 10 < side.length ? String(start + 10) : null });
}

describe('the HTTP backend', () => {
  let browser, server, backend, api;
  before(async () => {
    backend = http.createServer(stub);
    await new Promise((r) => backend.listen(0, '127.0.0.1', r));
    api = `http://127.0.0.1:${backend.address().port}/v1`;
    const widget = (id, deliberation = DELIBERATION.id) =>
      `<plaza-deliberation id="${id}" api="${api}" deliberation="${deliberation}" lang="en"></plaza-deliberation>`;
    // A port that was just free: nothing answers there.
    const closed = http.createServer();
    await new Promise((r) => closed.listen(0, '127.0.0.1', r));
    const deadApi = `http://127.0.0.1:${closed.address().port}/v1`;
    await new Promise((r) => closed.close(r));
    browser = await startBrowser();
    server = await serveDist({
      '/unreachable.html': page(cityPage(`<plaza-deliberation id="w" api="${deadApi}" deliberation="x"></plaza-deliberation>`)),
      '/one.html': page(cityPage(widget('w'))),
      '/two.html': page(cityPage(widget('left') + widget('right'))),
      '/three.html': page(cityPage(widget('a') + widget('b') + widget('c'))),
      '/missing.html': page(cityPage(widget('w', 'no such/place'))),
      '/signed.html': page(cityPage(
        `<plaza-deliberation id="w" api="${api}" deliberation="${DELIBERATION.id}" participant-token="v1.resident-42.signature"></plaza-deliberation>`)),
    });
  });
  after(async () => {
    await browser?.close();
    await server?.close();
    backend?.closeAllConnections();
    await new Promise((r) => backend?.close(r));
  });
  beforeEach(() => { mode = 'ok'; requests = []; authorizations = []; postedWith = []; failedOnce = new Set(); delayed = null; delayMs = 0; });

  it('renders the deliberation and arguments the backend sends', async () => {
    const tab = await open(browser.context, `${server.url}/one.html`);
    const events = await waitForReady(tab, 1);
    assert.equal(events.at(-1).detail.state, 'loaded');
    assert.equal(await shadowText(tab, '#w', 'h2'), DELIBERATION.title.en);
    assert.ok(requests.includes('GET /v1/deliberations/rue-des-lilas/arguments?stance=for&sort=helpful'), requests.join('\n'));
    // Relative image addresses are resolved against the API, not the page.
    const src = await tab.evaluate(() => document.querySelector('#w').shadowRoot.querySelector('img').src);
    assert.equal(src, `${api}/plaza-demo-rue-des-lilas.svg`);
    assert.deepEqual(tab.errors, []);
  });

  it('"Show more" proposals and replies takes focus to the first one loaded, also from the last page', async () => {
    mode = 'paged-lists';
    const tab = await open(browser.context, `${server.url}/one.html`);
    await waitForReady(tab, 1);
    await tab.locator('#w .plaza-proposals button.plaza-more').focus();
    await tab.keyboard.press('Enter');
    await tab.waitForFunction(() => document.querySelector('#w').shadowRoot.activeElement?.id === 'plaza-item-prop-11');
    assert.equal(await tab.locator('#w .plaza-proposals button.plaza-more').count(), 0, 'no more pages');
    await tab.locator('#w button[aria-controls="plaza-replies-for-1"]').focus();
    await tab.keyboard.press('Enter');
    const more = tab.locator('#w #plaza-replies-for-1 button.plaza-more');
    await more.focus();
    await tab.keyboard.press('Enter');
    await tab.waitForFunction(() => document.querySelector('#w').shadowRoot.activeElement?.id === 'plaza-item-reply-11');
    assert.equal(await more.count(), 0, 'no more pages');
    await tab.close();
  });

  it('"Try again" after a failed first page takes focus to the first one loaded, unless the resident moved on, and each "Try again" says what it loads', async () => {
    mode = 'lists-fail';
    const tab = await open(browser.context, `${server.url}/one.html`);
    await waitForReady(tab, 1);
    await tab.locator('#w button[aria-controls="plaza-replies-for-1"]').focus();
    await tab.keyboard.press('Enter');
    const again = (where) => tab.locator(`#w ${where} .plaza-error button`);
    await again('#plaza-replies-for-1').waitFor();
    await again('.plaza-proposals').waitFor();
    // Two "Try again" buttons on the page, named apart, each starting with what it shows.
    const names = await Promise.all(['#plaza-replies-for-1', '.plaza-proposals'].map((w) => again(w).getAttribute('aria-label')));
    assert.equal(names[1], 'Try again — Proposals for the ballot');
    assert.match(names[0], /^Try again — Argument by .*Stub argument for 1(?!\d)/);
    mode = 'paged-lists';
    const focusOn = (id) => tab.waitForFunction((i) => document.querySelector('#w').shadowRoot.activeElement?.id === i, id, { timeout: 10_000 });
    await again('#plaza-replies-for-1').focus();
    await tab.keyboard.press('Enter');
    await focusOn('plaza-item-reply-1');
    // The proposals come late, and meanwhile the resident clicks elsewhere on
    // the page: focus stays where they left it, though that is the page's body.
    delayed = /proposals/;
    delayMs = 1500;
    await again('.plaza-proposals').focus();
    await tab.keyboard.press('Enter');
    await tab.mouse.click(2, 2);
    await tab.locator('#w #plaza-item-prop-1').waitFor({ timeout: 10_000 });
    await tab.evaluate(() => new Promise((resolve) => requestAnimationFrame(() => requestAnimationFrame(resolve))));
    assert.equal(await tab.evaluate(() => document.activeElement === document.body), true, 'focus left where the resident put it');
    const others = tab.errors.filter((e) => !e.startsWith('Failed to load resource') && !e.startsWith('Plaza'));
    assert.deepEqual(others, []);
    await tab.close();
  });

  it('a new order that fails keeps focus in its column through "Try again", in vain and then not', async () => {
    const tab = await open(browser.context, `${server.url}/one.html`);
    await waitForReady(tab, 1);
    mode = 'html-500';
    await tab.locator('#w .plaza-for select').selectOption('recent');
    const again = tab.locator('#w .plaza-for .plaza-error button');
    await again.waitFor({ timeout: 10_000 });
    const focusIn = (selector) => tab.waitForFunction((s) => document.querySelector('#w').shadowRoot.activeElement?.matches(s),
      selector, { timeout: 10_000 });
    // In vain: the new error takes focus (nothing took it while the
    // column loaded again).
    await again.focus();
    await tab.keyboard.press('Enter');
    await tab.waitForFunction(() => !document.querySelector('#w').shadowRoot.activeElement?.matches('button'), null, { timeout: 10_000 });
    await focusIn('.plaza-for .plaza-error');
    // Then the new order comes: focus goes to the "Show more" under it.
    mode = 'ok';
    await again.focus();
    await tab.keyboard.press('Enter');
    await focusIn('.plaza-for .plaza-more');
    await tab.close();
  });

  it('loads more arguments in one instance without touching the other', async () => {
    const tab = await open(browser.context, `${server.url}/two.html`);
    await waitForReady(tab, 2);
    const count = (host) => tab.evaluate((h) => document.querySelector(h).shadowRoot.querySelectorAll('.plaza-for .plaza-argument').length, host);
    assert.equal(await count('#left'), 10);
    // With the keyboard, as many residents do.
    await tab.locator('#left .plaza-for button.plaza-more').focus();
    await tab.keyboard.press('Enter');
    await tab.waitForFunction(() => document.querySelector('#left').shadowRoot.querySelectorAll('.plaza-for .plaza-argument').length === 12);
    assert.equal(await count('#right'), 10, 'the other instance is unchanged');
    assert.equal(await tab.locator('#left .plaza-for button.plaza-more').count(), 0, 'no more pages');
    // Focus follows to the first newly loaded argument.
    const focused = await tab.evaluate(() => document.querySelector('#left').shadowRoot.activeElement?.textContent ?? '');
    assert.match(focused, /Stub argument for 11/);
  });

  it('a widget removed or remounted while its requests are in flight breaks nothing on the page', async () => {
    const tab = await open(browser.context, `${server.url}/three.html`);
    await waitForReady(tab, 3);
    const count = (host) => tab.evaluate((h) => document.querySelector(h)?.shadowRoot?.querySelectorAll('.plaza-for .plaza-argument').length ?? -1, host);
    const moreRequests = () => requests.filter((r) => r.includes('cursor=')).length;
    // Every next page now arrives late.
    delayed = /cursor=/;
    delayMs = 1500;
    // #a asks for more, and is removed before the answer comes.
    await tab.locator('#a .plaza-for button.plaza-more').click();
    await tab.waitForFunction(() => document.querySelector('#a').shadowRoot.querySelector('[aria-busy=true]'));
    await tab.evaluate(() => document.querySelector('#a').remove());
    // #b asks for more, and is remounted (a new language) before the answer comes.
    await tab.locator('#b .plaza-for button.plaza-more').click();
    await tab.waitForFunction(() => document.querySelector('#b').shadowRoot.querySelector('[aria-busy=true]'));
    await tab.evaluate(() => document.querySelector('#b').setAttribute('lang', 'fr'));
    // The request reached the backend (one for both: the same page of the
    // same deliberation is read once for the page): its answer will arrive, late.
    await until(() => moreRequests() >= 1);
    // First loads in flight: a widget added then removed, another added then
    // remounted, both before their deliberation arrives.
    delayed = /./;
    await tab.evaluate(([api, id]) => {
      for (const name of ['d', 'e']) {
        const w = document.createElement('plaza-deliberation');
        Object.assign(w, { id: name });
        w.setAttribute('api', api);
        w.setAttribute('deliberation', id);
        document.querySelector('main').append(w);
      }
    }, [api, DELIBERATION.id]);
    await tab.waitForFunction(() => document.querySelector('#e').shadowRoot?.querySelector('[role=status]'));
    await tab.evaluate(() => {
      document.querySelector('#d').remove();
      document.querySelector('#e').setAttribute('lang', 'fr');
    });
    // Every late answer arrives.
    await tab.waitForTimeout(2 * delayMs + 500);
    delayed = null;
    assert.deepEqual(tab.errors, [], 'no error on the page');
    // The remounted widgets came back, in French.
    await tab.waitForFunction(() => ['#b', '#e'].every((h) => document.querySelector(h).shadowRoot.querySelector('.plaza-root[lang=fr] h2')));
    assert.equal(await count('#b'), 10, 'the remounted widget starts afresh');
    // The widget nobody touched still loads more, and retries after a failure.
    mode = 'html-500';
    await tab.locator('#c .plaza-for button.plaza-more').click();
    await tab.waitForFunction(() => document.querySelector('#c').shadowRoot.querySelector('.plaza-for [role=alert]'), null, { timeout: 10_000 });
    // The error took the place of the button the resident pressed: focus
    // goes to it, not to the page.
    const focusIn = (selector) => tab.waitForFunction((s) => document.querySelector('#c').shadowRoot.activeElement?.matches(s),
      selector, { timeout: 5_000 });
    await focusIn('.plaza-for .plaza-error');
    // Tried again in vain: the new error takes focus too.
    await tab.locator('#c .plaza-for button:has-text("Try again")').click();
    await tab.waitForFunction(() => !document.querySelector('#c').shadowRoot.activeElement?.matches('button'), null, { timeout: 10_000 });
    await focusIn('.plaza-for .plaza-error');
    mode = 'ok';
    // The next page comes late: meanwhile focus is on the "Show more" that
    // took the error's place.
    delayed = /cursor=/;
    delayMs = 1500;
    await tab.locator('#c .plaza-for button:has-text("Try again")').click();
    await focusIn('.plaza-for .plaza-more');
    await tab.waitForFunction(() => document.querySelector('#c').shadowRoot.querySelectorAll('.plaza-for .plaza-argument').length === 12);
    delayed = null;
    const others = tab.errors.filter((e) => !e.startsWith('Failed to load resource'));
    assert.deepEqual(others, [], 'nothing but the failed responses Chromium itself logs');
  });

  for (const [name, pattern] of [
    ['malformed', /data this page cannot read/],
    ['wrong-shape', /data this page cannot read/],
    ['html-500', /server had a problem \(error 500\)/],
    ['problem-503', /server had a problem \(error 503\)/],
  ]) {
    it(`a ${name} answer shows a readable error, and retrying recovers`, async () => {
      mode = name;
      const tab = await open(browser.context, `${server.url}/one.html`);
      const events = await waitForReady(tab, 1);
      assert.equal(events.find((e) => e.type === 'plaza:ready').detail.state, 'error');
      assert.ok(events.some((e) => e.type === 'plaza:error'), 'plaza:error is dispatched');
      const alert = await shadowText(tab, '#w', '[role=alert]');
      assert.match(alert, pattern);
      // An error of the page's own loading does not take focus from the host
      // page (the panel would take it a frame after it is drawn).
      await tab.evaluate(() => new Promise((resolve) => requestAnimationFrame(() => requestAnimationFrame(resolve))));
      assert.equal(await tab.evaluate(() => document.activeElement === document.body), true, 'focus left where it was');
      // Chromium logs failed responses itself; besides those, only Plaza's own report.
      const others = tab.errors.filter((e) => !e.startsWith('Failed to load resource'));
      assert.ok(others.length > 0 && others.every((e) => e.startsWith('Plaza')), `console: ${tab.errors}`);
      mode = 'ok';
      await tab.locator('#w button:has-text("Try again")').click();
      await tab.waitForFunction(() => document.querySelector('#w').shadowRoot.querySelector('h2'));
      assert.equal(await shadowText(tab, '#w', 'h2'), DELIBERATION.title.en);
      // Focus went with the button: it is on what loaded, not on the page.
      await tab.waitForFunction(() => document.querySelector('#w').shadowRoot.activeElement?.id === 'plaza-title');
    });
  }

  it('retries a transient failure, honouring Retry-After, before the resident sees an error', async () => {
    mode = 'flaky';
    const tab = await open(browser.context, `${server.url}/one.html`);
    const events = await waitForReady(tab, 1);
    assert.equal(events.find((e) => e.type === 'plaza:ready').detail.state, 'loaded');
    assert.equal(await shadowText(tab, '#w', 'h2'), DELIBERATION.title.en);
    const deliberationCalls = requests.filter((r) => r === 'GET /v1/deliberations/rue-des-lilas');
    assert.equal(deliberationCalls.length, 2, requests.join('\n'));
  });

  it('sends no identity on public reads, and the host page’s signed token when it gives one', async () => {
    const anonymous = await open(browser.context, `${server.url}/one.html`);
    await waitForReady(anonymous, 1);
    // Reads after the first screen (the proposals) must be anonymous too, and
    // must not be counted as the signed page's.
    await anonymous.waitForLoadState('networkidle');
    await anonymous.close();
    assert.ok(authorizations.every((a) => a === null), `anonymous reads: ${authorizations}`);
    authorizations = [];
    const signed = await open(browser.context, `${server.url}/signed.html`);
    await waitForReady(signed, 1);
    assert.ok(authorizations.length >= 3);
    assert.ok(authorizations.every((a) => a === 'Bearer v1.resident-42.signature'), `${authorizations}`);
    assert.deepEqual(await signed.evaluate(() => document.cookie), '');
  });

  it('sends what a resident submits as the widget they submitted it in knows them', async () => {
    // The page signs the resident in for its widget; a widget added later
    // has no token. What the first one posts still goes as the resident
    // the page signed in, not as an anonymous participant.
    const tab = await open(browser.context, `${server.url}/signed.html`);
    await waitForReady(tab, 1);
    await tab.evaluate((where) => {
      const later = document.createElement('plaza-deliberation');
      later.id = 'later';
      for (const [name, value] of Object.entries({ api: where, deliberation: 'rue-des-lilas', lang: 'en' })) later.setAttribute(name, value);
      document.querySelector('main').append(later);
    }, api);
    await waitForReady(tab, 2);
    await tab.locator('#w #plaza-stance-for').check();
    await tab.locator('#w #plaza-argument-text').fill('Signed in, and it says so.');
    await tab.locator('#w form.plaza-form:has(#plaza-argument-text) button[type=submit]').click();
    await tab.locator('#w .plaza-mine .plaza-argument:not(.plaza-pending)').waitFor();
    assert.deepEqual(postedWith, ['Bearer v1.resident-42.signature']);
    assert.deepEqual(tab.errors, []);
  });

  it('an unknown deliberation says so, without a pointless retry button', async () => {
    const tab = await open(browser.context, `${server.url}/missing.html`);
    await waitForReady(tab, 1);
    assert.match(await shadowText(tab, '#w', '[role=alert]'), /does not exist/);
    assert.equal(await tab.locator('#w button').count(), 0);
    assert.ok(requests.includes('GET /v1/deliberations/no%20such%2Fplace'), requests.join('\n'));
  });

  it('an unreachable backend is reported as a connection problem', async () => {
    const tab = await open(browser.context, `${server.url}/unreachable.html`);
    await waitForReady(tab, 1);
    assert.match(await shadowText(tab, '#w', '[role=alert]'), /offline, or the server cannot be reached/);
  });

  it('refuses image addresses with a script scheme', async () => {
    mode = 'hostile-image';
    const tab = await open(browser.context, `${server.url}/one.html`);
    await waitForReady(tab, 1);
    assert.match(await shadowText(tab, '#w', '[role=alert]'), /data this page cannot read/);
  });
});
