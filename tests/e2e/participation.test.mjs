// Residents take part, on the reference server, with the release build
// embedded in a city page: keyboard only, in English and in Arabic, they
// read, argue, reply, react, report and propose; the host page hears of it
// through DOM events; a rejected sign-in keeps the reading and the drafts;
// "forget me" forgets; a closed discussion says when it closed.

import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { startBrowser, open, waitForReady, cityPage } from './support/browser.mjs';
import { startServer, SERVER, all } from './support/server.mjs';
import { focused, focusOn, focusReaches, tabTo, axeViolations } from './support/keyboard.mjs';

const MODERATOR = 'e2e-moderator-token-of-enough-length-0123456789';
const SECRET = 'e2e-host-secret-of-enough-length-0123456789';
const EVENTS = ['plaza:argument-posted', 'plaza:comment-posted', 'plaza:proposal-posted', 'plaza:reaction',
  'plaza:flagged', 'plaza:error', 'plaza:token-rejected'];

/** Records the widget's DOM events in `window.__plazaHeard`. */
function listen(types) {
  window.__plazaHeard = [];
  for (const type of types) {
    document.addEventListener(type, (e) => window.__plazaHeard.push({ type, detail: { ...e.detail } }));
  }
}

const widget = (attrs) => `<plaza-deliberation api="/v1" deliberation="rue-des-lilas" ${attrs}></plaza-deliberation>`;

function hostToken(resident, ttl = 3600, secret = SECRET) {
  return execFileSync(SERVER, ['host-token', '--resident', resident, '--ttl', String(ttl)], {
    env: { ...process.env, PLAZA_HOST_SECRET: secret },
  }).toString().trim();
}

