// City staff run a deliberation from the staff console (<plaza-console>),
// on the reference server with the release build, keyboard only: they open
// a deliberation, moderate a flagged argument with a reason, decline a
// resident's proposal with a reason, move the
// phase, close the poll after a confirmation; every action is in
// the moderation log with who did it and why, and residents see it in the
// public log. axe finds nothing on any screen, in English and Arabic; a
// resident's page downloads none of the console.

import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { startBrowser, open } from './support/browser.mjs';
import { startServer, call, hostToken } from './support/server.mjs';
import { focused, tabTo, axeViolations } from './support/keyboard.mjs';

const SECRET = 'e2e-console-host-secret-of-enough-length-0123';
const DELIBERATION = 'rue-des-lilas';
const POLL = 'rue-des-lilas-design';
const ABUSE = 'Everyone who wants this plaza is an idiot and should move away.';

const token = (who, { staff = true } = {}) => hostToken(SECRET, who, { staff });

const consolePage = (attrs, lang = 'en') => `<!doctype html><html lang="${lang}"><head><meta charset="utf-8">
<title>Staff</title><link rel="icon" href="data:,"></head>
<body><main><plaza-console api="/v1" ${attrs}></plaza-console></main>
<script type="module" src="/plaza-console.js"></script></body></html>`;


const resident = async (origin) => (await call(origin, 'POST', '/participants')).token;

/**
 * Puts first in the staff's moderation log, as the server answers it to
 * `tab`, an entry of a kind newer than this console (a merge), at `at`.
 */
const withLogEntry = (tab, { id, at }) => tab.route((url) => url.pathname === '/v1/moderation/log', async (route) => {
  const answer = await route.fetch();
  const page = await answer.json();
  page.items.unshift({ id, at, deliberation_id: DELIBERATION, change: { merge: { into: 'elsewhere' } }, staff: 'staff:amal' });
  await route.fulfill({ response: answer, json: page });
});

/** The console's shadow root, for reading what it shows. */
const inConsole = (tab, selector) => tab.locator(`plaza-console ${selector}`);

