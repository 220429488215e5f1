// Residents vote, on the reference server, with the release build embedded
// in a city page: keyboard only, in English and in Arabic, they rank the
// options (a rank chosen from a list, then "move down"), review, cast and
// change their ballot; the server holds the last one; axe finds nothing on
// ranking, review and receipt. Once the poll closes, the results show as a
// table, a chart per round and sentences matching the server's count, and
// the published ballots re-counted in the browser agree round by round (and
// tampered ones do not), and a resident finds their own ballot by its tracker; a hostile results answer shows an error, not a
// broken widget; a resident a poll does not let vote is told how to take part.

import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { createHmac } from 'node:crypto';
import { startBrowser, open, waitForReady, cityPage } from './support/browser.mjs';
import { execFileSync } from 'node:child_process';
import { startServer, SERVER } from './support/server.mjs';
import { focused, tabTo, axeViolations } from './support/keyboard.mjs';
import { overflowNarrow } from './support/layout.mjs';

const MODERATOR = 'e2e-moderator-token-of-enough-length-0123456789';
// Known to the test, so that it can make a token as old as it likes.
const SERVER_KEY = 'e2e-server-key-of-enough-length-0123456789';
const HOST_SECRET = 'e2e-host-secret-of-enough-length-0123456789';
const DELIBERATION = 'rue-des-lilas';
const POLL = 'rue-des-lilas-design';
const HOST = 'plaza-deliberation';

const widget = (attrs, deliberation = DELIBERATION) =>
  `<plaza-deliberation api="/v1" deliberation="${deliberation}" ${attrs}></plaza-deliberation>`;