async function moderate(origin, path, body) {
  const response = await fetch(`${origin}/v1${path}`, {
    method: 'PUT',
    headers: { authorization: `Bearer ${MODERATOR}`, 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  assert.equal(response.status, 200, `${path}: ${await response.text()}`);
}

const inWidget = (tab, host, selector) => tab.locator(`${host} ${selector}`);

describe('residents take part', () => {
  let browser, server;
  before(async () => {
    server = await startServer([
      '--participant-writes-per-minute', '0', '--ip-writes-per-minute', '0',
      '--moderator-token', MODERATOR, '--host-secret', SECRET,
    ], {
      pages: {
        // A city page has its own level-one heading; the widget's start at two.
        'en.html': cityPage(`<h1>Have your say</h1>${widget('lang="en"')}`),
        'ar.html': cityPage(`<h1>شارك برأيك</h1>${widget('lang="ar"')}`, { lang: 'ar' }),
        'local.html': cityPage(`<h1>Have your say</h1><plaza-deliberation api="local" deliberation="rue-des-lilas" lang="en"></plaza-deliberation>`),
        'h3.html': cityPage(`<h1>City</h1><h2>Have your say</h2>${widget('lang="en" heading-level="3"')}`),
        'signed.html': cityPage(widget(`lang="en" participant-token="${'x'.repeat(20)}.${'y'.repeat(20)}.${'z'.repeat(20)}"`)),
        // Resident A's sign-in, which this server rejects (another site's secret).
        'shared.html': cityPage(widget(`lang="en" participant-token="${hostToken('resident-shared-a', 3600, 'another-sites-secret-of-enough-length-0123')}"`)),
        // A token a CMS broke over two lines, and one with a letter no HTTP
        // header can carry, beside a widget without one.
        'unusable-token.html': cityPage(`<h1>Have your say</h1>${widget(`id="a" lang="en" participant-token="${'x'.repeat(20)}\n${'y'.repeat(20)}"`)}
          ${widget(`id="b" lang="en" participant-token="${'x'.repeat(20)}.ŷ.${'z'.repeat(20)}"`)}${widget('id="c" lang="en"')}`),
      },
    });
    browser = await startBrowser();
  });
  after(async () => {
    await browser?.close();
    await server?.stop();
  });

  const EN = { helpful: /Helpful/, report: /^Report/, reply: /^Reply$/, reported: /Reported/ };
  const AR = { helpful: /مفيد/, report: /^إبلاغ/, reply: /^الرد$/, reported: /تم الإبلاغ/ };
  for (const [lang, pageName, labels] of [['en', 'en', EN], ['ar', 'ar', AR], ['en', 'local', EN]]) {
    const onServer = pageName !== 'local';
    const where = onServer ? 'the reference server' : 'api="local"';
    it(`keyboard only (${lang}, ${where}): reads, argues, replies, reacts, reports and proposes`, async () => {
      const tab = await open(browser.context, `${server.origin}/${pageName}.html`, { init: [listen, EVENTS] });
      await waitForReady(tab, 1);
      const run = `${lang}-${Date.now().toString(36)}`;
      // An argument: position, text, publish.
      // The radio group: Tab into it, an arrow key to choose.
      await tabTo(tab, (f) => f.id === 'plaza-stance-for');
      await tab.keyboard.press('ArrowDown');
      assert.equal((await focused(tab)).id, 'plaza-stance-against');
      await tabTo(tab, (f) => f.id === 'plaza-argument-text');
      await tab.keyboard.type(`Keyboard argument ${run}`);
      await tabTo(tab, (f) => f.tag === 'button' && f.type === 'submit');
      await tab.keyboard.press('Enter');
      // Focus follows it into its column, where it is first.
      await focusOn(tab, (f) => f.id.startsWith('plaza-item-'), 'the new argument');
      const posted = inWidget(tab, 'plaza-deliberation', '.plaza-against .plaza-mine').first();
      // (Newest first: the English run's argument, on the same device, comes after.)
      await posted.locator('.plaza-argument:not(.plaza-pending)').waitFor();
      assert.match(await posted.textContent(), new RegExp(`Keyboard argument ${run}`));
      // A reaction on it: Tab to its "helpful", Enter; the count shows at once.
      const before = await focused(tab);
      assert.ok(before.id.startsWith('plaza-item-'));
      const helpful = await tabTo(tab, (f) => f.tag === 'button' && labels.helpful.test(f.text));
      assert.equal(helpful.pressed, 'false');
      await tab.keyboard.press('Enter');
      assert.equal((await focused(tab)).pressed, 'true', 'pressed at once, focus kept');
      // A report, with a reason chosen by arrow keys; cancelled once first,
      // which puts focus back on the button that opened it.
      const report = await tabTo(tab, (f) => f.tag === 'button' && labels.report.test(f.label || f.text));
      await tab.keyboard.press('Enter');
      await tabTo(tab, (f) => f.tag === 'button' && f.type === 'button' && f.id !== report.id);
      await tab.keyboard.press('Enter');
      await focusReaches(tab, report.id);
      assert.equal((await focused(tab)).expanded, 'false');
      assert.equal(await tab.locator('.plaza-report-panel').count(), 0, 'the panel is gone');
      await tab.keyboard.press('Enter');
      await tabTo(tab, (f) => f.type === 'radio');
      await tab.keyboard.press('Space');
      await tab.keyboard.press('ArrowDown');
      await tabTo(tab, (f) => f.tag === 'button' && f.type === 'submit');
      await tab.keyboard.press('Enter');
      await focusOn(tab, (f) => f.className.split(/\s+/).includes('plaza-reported'), 'the "reported" note');
      assert.match((await focused(tab)).text, labels.reported);
      // A reply to it (the form cancelled once first: focus goes back to
      // the Reply button).
      const reply = await tabTo(tab, (f) => f.tag === 'button' && labels.reply.test(f.text));
      await tab.keyboard.press('Enter');
      // The form opens with focus in its field (in the frame after it is
      // drawn: tabbing on before then would have that focus land on top).
      const inTextarea = () => focusOn(tab, (f) => f.tag === 'textarea', 'the reply\'s text box');
      await inTextarea();
      await tabTo(tab, (f) => f.tag === 'button' && f.type === 'button' && f.className.includes('plaza-quiet'));
      await tab.keyboard.press('Enter');
      await focusReaches(tab, reply.id);
      assert.ok(reply.id.endsWith('-open'), reply.id);
      await tab.keyboard.press('Enter');
      await inTextarea();
      await tab.keyboard.type(`Keyboard reply ${run}`);
      await tabTo(tab, (f) => f.tag === 'button' && f.type === 'submit');
      await tab.keyboard.press('Enter');
      await inWidget(tab, 'plaza-deliberation', `.plaza-comment:not(.plaza-pending):has-text("Keyboard reply ${run}")`).waitFor();
      // A proposal.
      await tabTo(tab, (f) => f.id === 'plaza-proposal-title');
      await tab.keyboard.type(`Keyboard proposal ${run}`);
      await tabTo(tab, (f) => f.tag === 'button' && f.type === 'submit');
      await tab.keyboard.press('Enter');
      await inWidget(tab, 'plaza-deliberation', `.plaza-proposal:not(.plaza-pending):has-text("Keyboard proposal ${run}")`).waitFor();
      // The host page heard of each.
      await tab.waitForFunction(() => window.__plazaHeard.some((e) => e.type === 'plaza:proposal-posted'));
      const heard = await tab.evaluate(() => window.__plazaHeard.map((e) => e.type));
      for (const type of ['plaza:argument-posted', 'plaza:reaction', 'plaza:flagged', 'plaza:comment-posted', 'plaza:proposal-posted']) {
        assert.ok(heard.includes(type), `${type} in ${heard}`);
      }
      // The backend has them; my reaction comes back after a reload.
      if (onServer) {
        const args = await all(server.origin, '/v1/deliberations/rue-des-lilas/arguments');
        const mine = args.find((a) => a.text === `Keyboard argument ${run}`);
        assert.ok(mine && mine.reactions.helpful === 1 && mine.comment_count === 1, JSON.stringify(mine));
      }
      await tab.reload();
      await waitForReady(tab, 1);
      const pressed = await tab.evaluate((text) => {
        const root = document.querySelector('plaza-deliberation').shadowRoot;
        const card = [...root.querySelectorAll('.plaza-argument')].find((a) => a.textContent.includes(text));
        return card?.querySelector('.plaza-reaction')?.getAttribute('aria-pressed');
      }, `Keyboard argument ${run}`);
      assert.equal(pressed, 'true', 'my reaction came back');
      assert.deepEqual(await axeViolations(tab), []);
      assert.deepEqual(tab.errors.filter((e) => !e.startsWith('Failed to load resource')), []);
      await tab.close();
    });
  }

  it('sorts each side by most helpful or most recent', async () => {
    const tab = await open(browser.context, `${server.origin}/en.html`);
    await waitForReady(tab, 1);
    const first = () => tab.evaluate(() => document.querySelector('plaza-deliberation').shadowRoot
      .querySelector('.plaza-for .plaza-arguments > li:not(.plaza-mine) .plaza-argument-text')?.textContent);
    const helpfulFirst = await first();
    await inWidget(tab, 'plaza-deliberation', '#plaza-sort-for').selectOption('recent');
    await tab.waitForFunction((old) => document.querySelector('plaza-deliberation').shadowRoot
      .querySelector('.plaza-for .plaza-arguments > li:not(.plaza-mine) .plaza-argument-text')?.textContent !== old, helpfulFirst);
    const listed = await all(server.origin, '/v1/deliberations/rue-des-lilas/arguments?stance=for&sort=recent');
    assert.equal(await first(), listed[0].text);
    await tab.close();
  });

  it('names each card\'s controls apart, also between cards of one author', async () => {
    const tab = await open(browser.context, `${server.origin}/en.html`);
    await waitForReady(tab, 1);
    // Every thread open, so that replies' controls are there too.
    await tab.evaluate(() => {
      for (const b of document.querySelector('plaza-deliberation').shadowRoot.querySelectorAll('.plaza-replies button[aria-expanded="false"]')) b.click();
    });
    await tab.waitForFunction(() => document.querySelector('plaza-deliberation').shadowRoot.querySelector('article.plaza-comment'));
    const names = await tab.evaluate(() => [...document.querySelector('plaza-deliberation').shadowRoot.querySelectorAll('article button')]
      .map((b) => (b.getAttribute('aria-label') ?? b.textContent).trim()));
    const authors = await tab.evaluate(() => [...document.querySelector('plaza-deliberation').shadowRoot.querySelectorAll('article.plaza-argument > footer bdi.plaza-author')]
      .map((a) => a.textContent));
    assert.ok(authors.length > new Set(authors).size, `some author wrote two arguments: ${authors}`);
    const twice = names.filter((n, i) => names.indexOf(n) !== i);
    assert.deepEqual(twice, [], 'controls with the same name');
    assert.ok(names.some((n) => /^Helpful \d+ — Argument by .+: “.+”$/.test(n)), names.join('\n'));
    await tab.close();
  });

  it('shows its author what waits for review, and others that it is hidden', async () => {
    const tab = await open(browser.context, `${server.origin}/en.html`);
    await waitForReady(tab, 1);
    const text = `Soon hidden ${Date.now().toString(36)}`;
    await inWidget(tab, 'plaza-deliberation', '#plaza-stance-for').check();
    await inWidget(tab, 'plaza-deliberation', '#plaza-argument-text').fill(text);
    await inWidget(tab, 'plaza-deliberation', 'form.plaza-form:has(#plaza-argument-text) button[type=submit]').click();
    await inWidget(tab, 'plaza-deliberation', `.plaza-mine .plaza-argument:not(.plaza-pending):has-text("${text}")`).waitFor();
    const id = (await all(server.origin, '/v1/deliberations/rue-des-lilas/arguments')).find((a) => a.text === text).id;
    await moderate(server.origin, '/moderation/content', { target_type: 'argument', target_id: id, status: 'hidden_pending_review' });
    await tab.reload();
    await waitForReady(tab, 1);
    const card = inWidget(tab, 'plaza-deliberation', `.plaza-argument:has-text("${text}")`);
    await card.waitFor();
    assert.match(await card.textContent(), /Only you see this/);
    // The backend withholds the name with the text: its author is "You" to themself.
    assert.equal((await card.locator('.plaza-author').textContent()).trim(), 'You');
    // Another resident (a fresh profile) sees only that it is hidden.
    const stranger = await startBrowser();
    try {
      const tab2 = await open(stranger.context, `${server.origin}/en.html`);
      await waitForReady(tab2, 1);
      const seen = await tab2.evaluate((t) => document.querySelector('plaza-deliberation').shadowRoot.textContent.includes(t), text);
      assert.equal(seen, false);
    } finally {
      await stranger.close();
    }
    await moderate(server.origin, '/moderation/content', { target_type: 'argument', target_id: id, status: 'visible' });
    await tab.close();
  });

  it('tells residents what moderators did and why, never who nor the hidden text (keyboard, en and ar)', async () => {
    const participant = await (await fetch(`${server.origin}/v1/participants`, { method: 'POST' })).json();
    const text = `Cheap sunglasses at example.com ${Date.now().toString(36)}`;
    const posted = await fetch(`${server.origin}/v1/deliberations/rue-des-lilas/arguments`, {
      method: 'POST',
      headers: { authorization: `Bearer ${participant.token}`, 'content-type': 'application/json' },
      body: JSON.stringify({ stance: 'for', text }),
    });
    assert.equal(posted.status, 201);
    const { id } = await posted.json();
    // A staff member the city's site signed in removes it, saying why.
    const staff = execFileSync(SERVER, ['host-token', '--resident', 'planner-7', '--staff'], {
      env: { ...process.env, PLAZA_HOST_SECRET: SECRET },
    }).toString().trim();
    const removed = await fetch(`${server.origin}/v1/moderation/content`, {
      method: 'PUT',
      headers: { authorization: `Bearer ${staff}`, 'content-type': 'application/json' },
      body: JSON.stringify({ target_type: 'argument', target_id: id, status: 'removed', reason: 'spam' }),
    });
    assert.equal(removed.status, 200, await removed.text());
    for (const [page, toggle, said] of [
      ['en', /How this deliberation is moderated/, /An argument was removed\. Reason: spam or advertising\./],
      ['ar', /كيف تُدار هذه المداولة/, /أُزيلت حجة\. السبب: رسائل مزعجة أو إعلان\./],
    ]) {
      const tab = await open(browser.context, `${server.origin}/${page}.html`);
      await waitForReady(tab, 1);
      await tabTo(tab, (f) => toggle.test(f.text));
      await tab.keyboard.press('Enter');
      const entry = inWidget(tab, 'plaza-deliberation', '.plaza-moderation-entries li').first();
      await entry.waitFor();
      assert.match(await entry.textContent(), said);
      const log = await inWidget(tab, 'plaza-deliberation', '#plaza-moderation-log').textContent();
      assert.ok(!log.includes(text) && !log.includes('planner'), log);
      assert.equal(await inWidget(tab, 'plaza-deliberation', '.plaza-moderation-log button[aria-expanded]').getAttribute('aria-expanded'), 'true');
      assert.deepEqual(await axeViolations(tab), []);
      await tab.close();
    }
    // An entry of a kind newer than this widget (a backend that has moved
    // on) keeps its date and a plain sentence; the rest of the log shows.
    const tab = await open(browser.context, 'about:blank');
    try {
      await tab.route((url) => url.pathname === '/v1/deliberations/rue-des-lilas/moderation', async (route) => {
        const answer = await route.fetch();
        const page = await answer.json();
        page.items.unshift({ id: 'm-future', at: '2026-11-30T10:00:00Z', deliberation_id: 'rue-des-lilas', change: { merge: { into: 'elsewhere' } } });
        await route.fulfill({ response: answer, json: page });
      });
      await tab.goto(`${server.origin}/en.html`);
      await waitForReady(tab, 1);
      await tabTo(tab, (f) => /How this deliberation is moderated/.test(f.text));
      await tab.keyboard.press('Enter');
      const entries = inWidget(tab, 'plaza-deliberation', '.plaza-moderation-entries li');
      await entries.first().waitFor();
      assert.match(await entries.first().textContent(), /this version of the page cannot describe/);
      assert.ok((await entries.allTextContents()).some((t) => /An argument was removed\. Reason: spam or advertising\./.test(t)));
      assert.deepEqual(tab.errors.filter((e) => e.startsWith('uncaught')), []);
    } finally {
      await tab.close();
    }
  });

  it('a rejected sign-in keeps the reading, tells the host page, and a new token sends what waited', async () => {
    const tab = await open(browser.context, `${server.origin}/signed.html`, { init: [listen, EVENTS] });
    const events = await waitForReady(tab, 1);
    assert.equal(events.find((e) => e.type === 'plaza:ready').detail.state, 'loaded', 'reading works');
    await tab.waitForFunction(() => window.__plazaHeard.some((e) => e.type === 'plaza:token-rejected'));
    const text = `Waits for sign-in ${Date.now().toString(36)}`;
    await inWidget(tab, 'plaza-deliberation', '#plaza-stance-for').check();
    await inWidget(tab, 'plaza-deliberation', '#plaza-argument-text').fill(text);
    await inWidget(tab, 'plaza-deliberation', 'form.plaza-form:has(#plaza-argument-text) button[type=submit]').click();
    await inWidget(tab, 'plaza-deliberation', '.plaza-state:has-text("sign in again")').waitFor();
    // A draft in progress survives the new token.
    await inWidget(tab, 'plaza-deliberation', '#plaza-argument-text').fill('A draft in progress');
    await tab.evaluate((token) => document.querySelector('plaza-deliberation').setAttribute('participant-token', token),
      hostToken('resident-e2e'));
    await inWidget(tab, 'plaza-deliberation', `.plaza-mine .plaza-argument:not(.plaza-pending):has-text("${text}")`).waitFor();
    assert.equal(await inWidget(tab, 'plaza-deliberation', '#plaza-argument-text').inputValue(), 'A draft in progress');
    const args = await all(server.origin, '/v1/deliberations/rue-des-lilas/arguments');
    assert.equal(args.filter((a) => a.text === text).length, 1);
    await tab.close();
  });

  it('on a shared device, what waited for one resident\'s sign-in is never sent with another\'s', async () => {
    const tab = await open(browser.context, `${server.origin}/shared.html`, { init: [listen, EVENTS] });
    await waitForReady(tab, 1);
    await tab.waitForFunction(() => window.__plazaHeard.some((e) => e.type === 'plaza:token-rejected'));
    const text = `Resident A's argument ${Date.now().toString(36)}`;
    await inWidget(tab, 'plaza-deliberation', '#plaza-stance-for').check();
    await inWidget(tab, 'plaza-deliberation', '#plaza-argument-text').fill(text);
    await inWidget(tab, 'plaza-deliberation', 'form.plaza-form:has(#plaza-argument-text) button[type=submit]').click();
    await inWidget(tab, 'plaza-deliberation', '.plaza-state:has-text("sign in again")').waitFor();
    // Resident B signs in on the same browser (the widget is drawn anew):
    // A's argument waits on, out of B's sight (B could discard it).
    await tab.evaluate(() => { document.querySelector('plaza-deliberation').shadowRoot.querySelector('.plaza-state').dataset.before = 'yes'; });
    await tab.evaluate((token) => document.querySelector('plaza-deliberation').setAttribute('participant-token', token),
      hostToken('resident-shared-b'));
    await inWidget(tab, 'plaza-deliberation', '.plaza-state[data-before]').waitFor({ state: 'detached' });
    await inWidget(tab, 'plaza-deliberation', '#plaza-argument-text').waitFor();
    await tab.waitForTimeout(2000);
    let args = await all(server.origin, '/v1/deliberations/rue-des-lilas/arguments');
    assert.equal(args.filter((a) => a.text === text).length, 0, 'not sent as resident B');
    assert.equal(await inWidget(tab, 'plaza-deliberation', `.plaza-argument:has-text("${text}")`).count(), 0, 'not shown to B');
    const stored = await tab.evaluate((t) => Object.keys(localStorage)
      .some((k) => k.startsWith('plaza:outbox:v1:') && localStorage.getItem(k).includes(t)), text);
    assert.ok(stored, 'still waiting for A');
    // A signs in again: sent, once.
    await tab.evaluate((token) => document.querySelector('plaza-deliberation').setAttribute('participant-token', token),
      hostToken('resident-shared-a'));
    await inWidget(tab, 'plaza-deliberation', `.plaza-mine .plaza-argument:not(.plaza-pending):has-text("${text}")`).waitFor();
    args = await all(server.origin, '/v1/deliberations/rue-des-lilas/arguments');
    assert.equal(args.filter((a) => a.text === text).length, 1);
    await tab.close();
  });

  it('a token no request can carry is a rejected sign-in, not a page of stuck widgets', async () => {
    const tab = await open(browser.context, `${server.origin}/unusable-token.html`, { init: [listen, EVENTS] });
    const events = await waitForReady(tab, 3);
    assert.deepEqual(events.filter((e) => e.type === 'plaza:ready').map((e) => [e.id, e.detail.state]).sort(),
      [['a', 'loaded'], ['b', 'loaded'], ['c', 'loaded']]);
    await tab.waitForFunction(() => window.__plazaHeard.filter((e) => e.type === 'plaza:token-rejected').length === 2);
    // Every widget still sends: the one without a token at once.
    const text = `After an unusable token ${Date.now().toString(36)}`;
    await inWidget(tab, '#c', '#plaza-stance-for').check();
    await inWidget(tab, '#c', '#plaza-argument-text').fill(text);
    await inWidget(tab, '#c', 'form.plaza-form:has(#plaza-argument-text) button[type=submit]').click();
    await inWidget(tab, '#c', `.plaza-mine .plaza-argument:not(.plaza-pending):has-text("${text}")`).waitFor();
    assert.deepEqual(tab.errors.filter((e) => e.startsWith('uncaught')), []);
    await tab.close();
  });

  it('forgets an anonymous resident on this device', async () => {
    const tab = await open(browser.context, `${server.origin}/en.html`);
    await waitForReady(tab, 1);
    const w = (selector) => inWidget(tab, 'plaza-deliberation', selector);
    const argue = async (text) => {
      await w('#plaza-stance-for').check();
      await w('#plaza-argument-text').fill(text);
      await w('form.plaza-form:has(#plaza-argument-text) button[type=submit]').click();
    };
    // Sent (the device now holds an anonymous participant's token), then
    // one waiting for the network, and a draft.
    await argue('Posted before forgetting');
    await w('.plaza-mine .plaza-argument:not(.plaza-pending):has-text("Posted before forgetting")').waitFor();
    await browser.context.setOffline(true);
    try {
      await argue('Waiting when forgotten');
      await w('.plaza-pending').first().waitFor();
      await w('#plaza-proposal-title').fill('A draft to forget');
      // What this device holds for this backend (named by its address), and for
      // another one: the api="local" demo of an earlier test, on the same site.
      const stored = () => tab.evaluate(() => {
        const keys = Object.keys(localStorage);
        const api = new URL('/v1', location.href).href;
        return { here: keys.filter((k) => k.includes(api)).sort(), local: keys.filter((k) => k.startsWith('plaza:') && k.includes(':local')).sort() };
      });
      const before = await stored();
      for (const kind of ['token', 'outbox', 'draft', 'mine']) {
        assert.ok(before.here.some((k) => k.startsWith(`plaza:${kind}:`)), `${kind} before forgetting: ${before.here}`);
      }
      // Focus follows each step: the question, back to the button after
      // Cancel, the outcome after Yes.
      await w('.plaza-forget button').click();
      await focusReaches(tab, 'plaza-forget-confirm');
      await w('.plaza-forget button.plaza-quiet').click();
      await focusReaches(tab, 'plaza-forget-me');
      await w('.plaza-forget button').click();
      await w('.plaza-forget button.plaza-button').first().click();
      await focusReaches(tab, 'plaza-forget-done');
      const after = await stored();
      assert.deepEqual(after.here, [], 'nothing of the resident is left');
      assert.deepEqual(after.local, before.local, 'another backend\'s resident is not this one');
    } finally {
      await browser.context.setOffline(false);
    }
    await tab.reload();
    await waitForReady(tab, 1);
    assert.equal(await w('#plaza-proposal-title').inputValue(), '');
    assert.equal(await w('.plaza-pending').count(), 0);
    assert.equal(await w('.plaza-mine').count(), 0);
    await tab.close();
  });

  it('a sent argument the outbox drops after a while stays where it is, with focus, until "forget me" in another tab', async () => {
    // The outbox keeps a sent item ten minutes, then drops it on its next
    // pass, here the one a reaction on that very argument starts; the view
    // hears of it with the next change. The page's clock is faked (in a
    // browser of its own: a clock is per context).
    const clocked = await startBrowser();
    try {
      await clocked.context.clock.install();
      const tab = await open(clocked.context, `${server.origin}/en.html`);
      await waitForReady(tab, 1);
      const w = (selector) => inWidget(tab, 'plaza-deliberation', selector);
      const text = `Kept in place ${Date.now().toString(36)}`;
      await w('#plaza-stance-for').check();
      await w('#plaza-argument-text').fill(text);
      await w('form.plaza-form:has(#plaza-argument-text) button[type=submit]').click();
      const card = w(`.plaza-for .plaza-mine .plaza-argument:not(.plaza-pending):has-text("${text}")`);
      await card.waitFor();
      await tab.clock.fastForward('11:00');
      const recorded = (kind) => tab.waitForFunction(async ([t, k]) => {
        const r = await fetch('/v1/deliberations/rue-des-lilas/arguments?stance=for&sort=recent');
        return (await r.json()).items.some((a) => a.text === t && a.reactions[k] === 1);
      }, [text, kind]);
      const stored = () => tab.evaluate(() => Object.keys(localStorage).filter((k) => k.startsWith('plaza:outbox:')).length);
      for (const [n, kind] of [[0, 'helpful'], [1, 'changed_my_mind']]) {
        await card.locator('.plaza-reaction').nth(n).focus();
        await tab.keyboard.press('Enter');
        await recorded(kind);
        await tab.waitForFunction(() => !Object.values(localStorage).some((v) => v.includes('"sending"')));
        await tab.evaluate(() => new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r))));
        const f = await focused(tab);
        assert.equal(f.pressed, 'true', `focus stays on the pressed button: ${JSON.stringify(f)}`);
      }
      assert.equal(await stored(), 2, 'the argument left the outbox, the reactions are there');
      assert.equal(await w(`.plaza-argument-text:has-text("${text}")`).count(), 1, 'shown once');
      assert.equal(await w(`.plaza-mine:has-text("${text}")`).count(), 1, 'still first, as the resident\'s');
      // "Forget me" in another tab: this one stops showing it as the resident's.
      const other = await open(clocked.context, `${server.origin}/en.html`);
      await waitForReady(other, 1);
      await inWidget(other, 'plaza-deliberation', '.plaza-forget button').click();
      await inWidget(other, 'plaza-deliberation', '.plaza-forget button.plaza-button').first().click();
      await focusReaches(other, 'plaza-forget-done');
      await w('.plaza-mine').first().waitFor({ state: 'detached' });
      assert.equal(await w(`.plaza-argument-text:has-text("${text}")`).count(), 1, 'listed, as anyone\'s');
      await other.close();
      await tab.close();
    } finally {
      await clocked.close();
    }
  });

  it('lets the host page choose the level of its headings', async () => {
    const tab = await open(browser.context, `${server.origin}/h3.html`);
    await waitForReady(tab, 1);
    const levels = await tab.evaluate(() => {
      const root = document.querySelector('plaza-deliberation').shadowRoot;
      return ['.plaza-h0', '.plaza-h1', '.plaza-h2'].map((c) => root.querySelector(c)?.tagName);
    });
    assert.deepEqual(levels, ['H3', 'H4', 'H5']);
    await tab.close();
  });

  it('a refused reaction is rolled back and says why; a refused report says why, takes focus and is offered again', async () => {
    const tab = await open(browser.context, `${server.origin}/en.html`);
    await waitForReady(tab, 1);
    const refusal = (status, code) => async (route) => {
      await new Promise((resolve) => setTimeout(resolve, 300));
      await route.fulfill({ status, contentType: 'application/problem+json',
        body: JSON.stringify({ type: 'about:blank', title: 'Refused', status, code }) });
    };
    await tab.route('**/v1/arguments/*/reactions/*', refusal(409, 'phase_closed'));
    await tab.route('**/v1/flags', refusal(403, 'forbidden'));
    // One argument not reported yet, named by its text's id (the first
    // such card changes once it is reported).
    const textId = await inWidget(tab, 'plaza-deliberation', '.plaza-argument:has(.plaza-report > button)').first()
      .getAttribute('aria-describedby');
    const card = inWidget(tab, 'plaza-deliberation', `.plaza-argument[aria-describedby="${textId}"]`);
    const helpful = card.locator('.plaza-reaction').first();
    const count = () => helpful.locator('.plaza-reaction-count').textContent();
    const [pressed, was] = [await helpful.getAttribute('aria-pressed'), await count()];
    const flipped = pressed === 'true' ? 'false' : 'true';
    // Every text the widget's live region is given.
    await tab.evaluate(() => {
      const region = document.querySelector('plaza-deliberation').shadowRoot.querySelector('p.plaza-visually-hidden[role=status]');
      window.said = [];
      new MutationObserver(() => { if (region.textContent) window.said.push(region.textContent); })
        .observe(region, { childList: true, characterData: true, subtree: true });
    });
    await helpful.click();
    assert.equal(await helpful.getAttribute('aria-pressed'), flipped, 'shown at once');
    const why = card.locator('.plaza-reactions .plaza-state-failed');
    await why.waitFor();
    assert.equal(await why.textContent(),
      'Your reaction could not be saved: This part of the deliberation is closed, so it cannot be sent any more.');
    // And said so, once (not also as "Not sent").
    await tab.waitForFunction(() => window.said.some((t) => t.startsWith('Your reaction could not be saved')));
    await tab.waitForTimeout(500);
    const said = await tab.evaluate(() => window.said);
    assert.deepEqual(said.filter((t) => /could not be saved|^Not sent/.test(t)), [
      'Your reaction could not be saved: This part of the deliberation is closed, so it cannot be sent any more.'], said.join(' | '));
    assert.equal(await helpful.getAttribute('aria-pressed'), pressed, 'rolled back');
    assert.equal(await count(), was);
    assert.deepEqual(await axeViolations(tab), [], 'a refused reaction');

    // A report, by keyboard: "Reported" takes focus, then the refusal does.
    await card.locator('.plaza-report > button').focus();
    await tab.keyboard.press('Enter');
    await tabTo(tab, (f) => f.type === 'radio');
    await tab.keyboard.press('Space');
    await tabTo(tab, (f) => f.tag === 'button' && f.type === 'submit');
    await tab.keyboard.press('Enter');
    const reason = await focusOn(tab, (f) => f.className.split(/\s+/).includes('plaza-state-failed'), 'the refused report\'s reason');
    assert.equal(reason.text, 'Not sent: You are not allowed to do this here.');
    await card.locator('.plaza-report > button').waitFor();
    assert.deepEqual(await axeViolations(tab), [], 'a refused report');
    // Sent again once the server takes it: the reason goes, "Reported" stays.
    await tab.unroute('**/v1/flags');
    await card.locator('.plaza-report > button').click();
    await card.locator('.plaza-report-panel input[type="radio"]').first().check();
    await card.locator('.plaza-report-panel button[type="submit"]').click();
    await card.locator('.plaza-reported').waitFor();
    assert.equal(await card.locator('.plaza-report .plaza-state-failed').count(), 0);
    await tab.waitForFunction(() => !Object.entries(localStorage)
      .some(([k, v]) => k.startsWith('plaza:outbox') && /"flag"/.test(v) && /"delivery":("queued"|"offline"|\{"(sending|failed)")/.test(v)));
    assert.equal(await card.locator('.plaza-reported').count(), 1, 'reported, and it stays so');
    await tab.close();
  });

  it('says when the discussion closed instead of offering a form', async () => {
    await moderate(server.origin, '/moderation/deliberations/rue-des-lilas/phase', { phase: 'voting' });
    try {
      const tab = await open(browser.context, `${server.origin}/en.html`);
      await waitForReady(tab, 1);
      assert.equal(await inWidget(tab, 'plaza-deliberation', '#plaza-argument-text').count(), 0);
      assert.equal(await inWidget(tab, 'plaza-deliberation', 'button:text-is("Reply")').count(), 0);
      assert.match(await inWidget(tab, 'plaza-deliberation', '.plaza-discussion .plaza-notice').textContent(),
        /The discussion closed on December 15, 2026/);
      await tab.close();
    } finally {
      await moderate(server.origin, '/moderation/deliberations/rue-des-lilas/phase', { phase: 'discussion' });
    }
  });
});