describe('the staff console', () => {
  let browser, server, argument;
  before(async () => {
    server = await startServer([
      '--host-secret', SECRET, '--flag-threshold', '2', '--flag-trust-after-hours', '0',
      '--participant-writes-per-minute', '0', '--ip-writes-per-minute', '0',
    ], {
      pages: {
        'console-ar.html': consolePage(`lang="ar" token="${token('amal@saint-aubin.example')}"`, 'ar'),
        'console-none.html': consolePage('token=""'),
        'console-gb.html': consolePage(`lang="en-GB" token="${token('amal@saint-aubin.example')}"`, 'en-GB'),
        'console-resident.html': consolePage(`lang="en" token="${token('resident-42', { staff: false })}"`),
      },
    });
    browser = await startBrowser();
    // A resident posts an abusive argument; two others flag it, which
    // holds it until staff review it.
    const author = await resident(server.origin);
    argument = await call(server.origin, 'POST', `/deliberations/${DELIBERATION}/arguments`, {
      token: author, body: { stance: 'against', text: ABUSE, lang: 'en' },
    });
    // Seven residents vote, so that the report has rounds to tell.
    for (const ranking of [['full-plaza', 'seasonal'], ['full-plaza'], ['full-plaza'], ['shared-street', 'seasonal'],
      ['shared-street'], ['seasonal', 'full-plaza'], ['status-quo']]) {
      await call(server.origin, 'PUT', `/polls/${POLL}/ballot`, { token: await resident(server.origin), body: { ranking } });
    }
    // Residents the city's site signed in: their flags count at once.
    for (let i = 0; i < 2; i++) {
      await call(server.origin, 'POST', '/flags', {
        token: token(`flagger-${i}`, { staff: false }),
        body: { target_type: 'argument', target_id: argument.id, reason: 'abuse' },
      });
    }
  });
  after(async () => {
    await browser?.close();
    await server?.stop();
  });

  it('runs a deliberation keyboard only, and every action is logged with who and why', async () => {
    const tab = await open(browser.context, `${server.origin}/console/`);
    await inConsole(tab, 'h1').filter({ hasText: 'Deliberations' }).waitFor();
    assert.match(await inConsole(tab, '.console-who').textContent(), /Signed in as demo-planner/);
    assert.deepEqual(await axeViolations(tab), [], 'list screen');

    // Open the deliberation: the reader lands on its title.
    await tabTo(tab, (f) => f.tag === 'button' && f.text.startsWith('Run “'));
    await tab.keyboard.press('Enter');
    await tab.waitForFunction(() => {
      const root = document.querySelector('plaza-console').shadowRoot;
      return root.activeElement?.id === 'console-run-heading';
    });
    await inConsole(tab, '.console-queue').waitFor();
    await inConsole(tab, '.console-log, .console-panel:has(#console-log-heading) p').first().waitFor();
    assert.deepEqual(await axeViolations(tab), [], 'run screen');

    // The held argument is in the queue with its text and flags.
    const card = inConsole(tab, '.console-queue li').filter({ hasText: ABUSE });
    assert.match(await card.textContent(), /Hidden until reviewed · Flags: 2/);

    // Hiding without a reason is refused next to the field, and focus goes there.
    await tabTo(tab, (f) => f.tag === 'button' && f.text === 'Hide');
    await tab.keyboard.press('Enter');
    const now = await focused(tab);
    assert.equal(now.tag, 'select');
    assert.match(await card.locator('.console-field-error').textContent(), /Choose a reason first/);
    assert.equal(await card.locator('select').getAttribute('aria-invalid'), 'true');
    // Pick "Abusive or hateful" with the arrow key, then hide.
    await tab.keyboard.press('ArrowDown');
    assert.equal(await card.locator('select').inputValue(), 'abuse');
    await tabTo(tab, (f) => f.tag === 'button' && f.text === 'Hide');
    await tab.keyboard.press('Enter');
    await card.locator('.console-meta').filter({ hasText: 'Hidden by staff' }).waitFor();
    assert.equal((await focused(tab)).className, 'console-meta');
    assert.match(await inConsole(tab, '.console-panel:has(#console-queue-heading) .console-outcome').textContent(),
      /Argument is now: Hidden by staff/);
    // Residents no longer read it.
    const list = await call(server.origin, 'GET', `/deliberations/${DELIBERATION}/arguments?limit=100`);
    assert.ok(!list.items.some((a) => a.text === ABUSE), 'the hidden argument is not listed');

    // The demo's proposal: declining needs a reason, which residents then read.
    const proposal = inConsole(tab, '.console-card').filter({ hasText: 'Plaza with a delivery lane along the shops' });
    await tabTo(tab, (f) => f.tag === 'button' && f.text === 'Decline');
    await tab.keyboard.press('Enter');
    assert.equal((await focused(tab)).tag, 'select');
    assert.match(await proposal.locator('.console-field-error').textContent(), /Choose a reason first/);
    await tab.keyboard.press('ArrowDown');
    await tabTo(tab, (f) => f.tag === 'button' && f.text === 'Decline');
    await tab.keyboard.press('Enter');
    await proposal.locator('.console-meta').filter({ hasText: 'Declined' }).waitFor();
    const proposals = await call(server.origin, 'GET', `/deliberations/${DELIBERATION}/proposals`);
    assert.equal(proposals.items[0].decision, 'declined');

    // Move to the voting phase.
    await tabTo(tab, (f) => f.tag === 'button' && f.text === 'Move to Voting');
    await tab.keyboard.press('Enter');
    await inConsole(tab, 'p').filter({ hasText: 'Current phase: Voting' }).waitFor();
    assert.equal((await call(server.origin, 'GET', `/deliberations/${DELIBERATION}`)).current_phase, 'voting');

    // The demo's poll is open; closing it asks first, saying what happens.
    assert.match(await inConsole(tab, '#console-poll-heading ~ p[tabindex]').textContent(), /The poll is open\./);
    await tabTo(tab, (f) => f.tag === 'button' && f.text === 'Close the poll');
    await tab.keyboard.press('Enter');
    assert.match((await focused(tab)).text, /cannot be opened again/);
    assert.deepEqual(await axeViolations(tab), [], 'confirmation');
    // Cancel goes back to the button, and nothing changed.
    await tabTo(tab, (f) => f.tag === 'button' && f.text === 'Cancel');
    await tab.keyboard.press('Enter');
    await tab.waitForFunction(() => document.querySelector('plaza-console').shadowRoot.activeElement?.textContent === 'Close the poll');
    assert.equal((await call(server.origin, 'GET', `/polls/${POLL}`)).status, 'open');
    await tab.keyboard.press('Enter');
    await tabTo(tab, (f) => f.tag === 'button' && f.text === 'Yes, close the poll');
    await tab.keyboard.press('Enter');
    await tab.waitForFunction(() => document.querySelector('plaza-console').shadowRoot.activeElement?.textContent === 'The poll is closed.');
    assert.equal((await call(server.origin, 'GET', `/polls/${POLL}`)).status, 'closed');
    // A closed poll offers nothing more.
    assert.equal(await inConsole(tab, 'button').filter({ hasText: /the poll$/ }).count(), 0);

    // The log says who did what and why, newest first.
    await inConsole(tab, '.console-log tbody tr').nth(3).waitFor();
    const rows = await inConsole(tab, '.console-log tbody tr').evaluateAll((trs) =>
      trs.map((tr) => [...tr.querySelectorAll('td')].slice(1).map((td) => td.textContent)));
    const declined = proposals.items[0].id;
    assert.deepEqual(rows.slice(0, 4), [
      ['demo-planner', 'Poll closed', '—'],
      ['demo-planner', 'Moved to the Voting phase', '—'],
      ['demo-planner', `Proposal ${declined}: declined (It cannot be done)`, '—'],
      ['demo-planner', `Argument ${argument.id}: Hidden by staff`, 'Abusive or hateful'],
    ]);

    // The report for the council, once the final count is published.
    for (let i = 0; i < 100; i++) {
      const r = await fetch(`${server.origin}/v1/polls/${POLL}/results`);
      if (r.ok && (await r.json()).final) break;
      await new Promise((ok) => setTimeout(ok, 100));
    }
    await tabTo(tab, (f) => f.tag === 'button' && f.text === 'Report for the council');
    await tab.keyboard.press('Enter');
    await tab.waitForFunction(() => document.querySelector('plaza-console').shadowRoot.activeElement?.id === 'console-report-heading');
    const report = await inConsole(tab, '.console-report').textContent();
    assert.match(report, /Report: Rue des Lilas/);
    assert.match(report, /Elected: Full pedestrian plaza/);
    assert.match(report, /Round 1/);
    assert.match(report, /Eliminated, with the fewest votes: /);
    assert.match(report, /Hidden \(Abusive or hateful\): 1/);
    assert.match(report, /Phase changes: 1 · Poll changes: 1/);
    assert.match(report, /Plaza with a delivery lane along the shops.*Declined/s);
    assert.ok(!report.includes(ABUSE), 'the report does not quote hidden text');
    // Participation by day as the backend counts it, replies and ballots
    // included (the seven ballots of this test, the abusive argument too).
    const activity = await call(server.origin, 'GET', `/moderation/deliberations/${DELIBERATION}/activity`, { token: token('demo-planner') });
    const byDay = await inConsole(tab, '.console-panel:has(#report-participation) tbody tr').evaluateAll((trs) =>
      trs.map((tr) => [...tr.querySelectorAll('td')].map((td) => Number(td.textContent))));
    assert.deepEqual(byDay, activity.days.map((d) => [d.arguments_for, d.arguments_against, d.replies, d.proposals, d.ballots]));
    assert.ok(activity.days.reduce((n, d) => n + d.ballots, 0) >= 7);
    assert.ok(activity.days.reduce((n, d) => n + d.arguments_against, 0) >= 1);
    assert.deepEqual(await axeViolations(tab), [], 'report');
    // The CSV, downloaded with the keyboard: every public argument, none hidden.
    await tabTo(tab, (f) => f.tag === 'a' && f.text === 'Arguments and proposals (CSV)');
    const [download] = await Promise.all([tab.waitForEvent('download'), tab.keyboard.press('Enter')]);
    assert.equal(download.suggestedFilename(), `plaza-report-${DELIBERATION}.csv`);
    const csv = await readFile(await download.path(), 'utf8');
    const publicArguments = await call(server.origin, 'GET', `/deliberations/${DELIBERATION}/arguments?limit=100`);
    assert.equal(csv.split('\r\n').filter((l) => l.startsWith('argument,')).length, publicArguments.items.length);
    assert.ok(!csv.includes(ABUSE));
    // On paper: no buttons or links, the content only.
    await tab.emulateMedia({ media: 'print' });
    assert.equal(await inConsole(tab, '.console-report > .console-actions').evaluate((el) => getComputedStyle(el).display), 'none');
    const pdf = await tab.pdf({ format: 'A4' });
    assert.ok(pdf.length > 10_000, `a printed report (${pdf.length} bytes)`);
    await tab.emulateMedia({ media: 'screen' });

    // Residents see what was done and why, never who, nor the hidden text.
    const published = await call(server.origin, 'GET', `/deliberations/${DELIBERATION}/moderation`);
    const hidden = published.items.find((e) => e.change.content);
    assert.equal(hidden.reason, 'abuse');
    assert.equal(hidden.staff, undefined);
    assert.ok(!JSON.stringify(published).includes('idiot'));
    assert.deepEqual(tab.errors, []);
    await tab.close();
  });

  it('works in Arabic, right to left, for a staff member the city signed in', async () => {
    const tab = await open(browser.context, 'about:blank');
    // An entry of a kind newer than this console (a server upgraded while
    // the console's files are still cached) keeps its row and its date.
    await withLogEntry(tab, { id: 'm-future', at: '2026-11-30T10:00:00Z' });
    await tab.goto(`${server.origin}/console-ar.html`);
    await inConsole(tab, 'h1').filter({ hasText: 'المشاورات' }).waitFor();
    assert.equal(await inConsole(tab, '.console').getAttribute('dir'), 'rtl');
    assert.match(await inConsole(tab, '.console-who').textContent(), /amal@saint-aubin\.example/);
    assert.deepEqual(await axeViolations(tab), [], 'list screen in Arabic');
    await tabTo(tab, (f) => f.tag === 'button' && f.text.startsWith('إدارة'));
    await tab.keyboard.press('Enter');
    await inConsole(tab, '#console-log-heading').waitFor();
    await inConsole(tab, '#console-log-heading').waitFor();
    await inConsole(tab, '.console-log tbody tr').first().waitFor();
    const rows = await inConsole(tab, '.console-log tbody tr').evaluateAll((trs) =>
      trs.map((tr) => [...tr.querySelectorAll('td')].map((td) => td.textContent)));
    assert.ok(rows.length >= 2, 'the rest of the log shows too');
    assert.equal(await inConsole(tab, '.console-log tbody tr time').first().getAttribute('datetime'), '2026-11-30T10:00:00Z');
    assert.notEqual(rows[0][0], '');
    assert.deepEqual(rows[0].slice(1), ['—', 'تغيير لا تستطيع هذه النسخة من لوحة الموظفين وصفه (خادم أحدث)', '—']);
    assert.deepEqual(await axeViolations(tab), [], 'run screen in Arabic');
    assert.deepEqual(tab.errors, []);
    await tab.close();
  });

  it("writes dates and numbers in the reader's region of the language", async () => {
    const tab = await open(browser.context, 'about:blank');
    await withLogEntry(tab, { id: 'm-dated', at: '2026-11-30T12:00:00Z' });
    // A deliberation with thousands of participants.
    await tab.route((url) => url.pathname === `/v1/deliberations/${DELIBERATION}`, async (route) => {
      const answer = await route.fetch();
      const d = await answer.json();
      await route.fulfill({ response: answer, json: { ...d, counts: { ...d.counts, participants: 12040 } } });
    });
    await tab.goto(`${server.origin}/console-gb.html`);
    await tabTo(tab, (f) => f.tag === 'button' && f.text.startsWith('Run “'));
    await tab.keyboard.press('Enter');
    const first = inConsole(tab, '.console-log tbody tr time').first();
    await first.waitFor();
    // British English puts the day first ("30 Nov 2026"), where the
    // language's own tag would write the American "Nov 30, 2026".
    assert.match(await first.textContent(), /^30 Nov 2026\b/);
    assert.equal(await inConsole(tab, '.console').getAttribute('lang'), 'en');
    // Numbers too, in the report.
    await tabTo(tab, (f) => f.tag === 'button' && f.text === 'Report for the council');
    await tab.keyboard.press('Enter');
    await tab.waitForFunction(() => document.querySelector('plaza-console').shadowRoot.activeElement?.id === 'console-report-heading');
    assert.match(await inConsole(tab, '.console-report').textContent(), /12,040 participants/);
    // (Run alone, before the poll closes, its results are refused: the
    // browser logs that itself.)
    assert.deepEqual(tab.errors.filter((e) => !e.startsWith('Failed to load resource')), []);
    await tab.close();
  });

  it('reports from a backend that does not count participation by day', async () => {
    const tab = await open(browser.context, `${server.origin}/console/`);
    // A backend written before getActivity answers its route with 404.
    await tab.route('**/activity', (route) => route.fulfill({
      status: 404, contentType: 'application/problem+json', body: '{"type":"about:blank","title":"Not found","status":404,"code":"not_found"}',
    }));
    await tabTo(tab, (f) => f.tag === 'button' && f.text.startsWith('Run “'));
    await tab.keyboard.press('Enter');
    await tabTo(tab, (f) => f.tag === 'button' && f.text === 'Report for the council');
    await tab.keyboard.press('Enter');
    await tab.waitForFunction(() => document.querySelector('plaza-console').shadowRoot.activeElement?.id === 'console-report-heading');
    const report = await inConsole(tab, '.console-report').textContent();
    assert.match(report, /Report: Rue des Lilas/);
    assert.match(report, /This server does not count participation by day\./);
    assert.match(report, /Arguments for and against/);
    assert.equal(await inConsole(tab, '.console-panel:has(#report-participation) table').count(), 0);
    assert.deepEqual(await axeViolations(tab), [], 'report without activity');
    // Only the browser's own line for the refused request.
    assert.deepEqual(tab.errors, ['Failed to load resource: the server responded with a status of 404 (Not Found)']);
    await tab.close();
  });

  it('tells a page without a staff sign-in what to do, and does not take a resident for staff', async () => {
    const none = await open(browser.context, `${server.origin}/console-none.html`);
    const alert = inConsole(none, '[role="alert"]');
    await alert.waitFor();
    assert.match(await alert.textContent(), /needs a staff sign-in/);
    await none.close();

    const tab = await open(browser.context, `${server.origin}/console-resident.html`);
    await tabTo(tab, (f) => f.tag === 'button' && f.text.startsWith('Run “'));
    await tab.keyboard.press('Enter');
    const refused = inConsole(tab, '.console-panel:has(#console-queue-heading) [role="alert"]');
    await refused.waitFor();
    assert.match(await refused.textContent(), /Your sign-in was not accepted/);
    assert.equal(await inConsole(tab, '.console-queue').count(), 0);
    await tab.close();
  });

  it("is not downloaded by a resident's page", async () => {
    const tab = await browser.context.newPage();
    const asked = [];
    tab.on('request', (r) => asked.push(new URL(r.url()).pathname));
    await tab.goto(`${server.origin}/`);
    await tab.waitForFunction(() => document.querySelector('plaza-deliberation')?.shadowRoot?.querySelector('h2'));
    await tab.waitForLoadState('networkidle');
    assert.ok(asked.some((p) => p.endsWith('/plaza.js')), `the widget was loaded: ${asked}`);
    assert.deepEqual(asked.filter((p) => p.includes('console')), []);
    await tab.close();
  });
});