async function moderate(origin, method, path, body) {
  const response = await fetch(`${origin}/v1${path}`, {
    method,
    headers: { authorization: `Bearer ${MODERATOR}`, 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  assert.ok(response.ok, `${path}: ${response.status} ${await response.text()}`);
}

/** Texts of the elements matching `selector` in the widget. */
function texts(tab, selector) {
  return tab.evaluate(([h, s]) => [...document.querySelector(h).shadowRoot.querySelectorAll(s)]
    .map((e) => e.textContent.replace(/[\u2066-\u2069]/g, '').trim().replace(/\s+/g, ' ')), [HOST, selector]);
}

function announced(tab) {
  return tab.evaluate((h) => document.querySelector(h).shadowRoot.querySelector('[aria-live]').textContent, HOST);
}

/** The resident's own ballot, asked with the token the widget stored. */
async function ballotOf(tab, origin) {
  const token = await tab.evaluate(() => {
    const key = Object.keys(localStorage).find((k) => k.startsWith('plaza:token:v1:'));
    return key ? localStorage.getItem(key) : null;
  });
  assert.ok(token, 'the widget stored an anonymous participant');
  const response = await fetch(`${origin}/v1/polls/${POLL}/ballot`, { headers: { authorization: `Bearer ${token}` } });
  assert.equal(response.status, 200);
  assert.equal(response.headers.get('cache-control'), 'private, no-store', 'how a resident voted is never cached');
  return response.json();
}

describe('residents vote', () => {
  let browser, server, labels, localhost;
  before(async () => {
    server = await startServer(['--participant-writes-per-minute', '0', '--ip-writes-per-minute', '0',
      '--moderator-token', MODERATOR, '--live-results-min-ballots', '1', '--live-results-every-secs', '0',
      '--server-key', SERVER_KEY, '--host-secret', HOST_SECRET], {
      pages: {
        'en.html': cityPage(`<h1>Have your say</h1>${widget('lang="en"')}`),
        'ar.html': cityPage(`<h1>شارك برأيك</h1>${widget('lang="ar"')}`, { lang: 'ar' }),
        'signed-only.html': cityPage(`<h1>Have your say</h1>${widget('lang="en" sign-in-url="/login?next=vote"', 'members-only')}`),
        // A sign-in the server no longer accepts.
        'signed-expired.html': cityPage(`<h1>Have your say</h1>${widget(
          `lang="en" sign-in-url="/login?next=vote" participant-token="${'x'.repeat(20)}.${'y'.repeat(20)}.${'z'.repeat(20)}"`, 'members-only')}`),
      },
    });
    // Another origin of the same server: another device's resident.
    localhost = server.origin.replace('127.0.0.1', 'localhost');
    await moderate(server.origin, 'PUT', `/moderation/deliberations/${DELIBERATION}/phase`, { phase: 'voting' });
    await moderate(server.origin, 'PUT', `/moderation/polls/${POLL}/status`, { status: 'open' });
    const poll = await (await fetch(`${server.origin}/v1/polls/${POLL}`)).json();
    labels = poll.options.map((o) => o.label.en);
    browser = await startBrowser();
  });
  after(async () => {
    await browser?.close();
    await server?.stop();
  });

  for (const [lang, origin, words] of [
    ['en', () => server.origin, { review: /Review my ballot/, cast: /Cast my ballot/, change: /Change my ballot/, moved: /moved to rank 2 of 3/ }],
    ['ar', () => localhost, { review: /مراجعة ورقة اقتراعي/, cast: /أدلِ بصوتي/, change: /غيّر ورقة اقتراعي/, moved: /إلى الترتيب ٢ من ٣|إلى الترتيب 2 من 3/ }],
  ]) {
    it(`keyboard only (${lang}): ranks, reviews, casts and changes a ballot`, async () => {
      const tab = await open(browser.context, `${origin()}/${lang}.html`);
      await waitForReady(tab, 1);
      await tab.waitForFunction((h) => document.querySelector(h).shadowRoot.getElementById('plaza-option-0-rank'), HOST);
      assert.deepEqual(await axeViolations(tab), [], 'the ballot');
      assert.deepEqual(await overflowNarrow(tab, HOST), [], 'the ballot at 320 px with text spacing');

      // A rank chosen for three options from their lists: 1 each time, so
      // each goes first and the others make room.
      for (const option of [2, 0, 4]) {
        await tabTo(tab, (f) => f.id === `plaza-option-${option}-rank`);
        await tab.keyboard.press('ArrowDown');
        await tab.waitForFunction(([h, id]) => document.querySelector(h).shadowRoot.getElementById(id).value === '1',
          [HOST, `plaza-option-${option}-rank`]);
      }
      assert.deepEqual(await texts(tab, '.plaza-ranked-label'), [labels[4], labels[0], labels[2]]);

      // "Move down" on the first: it moves, the change is announced, focus stays on it.
      const down = await tabTo(tab, (f) => f.id === 'plaza-option-4-down');
      assert.ok(down.label.includes(labels[4]), `the control is named after its option: ${down.label}`);
      await tab.keyboard.press('Enter');
      await tab.waitForFunction(([h, l]) => document.querySelector(h).shadowRoot.querySelectorAll('.plaza-ranked-label')[1]?.textContent === l,
        [HOST, labels[4]]);
      assert.deepEqual(await texts(tab, '.plaza-ranked-label'), [labels[0], labels[4], labels[2]]);
      // Focus is put back after the next frame.
      await tab.waitForFunction(() => new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(() => r(true)))));
      assert.equal((await focused(tab)).id, 'plaza-option-4-down', 'focus stays on the moved option');
      await tab.waitForFunction(([h]) => document.querySelector(h).shadowRoot.querySelector('[aria-live]').textContent.length > 0, [HOST]);
      assert.match(await announced(tab), words.moved);

      // Review: the ranking in order, the rest unranked.
      await tabTo(tab, (f) => f.tag === 'button' && words.review.test(f.text));
      await tab.keyboard.press('Enter');
      await tab.waitForFunction((h) => document.querySelector(h).shadowRoot.activeElement?.id === 'plaza-review-heading', HOST);
      const lists = await texts(tab, '.plaza-review-list');
      assert.equal(lists.length, 2);
      for (const i of [0, 4, 2]) assert.ok(lists[0].includes(labels[i]));
      for (const i of [1, 3]) assert.ok(lists[1].includes(labels[i]));
      assert.deepEqual(await axeViolations(tab), [], 'the review');
      assert.deepEqual(await overflowNarrow(tab, HOST), [], 'the review at 320 px with text spacing');

      // Cast: the receipt with its tracker.
      await tabTo(tab, (f) => f.tag === 'button' && words.cast.test(f.text));
      await tab.keyboard.press('Enter');
      await tab.waitForFunction((h) => document.querySelector(h).shadowRoot.querySelector('.plaza-tracker'), HOST, { timeout: 20_000 });
      const [tracker] = await texts(tab, '.plaza-tracker');
      assert.ok(tracker.length >= 8, `a tracker: ${tracker}`);
      assert.deepEqual(await axeViolations(tab), [], 'the receipt');
      assert.deepEqual(await overflowNarrow(tab, HOST), [], 'the receipt at 320 px with text spacing');
      const first = await ballotOf(tab, origin());
      const ids = (await (await fetch(`${server.origin}/v1/polls/${POLL}`)).json()).options.map((o) => o.id);
      assert.deepEqual(first.ranking, [ids[0], ids[4], ids[2]]);
      assert.equal(first.receipt.tracker, tracker);

      // Coming back shows the ballot; changing it starts from it.
      await tab.reload();
      await waitForReady(tab, 1);
      await tab.waitForFunction((h) => document.querySelector(h).shadowRoot.querySelector('.plaza-tracker'), HOST);
      await tabTo(tab, (f) => f.tag === 'button' && words.change.test(f.text));
      await tab.keyboard.press('Enter');
      await tab.waitForFunction((h) => document.querySelector(h).shadowRoot.getElementById('plaza-option-2-up'), HOST);
      assert.deepEqual(await texts(tab, '.plaza-ranked-label'), [labels[0], labels[4], labels[2]]);
      await tabTo(tab, (f) => f.id === 'plaza-option-2-up');
      await tab.keyboard.press('Enter');
      await tab.waitForFunction(([h, l]) => document.querySelector(h).shadowRoot.querySelectorAll('.plaza-ranked-label')[1]?.textContent === l,
        [HOST, labels[2]]);
      await tabTo(tab, (f) => f.tag === 'button' && words.review.test(f.text));
      await tab.keyboard.press('Enter');
      await tabTo(tab, (f) => f.tag === 'button' && words.cast.test(f.text));
      await tab.keyboard.press('Enter');
      await tab.waitForFunction(([h, t]) => {
        const shown = document.querySelector(h).shadowRoot.querySelector('.plaza-tracker');
        return shown && shown.textContent !== t;
      }, [HOST, tracker], { timeout: 20_000 });
      const second = await ballotOf(tab, origin());
      assert.deepEqual(second.ranking, [ids[0], ids[2], ids[4]], 'the last ballot counts');
      assert.deepEqual(tab.errors, []);
      await tab.close();
    });
  }

  it('a ballot that waits can be given up: what counts shows again, and a change starts from it', async () => {
    const ballotPath = (url) => url.pathname === `/v1/polls/${POLL}/ballot`;
    const down = (route) => (route.request().method() === 'PUT'
      ? route.fulfill({ status: 503, contentType: 'application/problem+json',
        body: JSON.stringify({ type: 'about:blank', title: 'Down', status: 503, code: 'unavailable' }) })
      : route.continue());
    const castFirstOption = async (tab) => {
      const w = (selector) => tab.locator(`${HOST} ${selector}`);
      await w('#plaza-option-1-rank').selectOption('1');
      const ranked = await texts(tab, '.plaza-ranked-label');
      await w('button:has-text("Review my ballot")').click();
      await w('button:has-text("Cast my ballot")').click();
      await w('#plaza-receipt-heading').waitFor();
      return ranked;
    };
    const latest = (tab) => texts(tab, '.plaza-ballot > ol.plaza-review-list li');

    // A resident with a recorded ballot changes it while the server is down.
    const tab = await open(browser.context, `${server.origin}/en.html`);
    try {
      await waitForReady(tab, 1);
      const w = (selector) => tab.locator(`${HOST} ${selector}`);
      await w('.plaza-tracker').waitFor();
      const recorded = await latest(tab);
      const before = await ballotOf(tab, server.origin);
      await tab.route(ballotPath, down);
      await w('button:has-text("Change my ballot")').click();
      const changed = await castFirstOption(tab);
      assert.notDeepEqual(changed, recorded);
      assert.deepEqual(await latest(tab), changed, 'the receipt shows the change on its way');
      await w('.plaza-counting').waitFor();
      assert.deepEqual(await texts(tab, '.plaza-counting li'), recorded, 'and the ballot that counts meanwhile');
      await w('.plaza-ballot .plaza-state button:has-text("Discard")').click();
      // The change is given up: the recorded ballot shows, with its tracker.
      await w('.plaza-counting').waitFor({ state: 'detached' });
      assert.deepEqual(await latest(tab), recorded);
      assert.deepEqual(await texts(tab, '.plaza-tracker'), [before.receipt.tracker]);
      // Changing it now starts from the recorded ballot, not the given-up one.
      await w('button:has-text("Change my ballot")').click();
      await w('#plaza-rank-heading').waitFor();
      assert.deepEqual(await texts(tab, '.plaza-ranked-label'), recorded);
      assert.deepEqual((await ballotOf(tab, server.origin)).ranking, before.ranking, 'the server kept the ballot');
      assert.deepEqual(tab.errors.filter((e) => !/503/.test(e)), []);
    } finally {
      await tab.close();
    }

    // A resident whose only ballot waits gives it up: back to ranking, not
    // an empty receipt.
    const other = await startBrowser();
    try {
      const fresh = await open(other.context, `${server.origin}/en.html`);
      await waitForReady(fresh, 1);
      await fresh.route(ballotPath, down);
      await fresh.locator(`${HOST} #plaza-option-1-rank`).waitFor();
      await castFirstOption(fresh);
      await fresh.locator(`${HOST} .plaza-ballot .plaza-state button:has-text("Discard")`).click();
      await fresh.locator(`${HOST} #plaza-rank-heading`).waitFor();
      assert.equal(await fresh.locator(`${HOST} #plaza-receipt-heading`).count(), 0);
      assert.equal(await fresh.locator(`${HOST} .plaza-tracker`).count(), 0);
      const stored = await fresh.evaluate(() => Object.keys(localStorage).filter((k) => k.startsWith('plaza:outbox:v1:')));
      assert.deepEqual(stored, [], 'no longer in the outbox');
    } finally {
      await other.close();
    }
  });

  it('an expired anonymous token is renewed, and the resident keeps their ballot', async () => {
    const tab = await open(browser.context, `${server.origin}/en.html`);
    await waitForReady(tab, 1);
    await tab.waitForFunction((h) => document.querySelector(h).shadowRoot.querySelector('.plaza-tracker'), HOST);
    const [tracker] = await texts(tab, '.plaza-tracker');
    // The same participant's token, issued long ago (as the server signs them).
    const { key, token, all } = await tab.evaluate(() => {
      const key = Object.keys(localStorage).find((k) => k.startsWith('plaza:token:v1:'));
      return { key, token: localStorage.getItem(key), all: Object.keys(localStorage) };
    });
    assert.ok(token, `a stored token: ${all.join(', ')}`);
    const id = token.split('.')[1];
    const body = `anon.${id}.1000000000`;
    const mac = createHmac('sha256', Buffer.from(SERVER_KEY).toString('base64').replace(/=+$/, ''))
      .update(body).digest('base64url');
    const expired = `${body}.${mac}`;
    assert.equal((await fetch(`${server.origin}/v1/polls/${POLL}/ballot`, { headers: { authorization: `Bearer ${expired}` } })).status, 401);
    await tab.evaluate(([k, t]) => localStorage.setItem(k, t), [key, expired]);
    // Back on the page: the ballot is still theirs, under a renewed token.
    await tab.reload();
    await waitForReady(tab, 1);
    await tab.waitForFunction((h) => document.querySelector(h).shadowRoot.querySelector('.plaza-tracker'), HOST);
    await tab.waitForFunction((k) => localStorage.getItem(k), key);
    const renewed = await tab.evaluate((k) => localStorage.getItem(k), key);
    assert.notEqual(renewed, expired);
    assert.equal(renewed.split('.')[1], id, 'the same participant');
    assert.deepEqual(await texts(tab, '.plaza-tracker'), [tracker]);
    assert.deepEqual(tab.errors.filter((e) => !/401/.test(e)), []);
    await tab.close();
  });

  it('a resident the poll does not let vote is told how to take part', async () => {
    // A deliberation whose poll is for signed-in residents only.
    const seed = JSON.parse(await readFile('crates/contract/demo/plaza-demo.json', 'utf8'));
    const [entry] = seed.deliberations;
    entry.deliberation.id = 'members-only';
    entry.deliberation.current_phase = 'voting';
    entry.deliberation.poll_id = 'members-only-poll';
    entry.poll.id = 'members-only-poll';
    entry.poll.deliberation_id = 'members-only';
    entry.poll.status = 'open';
    entry.poll.eligibility = 'signed_in';
    for (const list of ['arguments', 'comments', 'proposals']) entry[list] = [];
    await moderate(server.origin, 'POST', '/moderation/import', { deliberations: [entry] });

    const tab = await open(browser.context, `${server.origin}/signed-only.html`);
    await waitForReady(tab, 1);
    await tab.waitForFunction((h) => document.querySelector(h).shadowRoot.querySelector('.plaza-not-eligible'), HOST);
    const [note] = await texts(tab, '.plaza-not-eligible');
    assert.match(note, /Only residents signed in/);
    const link = await tab.evaluate((h) => document.querySelector(h).shadowRoot.querySelector('.plaza-not-eligible a')?.getAttribute('href'), HOST);
    assert.equal(link, '/login?next=vote');
    assert.equal(await tab.evaluate((h) => document.querySelector(h).shadowRoot.querySelectorAll('.plaza-options select').length, HOST), 0,
      'no ballot that would fail on submit');
    assert.deepEqual(await axeViolations(tab), []);
    await tab.close();

    // Signed in, but the sign-in expired: the same, not an error; a new
    // sign-in brings the ballot.
    const expired = await open(browser.context, `${server.origin}/signed-expired.html`);
    await waitForReady(expired, 1);
    await expired.waitForFunction((h) => document.querySelector(h).shadowRoot.querySelector('.plaza-not-eligible'), HOST);
    assert.equal(await expired.evaluate((h) => document.querySelector(h).shadowRoot.querySelector('.plaza-vote .plaza-error'), HOST), null);
    const token = execFileSync(SERVER, ['host-token', '--resident', 'member-e2e', '--ttl', '3600'],
      { env: { ...process.env, PLAZA_HOST_SECRET: HOST_SECRET } }).toString().trim();
    await expired.evaluate(([h, t]) => document.querySelector(h).setAttribute('participant-token', t), [HOST, token]);
    await expired.waitForFunction((h) => document.querySelector(h).shadowRoot.querySelectorAll('.plaza-options select').length > 0, HOST);
    assert.equal(await expired.evaluate((h) => document.querySelector(h).shadowRoot.querySelector('.plaza-not-eligible'), HOST), null);

    // The sign-in expires while the resident casts: their ballot stays in
    // sight, kept for the next sign-in, which sends it.
    const w = (selector) => expired.locator(`${HOST} ${selector}`);
    const refusing = 'Bearer ' + ['x', 'y', 'z'].map((c) => c.repeat(20)).join('.');
    const ballotPath = (url) => url.pathname === '/v1/polls/members-only-poll/ballot';
    const refuse = (route) => route.request().method() === 'PUT'
      ? route.continue({ headers: { ...route.request().headers(), authorization: refusing } })
      : route.continue();
    await expired.route(ballotPath, refuse);
    await w('#plaza-option-1-rank').selectOption('1');
    const ranked = await texts(expired, '.plaza-ranked-label');
    assert.equal(ranked.length, 1);
    await w('button:has-text("Review my ballot")').click();
    await w('button:has-text("Cast my ballot")').click();
    await w('.plaza-not-eligible').waitFor();
    await w('.plaza-waiting-ballot .plaza-state:has-text("sign in again")').waitFor();
    const [waiting] = await texts(expired, '.plaza-waiting-ballot');
    assert.match(waiting, /kept on this device/);
    assert.deepEqual(await texts(expired, '.plaza-waiting-ballot li'), ranked);
    assert.equal(await w('.plaza-waiting-ballot button:has-text("Discard")').count(), 1, 'the resident may give it up');
    assert.deepEqual(await axeViolations(expired), []);
    await expired.unroute(ballotPath, refuse);
    // Another token for the same resident (one minted with the same
    // lifetime in the same minute would be the same token).
    const again = execFileSync(SERVER, ['host-token', '--resident', 'member-e2e', '--ttl', '7200'],
      { env: { ...process.env, PLAZA_HOST_SECRET: HOST_SECRET } }).toString().trim();
    assert.notEqual(again, token);
    await expired.evaluate(([h, t]) => document.querySelector(h).setAttribute('participant-token', t), [HOST, again]);
    await w('.plaza-tracker').waitFor({ timeout: 20_000 });
    assert.equal(await w('.plaza-waiting-ballot').count(), 0);
    const held = await fetch(`${server.origin}/v1/polls/members-only-poll/ballot`, { headers: { authorization: `Bearer ${again}` } });
    assert.equal(held.status, 200);
    const option = (await (await fetch(`${server.origin}/v1/polls/members-only-poll`)).json()).options[1].id;
    assert.deepEqual((await held.json()).ranking, [option]);
    await expired.close();
  });

  it('after the close: results as a table, a chart per round and sentences that match the count', async () => {
    // Other residents' ballots, so that the count takes several rounds with
    // transfers and exhausted ballots (with the two above: o0 6, o1 3, o2 3,
    // o3 2, o4 1 in the first round).
    const ids = (await (await fetch(`${server.origin}/v1/polls/${POLL}`)).json()).options.map((o) => o.id);
    const others = [[4, [0, 1]], [3, [1, 0]], [3, [2, 1]], [2, [3, 2]], [1, [4]]];
    for (const [times, ranking] of others) {
      for (let i = 0; i < times; i++) {
        const { token } = await (await fetch(`${server.origin}/v1/participants`, { method: 'POST' })).json();
        const cast = await fetch(`${server.origin}/v1/polls/${POLL}/ballot`, {
          method: 'PUT',
          headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json', 'idempotency-key': crypto.randomUUID() },
          body: JSON.stringify({ ranking: ranking.map((r) => ids[r]) }),
        });
        assert.equal(cast.status, 200, await cast.text());
      }
    }
    await moderate(server.origin, 'PUT', `/moderation/polls/${POLL}/status`, { status: 'closed' });
    const results = await (await fetch(`${server.origin}/v1/polls/${POLL}/results`)).json();
    assert.equal(results.final, true);
    const tab = await open(browser.context, `${server.origin}/en.html`);
    await waitForReady(tab, 1);
    await tab.waitForFunction((h) => document.querySelector(h).shadowRoot.querySelector('.plaza-rounds-table'), HOST);
    const poll = await (await fetch(`${server.origin}/v1/polls/${POLL}`)).json();
    const label = (id) => poll.options.find((o) => o.id === id).label.en;
    const [winners] = await texts(tab, '.plaza-winners');
    assert.equal(winners, `Winner: ${results.winners.map(label).join(', ')}`);
    // The table: one column per round, each option's votes as counted.
    const table = await tab.evaluate((h) => [...document.querySelector(h).shadowRoot.querySelectorAll('.plaza-rounds-table tbody tr')]
      .map((tr) => [...tr.children].map((c) => c.firstChild?.textContent?.trim() ?? '')), HOST);
    for (const [i, option] of poll.options.entries()) {
      assert.equal(table[i][0], option.label.en);
      results.rounds.forEach((round, r) => {
        const votes = round.tally[option.id];
        if (votes !== undefined) assert.equal(table[i][r + 1], Number(votes).toLocaleString('en'), `${option.id} round ${r + 1}`);
      });
    }
    // A chart and an account per round; the account names who went out.
    assert.equal((await texts(tab, 'svg.plaza-chart')).length, results.rounds.length);
    const account = await texts(tab, '.plaza-round figcaption');
    const rawAccount = await tab.evaluate((h) => [...document.querySelector(h).shadowRoot.querySelectorAll('.plaza-round figcaption')]
      .map((e) => e.textContent), HOST);
    assert.equal(account.length, results.rounds.length);
    assert.ok(results.rounds.length >= 3, `several rounds: ${JSON.stringify(results.rounds)}`);
    results.rounds.forEach((round, r) => {
      for (const id of round.eliminated) assert.match(account[r], new RegExp(`${label(id)}.*eliminated`));
      for (const id of round.elected) assert.match(account[r], new RegExp(`${label(id)} (reached|was elected)`));
      // Each label isolated in its sentence: a label in another script does not reorder it.
      for (const id of [...round.elected, ...round.eliminated]) {
        assert.ok(rawAccount[r].includes(`\u2068${label(id)}\u2069`), `${id} isolated: ${rawAccount[r]}`);
      }
      for (const [from, moved] of Object.entries(round.transfers ?? {})) {
        for (const [to, votes] of Object.entries(moved)) {
          if (Number(votes) === 0) continue;
          const where = to === 'exhausted' ? `${votes} exhausted` : to === 'residual_surplus' ? `${votes} lost` : `${votes} to ${label(to)}`;
          assert.ok(account[r].includes(where), `round ${r + 1} says where ${from}'s ballots went (${where}): ${account[r]}`);
        }
      }
    });
    // The first round of this count, in words.
    assert.match(account[0], new RegExp(`${label(ids[4])} had the fewest votes \\(1\\) and was eliminated\\. Its ballots moved: 1 exhausted`));
    assert.deepEqual(await axeViolations(tab), [], 'the results');
    assert.deepEqual(await overflowNarrow(tab, HOST), [], 'the results at 320 px with text spacing');

    // Check the count: the published ballots re-counted in this browser agree, round by round.
    await tabTo(tab, (f) => f.tag === 'button' && /Re-count the ballots/.test(f.text));
    await tab.keyboard.press('Enter');
    await tab.waitForFunction((h) => /every round/.test(document.querySelector(h).shadowRoot.querySelector('.plaza-verify-outcome').textContent), HOST);
    const verdicts = await texts(tab, '.plaza-verify-outcome li');
    assert.deepEqual(verdicts, results.rounds.map((r) => `Round ${r.round}: the same as published.`));
    // The downloads are the server's export, as JSON and as CDF.
    const links = await tab.evaluate((h) => [...document.querySelector(h).shadowRoot.querySelectorAll('.plaza-downloads a')].map((a) => a.href), HOST);
    assert.equal(links.length, 2);
    const exported = await (await fetch(links[0])).json();
    assert.equal(exported.ballots.reduce((n, b) => n + b.count, 0), Number(results.total_ballots));
    const cdf = await fetch(links[1]);
    assert.equal(cdf.status, 200);
    assert.match(await cdf.text(), /CastVoteRecordReport|CVR/);
    // The English resident finds their own ballot by its tracker, which
    // the request never carries: in a poll this small it asks for every
    // ballot (a large one asks for those starting like it, a crowd).
    await tabTo(tab, (f) => f.tag === 'button' && /Find my ballot/.test(f.text));
    const lookup = tab.waitForResponse((r) => /\/ballots\?format=cdf/.test(r.url()));
    await tab.keyboard.press('Enter');
    const looked = await lookup;
    assert.doesNotMatch(looked.url(), /tracker/);
    assert.equal((await looked.json()).CVR.length, Number(results.total_ballots));
    await tab.waitForFunction((h) => /as you cast it/.test(document.querySelector(h).shadowRoot.querySelector('.plaza-find-outcome').textContent), HOST);
    const [found] = await texts(tab, '.plaza-find-outcome');
    assert.equal(found, `Your ballot is there, as you cast it: ${[0, 2, 4].map((i) => poll.options[i].label.en).join(', ')}.`);
    assert.deepEqual(await axeViolations(tab), [], 'the re-count');
    assert.deepEqual(await overflowNarrow(tab, HOST), [], 'the re-count at 320 px with text spacing');
    assert.deepEqual(tab.errors, []);
    const { receipt, ranking: cast } = await ballotOf(tab, server.origin);
    const tokens = await tab.evaluate(() => Object.entries(localStorage).filter(([k]) => k.startsWith('plaza:token')));
    await tab.close();

    // Ballots that are not those counted: the re-count says so, and in which rounds.
    const tampered = await open(browser.context, `${server.origin}/en.html`);
    await tampered.route('**/v1/polls/*/ballots*', async (route) => {
      const real = await (await route.fetch()).json();
      real.ballots[0].count += 5;
      await route.fulfill({ status: 200, contentType: 'application/json', body: JSON.stringify(real) });
    });
    await waitForReady(tampered, 1);
    await tampered.waitForFunction((h) => document.querySelector(h).shadowRoot.querySelector('.plaza-verify button'), HOST);
    await tampered.evaluate((h) => document.querySelector(h).shadowRoot.querySelector('.plaza-verify button').click(), HOST);
    await tampered.waitForFunction((h) => /does not give/.test(document.querySelector(h).shadowRoot.querySelector('.plaza-verify-outcome').textContent), HOST);
    assert.ok((await texts(tampered, '.plaza-verify-outcome li.plaza-differs')).length >= 1);
    await tampered.close();

    // Signed in as the same resident on a device that did not cast the
    // ballot (here: this one, what it cast and its outbox forgotten): the published ballot
    // is compared with the server's record, and the resident is told so.
    const recorded = await open(browser.context, `${server.origin}/en.html`, {
      init: () => { for (const k of Object.keys(localStorage)) if (/^plaza:(mine|outbox):/.test(k)) localStorage.removeItem(k); },
    });
    try {
      await waitForReady(recorded, 1);
      await recorded.waitForFunction((h) => [...document.querySelector(h).shadowRoot.querySelectorAll('.plaza-verify button')]
        .some((b) => /Find my ballot/.test(b.textContent)), HOST);
      await recorded.evaluate((h) => [...document.querySelector(h).shadowRoot.querySelectorAll('.plaza-verify button')]
        .find((b) => /Find my ballot/.test(b.textContent)).click(), HOST);
      await recorded.waitForFunction((h) => /server recorded/.test(document.querySelector(h).shadowRoot.querySelector('.plaza-find-outcome').textContent), HOST);
      const [said] = await texts(recorded, '.plaza-find-outcome');
      assert.match(said, new RegExp(`^Your ballot is there, ranking what the server recorded for you: ${[0, 2, 4].map((i) => poll.options[i].label.en).join(', ')}\\. This device has no record of sending that ranking`));
      assert.deepEqual(recorded.errors, []);
    } finally {
      await recorded.close();
    }

    // On a device that does not know the ballot (here: this one, its
    // participant forgotten), the resident types the tracker the receipt
    // showed, keyboard only, in lower case and without its dashes: the same
    // ballot is found.
    const elsewhere = await open(browser.context, `${server.origin}/en.html`, {
      init: () => { for (const k of Object.keys(localStorage)) if (k.startsWith('plaza:token')) localStorage.removeItem(k); },
    });
    try {
      await waitForReady(elsewhere, 1);
      await elsewhere.waitForFunction((h) => document.querySelector(h).shadowRoot.querySelector('#plaza-find-tracker'), HOST);
      assert.equal(await elsewhere.evaluate((h) => [...document.querySelector(h).shadowRoot.querySelectorAll('.plaza-verify button')]
        .some((b) => /Find my ballot/.test(b.textContent)), HOST), false, 'no ballot of its own to find');
      await tabTo(elsewhere, (f) => f.tag === 'input' && f.id === 'plaza-find-tracker');
      await elsewhere.keyboard.type('not a tracker!');
      await elsewhere.keyboard.press('Enter');
      await elsewhere.waitForFunction((h) => !document.querySelector(h).shadowRoot.querySelector('#plaza-find-tracker-error').hidden, HOST);
      assert.equal((await focused(elsewhere)).id, 'plaza-find-tracker', 'focus stays in the field');
      assert.equal(await elsewhere.evaluate((h) => document.querySelector(h).shadowRoot.querySelector('#plaza-find-tracker').getAttribute('aria-invalid'), HOST), 'true');
      assert.deepEqual(await axeViolations(elsewhere), [], 'a tracker typed wrong');
      await elsewhere.keyboard.press('Control+A');
      await elsewhere.keyboard.type(receipt.tracker.toLowerCase().replaceAll('-', ''));
      await elsewhere.keyboard.press('Enter');
      await elsewhere.waitForFunction((h) => /among the published ones/.test(document.querySelector(h).shadowRoot.querySelector('.plaza-find-outcome').textContent), HOST);
      const [typed] = await texts(elsewhere, '.plaza-find-outcome');
      assert.equal(typed, `A ballot with this tracker is among the published ones. It ranks: ${cast.map(label).join(', ')}.`);
      // A tracker no ballot has (focus stayed in the field).
      assert.equal((await focused(elsewhere)).id, 'plaza-find-tracker');
      await elsewhere.keyboard.press('Control+A');
      await elsewhere.keyboard.type('ZZZZ-ZZZZ-ZZZZ');
      await elsewhere.keyboard.press('Enter');
      await elsewhere.waitForFunction((h) => /No published ballot/.test(document.querySelector(h).shadowRoot.querySelector('.plaza-find-outcome').textContent), HOST);
      assert.deepEqual(await axeViolations(elsewhere), [], 'a typed tracker found and not found');
      assert.deepEqual(await overflowNarrow(elsewhere, HOST), [], 'a typed tracker at 320 px with text spacing');
      assert.deepEqual(elsewhere.errors, []);
    } finally {
      await elsewhere.evaluate((saved) => { for (const [k, v] of saved) localStorage.setItem(k, v); }, tokens);
      await elsewhere.close();
    }
  });

  it('a hostile results answer shows an error, not a broken widget', async () => {
    const tab = await browser.context.newPage();
    tab.errors = [];
    tab.on('pageerror', (e) => tab.errors.push(e.message));
    await tab.route('**/v1/polls/*/results', (route) => route.fulfill({
      status: 200,
      contentType: 'application/json',
      body: JSON.stringify({
        poll_id: POLL, final: true, counted_at: '2027-01-11T00:00:00Z', total_ballots: '3', winners: ['<img src=x onerror=alert(1)>'],
        rounds: [{ round: 1, tally: { '<img src=x onerror=alert(1)>': '3' }, threshold: '2',
          inactive: { exhausted_choices: '0', overvotes: '0', skipped_rankings: '0', repeated_rankings: '0' },
          elected: ['<img src=x onerror=alert(1)>'], eliminated: [], transfers: {} }],
      }),
    }));
    await tab.goto(`${server.origin}/en.html`);
    await tab.waitForFunction((h) => document.querySelector(h)?.shadowRoot?.querySelector('.plaza-vote .plaza-error'), HOST, { timeout: 20_000 });
    const [error] = await texts(tab, '.plaza-vote .plaza-error');
    assert.match(error, /cannot read/);
    assert.equal(await tab.evaluate((h) => document.querySelector(h).shadowRoot.querySelectorAll('img[src="x"]').length, HOST), 0);
    // The rest of the widget still works.
    assert.ok((await texts(tab, '.plaza-argument')).length > 0);
    assert.deepEqual(tab.errors, []);
    await tab.close();
  });

  it('fractional counts (STV) are written as the reader\'s language writes numbers, every digit kept', async () => {
    const ids = (await (await fetch(`${server.origin}/v1/polls/${POLL}`)).json()).options.map((o) => o.id);
    const tab = await browser.context.newPage();
    tab.errors = [];
    tab.on('pageerror', (e) => tab.errors.push(e.message));
    // Every ballot accounted for (the widget checks it): 3000 in all.
    const inactive = { exhausted_choices: '0.5015432109877', overvotes: '0', skipped_rankings: '0', repeated_rankings: '0' };
    await tab.route('**/v1/polls/*/results', (route) => route.fulfill({
      status: 200,
      contentType: 'application/json',
      body: JSON.stringify({
        poll_id: POLL, final: true, counted_at: '2027-01-11T00:00:00Z', total_ballots: '3000', winners: [ids[1]],
        rounds: [{ round: 1, tally: { [ids[0]]: '1204.375', [ids[1]]: '1795.1234567890123' }, threshold: '1000.5',
          inactive, elected: [ids[1]], eliminated: [], transfers: {} }],
      }),
    }));
    await tab.goto(`${server.origin}/en.html`);
    await tab.waitForFunction((h) => document.querySelector(h)?.shadowRoot?.querySelector('.plaza-rounds-table'), HOST, { timeout: 20_000 });
    const cells = await tab.evaluate((h) => [...document.querySelector(h).shadowRoot.querySelectorAll('.plaza-rounds-table tbody td')]
      .map((c) => c.firstChild?.textContent?.trim() ?? ''), HOST);
    // Grouped as English writes numbers (it was "1204.375"), no digit lost.
    assert.ok(cells.includes('1,204.375'), cells.join(' | '));
    assert.ok(cells.includes('1,795.1234567890123'), cells.join(' | '));
    assert.deepEqual(tab.errors, []);
    await tab.close();
  });
});
