// City staff set up a deliberation from the staff console, keyboard only,
// on the reference server: every problem is said next to its field and
// listed above the form; a deliberation with a poll in two languages is
// previewed by the widget before it is published, created, shown by the
// widget itself as residents will see it, a
// resident's proposal accepted onto its ballot, and its poll opened; once residents voted, the options cannot change, and the
// console says why. axe finds nothing, in English and in Arabic at 320 px.

import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startBrowser, open } from './support/browser.mjs';
import { startServer, call, hostToken } from './support/server.mjs';
import { focused, tabTo, axeViolations } from './support/keyboard.mjs';

const SECRET = 'e2e-console-setup-host-secret-of-enough-length';

const staffToken = (who) => hostToken(SECRET, who, { staff: true });


const inConsole = (tab, selector) => tab.locator(`plaza-console ${selector}`);
const activeId = (tab) => tab.evaluate(() => document.querySelector('plaza-console').shadowRoot.activeElement?.id);

/** Tabs to the field with element id `id` and types `text` after what it holds. */
async function typeInto(tab, id, text) {
  await tabTo(tab, (f) => f.id === id);
  // Tab selects the field's text: go to its end rather than replace it.
  await tab.keyboard.press('End');
  await tab.keyboard.type(text);
}

/** A date control (month, day, year here): its parts typed in turn. */
async function typeDate(tab, id, [year, month, day]) {
  await tabTo(tab, (f) => f.id === id);
  await tab.keyboard.type(`${month}${day}${year}`, { delay: 20 });
}

/** A date and time control: the date, then the time (the year part takes more digits, so move on). */
async function typeDateTime(tab, id, [year, month, day], [hour, minute, half]) {
  await typeDate(tab, id, [year, month, day]);
  await tab.keyboard.press('ArrowRight');
  await tab.keyboard.type(`${hour}${minute}${half}`, { delay: 20 });
}

describe('setting up a deliberation in the staff console', () => {
  let browser, server;
  before(async () => {
    server = await startServer(['--host-secret', SECRET, '--participant-writes-per-minute', '0', '--ip-writes-per-minute', '0'], {
      pages: {
        'console-ar.html': `<!doctype html><html lang="ar" dir="rtl"><head><meta charset="utf-8"><title>الموظفون</title>
<link rel="icon" href="data:,"></head><body><main><plaza-console api="/v1" lang="ar" token="${staffToken('amal')}"></plaza-console></main>
<script type="module" src="/plaza-console.js"></script></body></html>`,
      },
    });
    browser = await startBrowser();
  });
  after(async () => {
    await browser?.close();
    await server?.stop();
  });

  it('creates a deliberation with a poll in two languages, keyboard only, and opens its poll', async () => {
    const tab = await open(browser.context, `${server.origin}/console/`);
    await inConsole(tab, 'h1').filter({ hasText: 'Deliberations' }).waitFor();
    await tabTo(tab, (f) => f.tag === 'button' && f.text === 'New deliberation');
    await tab.keyboard.press('Enter');
    await tab.waitForFunction(() => document.querySelector('plaza-console').shadowRoot.activeElement?.id === 'console-setup-heading');
    assert.deepEqual(await axeViolations(tab), [], 'empty form');

    // Saving an empty form lists what is missing, and each item leads to its field.
    await tabTo(tab, (f) => f.tag === 'button' && f.text === 'Save and publish');
    await tab.keyboard.press('Enter');
    await tab.waitForFunction(() => document.querySelector('plaza-console').shadowRoot.activeElement?.id === 'setup-problems');
    const summary = await inConsole(tab, '#setup-problems').textContent();
    assert.match(summary, /Title \(English\): Required in English\./);
    assert.match(summary, /Title \(Français\): Required in Français\./);
    assert.match(summary, /Information starts on: Required\./);
    assert.equal(await inConsole(tab, '#setup-title-fr').getAttribute('aria-invalid'), 'true');
    assert.equal(await inConsole(tab, '#setup-title-fr-error').textContent(), 'Required in Français.');
    assert.deepEqual(await axeViolations(tab), [], 'form with problems');
    await tabTo(tab, (f) => f.tag === 'button' && f.text.startsWith('Title (Français)'));
    await tab.keyboard.press('Enter');
    assert.equal(await activeId(tab), 'setup-title-fr');

    // The texts, in English and French (the languages the server's deliberations use).
    await tab.keyboard.type('Parc des Tilleuls');
    await typeInto(tab, 'setup-title-en', 'Tilleuls park: a new playground?');
    await typeInto(tab, 'setup-summary-en', 'The city proposes a playground under the lime trees.');
    await typeInto(tab, 'setup-summary-fr', 'La ville propose une aire de jeux sous les tilleuls.');
    await typeInto(tab, 'setup-place_name-en', 'Tilleuls park');
    await typeInto(tab, 'setup-place_name-fr', 'Parc des Tilleuls');
    await typeDate(tab, 'setup-phases-information-starts', ['2027', '03', '01']);
    await typeDate(tab, 'setup-phases-discussion-starts', ['2027', '03', '15']);
    await typeDate(tab, 'setup-phases-voting-starts', ['2027', '04', '01']);
    await typeDate(tab, 'setup-phases-voting-ends', ['2027', '04', '19']);
    await typeDate(tab, 'setup-phases-results-starts', ['2027', '04', '20']);
    await typeDate(tab, 'setup-phases-follow_up-starts', ['2027', '05', '01']);
    await tabTo(tab, (f) => f.id === 'setup-current_phase');
    await tab.keyboard.press('ArrowDown');
    await tabTo(tab, (f) => f.id === 'setup-sf-enjoying');
    await tab.keyboard.press('Space');

    // The poll: a question and three options, the third moved up with the keyboard.
    await tabTo(tab, (f) => f.id === 'setup-has-poll');
    await tab.keyboard.press('Space');
    await typeInto(tab, 'setup-poll-question-en', 'Which playground?');
    await typeInto(tab, 'setup-poll-question-fr', 'Quelle aire de jeux ?');
    await typeInto(tab, 'setup-poll-options-0-label-en', 'Climbing frame');
    await typeInto(tab, 'setup-poll-options-0-label-fr', "Structure d'escalade");
    await typeInto(tab, 'setup-poll-options-1-label-en', 'Sandpit and swings');
    await typeInto(tab, 'setup-poll-options-1-label-fr', 'Bac à sable et balançoires');
    await tabTo(tab, (f) => f.id === 'setup-add-option');
    await tab.keyboard.press('Enter');
    await tab.waitForFunction(() => document.querySelector('plaza-console').shadowRoot.activeElement?.id === 'setup-poll-options-2-label-en');
    await tab.keyboard.type('Water play');
    await typeInto(tab, 'setup-poll-options-2-label-fr', 'Jeux d’eau');
    await tabTo(tab, (f) => f.id === 'setup-poll-options-2-up');
    await tab.keyboard.press('Enter');
    await tab.waitForFunction(() => document.querySelector('plaza-console').shadowRoot.activeElement?.id === 'setup-poll-options-1-up');
    assert.equal((await focused(tab)).text, 'Move option 2 up');
    assert.equal(await inConsole(tab, '#setup-poll-options-1-label-en').inputValue(), 'Water play');
    await tabTo(tab, (f) => f.id === 'setup-eligibility-signedin');
    await tab.keyboard.press('ArrowDown');
    await typeDateTime(tab, 'setup-poll-opens', ['2027', '04', '01'], ['08', '00', 'A']);
    await typeDateTime(tab, 'setup-poll-closes', ['2027', '04', '19'], ['08', '00', 'P']);
    assert.equal(await inConsole(tab, '#setup-poll-closes').inputValue(), '2027-04-19T20:00');

    // Before anything is published, the widget shows the draft from this page alone.
    await tabTo(tab, (f) => f.tag === 'button' && f.text === 'Preview without publishing');
    await tab.keyboard.press('Enter');
    await tab.waitForFunction(() => document.querySelector('plaza-console').shadowRoot.activeElement?.id === 'setup-preview-heading');
    assert.equal(await inConsole(tab, '#setup-preview-heading').textContent(),
      'Preview, not published: residents do not see this version');
    await tab.waitForFunction(() => {
      const widget = document.querySelector('plaza-deliberation[slot="preview"]');
      return widget?.getAttribute('api') === 'local' && widget.getAttribute('seed')?.startsWith('blob:')
        && widget.shadowRoot?.textContent.includes('Tilleuls park: a new playground?');
    }, null, { timeout: 20_000 });
    assert.deepEqual(await axeViolations(tab), [], 'the draft, previewed');
    // The preview follows the form when typing pauses; the focus stays in the field.
    await tabTo(tab, (f) => f.id === 'setup-summary-en', { back: true });
    await tab.keyboard.press('End');
    await tab.keyboard.type(' Have your say.');
    await tab.waitForFunction(() => document.querySelector('plaza-deliberation[slot="preview"]')
      ?.shadowRoot?.textContent.includes('lime trees. Have your say.'), null, { timeout: 20_000 });
    assert.equal(await activeId(tab), 'setup-summary-en');
    await assert.rejects(call(server.origin, 'GET', '/deliberations/tilleuls-park-a-new-playground'), /404/,
      'a preview publishes nothing');

    await tabTo(tab, (f) => f.tag === 'button' && f.text === 'Save and publish');
    await tab.keyboard.press('Enter');
    await tab.waitForFunction(() => document.querySelector('plaza-console').shadowRoot.activeElement?.id === 'setup-saved');
    // The widget itself shows what residents now see, from the server (the draft's preview is gone).
    await tab.waitForFunction(() => {
      const previews = document.querySelectorAll('plaza-deliberation[slot="preview"]');
      return previews.length === 1 && previews[0].getAttribute('api') !== 'local'
        && previews[0].shadowRoot?.textContent.includes('Tilleuls park: a new playground?');
    }, null, { timeout: 20_000 });
    assert.deepEqual(await axeViolations(tab), [], 'saved, with the preview');

    const d = await call(server.origin, 'GET', '/deliberations/tilleuls-park-a-new-playground');
    assert.deepEqual(d.title, { en: 'Tilleuls park: a new playground?', fr: 'Parc des Tilleuls' });
    assert.equal(d.current_phase, 'discussion');
    assert.deepEqual(d.social_functions, ['enjoying']);
    assert.equal(d.phases.length, 5);
    assert.match(d.phases[2].ends_at, /^2027-04-19T23:59:59[+-]\d\d:\d\d$/);
    const poll = await call(server.origin, 'GET', `/polls/${d.poll_id}`);
    assert.deepEqual(poll.options.map((o) => o.label.en), ['Climbing frame', 'Water play', 'Sandpit and swings']);
    assert.equal(poll.eligibility, 'anyone');
    assert.equal(poll.status, 'upcoming');
    assert.deepEqual(tab.errors, []);

    // A resident proposes a fourth playground while the discussion is on.
    const { token } = await call(server.origin, 'POST', '/participants');
    const proposal = await call(server.origin, 'POST', `/deliberations/${d.id}/proposals`, {
      token, body: { title: 'A quiet corner with benches', description: 'For the grandparents.', lang: 'en' },
    });

    // Run it: accept the proposal onto the ballot, then open the poll.
    await tabTo(tab, (f) => f.tag === 'button' && f.text === 'Back to running it');
    await tab.keyboard.press('Enter');
    const card = inConsole(tab, '.console-card').filter({ hasText: 'A quiet corner with benches' });
    await card.waitFor();
    await tabTo(tab, (f) => f.tag === 'button' && f.text === 'Accept onto the ballot');
    await tab.keyboard.press('Enter');
    await card.locator('.console-meta').filter({ hasText: 'Accepted onto the ballot' }).waitFor();
    assert.equal((await focused(tab)).className, 'console-meta');
    const withProposal = await call(server.origin, 'GET', `/polls/${d.poll_id}`);
    assert.deepEqual(withProposal.options.map((o) => o.id).slice(-1), [proposal.id]);
    assert.equal(withProposal.options.at(-1).label.en, 'A quiet corner with benches');
    await tabTo(tab, (f) => f.tag === 'button' && f.text === 'Open the poll');
    await tab.keyboard.press('Enter');
    await tabTo(tab, (f) => f.tag === 'button' && f.text === 'Yes, open the poll');
    await tab.keyboard.press('Enter');
    await tab.waitForFunction(() => document.querySelector('plaza-console').shadowRoot.activeElement?.textContent === 'The poll is open.');
    assert.equal((await call(server.origin, 'GET', `/polls/${d.poll_id}`)).status, 'open');
    await tab.close();
  });

  it('keeps the options of a poll residents voted in, and says why', async () => {
    const { token } = await call(server.origin, 'POST', '/participants');
    await call(server.origin, 'PUT', '/polls/rue-des-lilas-design/ballot', { token, body: { ranking: ['seasonal'] } });
    const tab = await open(browser.context, `${server.origin}/console/`);
    await tabTo(tab, (f) => f.tag === 'button' && f.text === 'Run “Rue des Lilas: from through-traffic street to pedestrian plaza?”');
    await tab.keyboard.press('Enter');
    await tabTo(tab, (f) => f.tag === 'button' && f.text === 'Edit texts, dates and poll');
    await tab.keyboard.press('Enter');
    await inConsole(tab, '#setup-poll-options-0-label-en').waitFor();
    // The question may still change; an option may not.
    await typeInto(tab, 'setup-poll-question-en', ' (Rank them.)');
    await typeInto(tab, 'setup-poll-options-0-label-en', ' with trees');
    await tabTo(tab, (f) => f.tag === 'button' && f.text === 'Save and publish');
    await tab.keyboard.press('Enter');
    await tab.waitForFunction(() => document.querySelector('plaza-console').shadowRoot.activeElement?.id === 'setup-problems');
    assert.match(await inConsole(tab, '#setup-problems').textContent(), /already has ballots: its options cannot change/);
    assert.equal(await inConsole(tab, '#setup-poll-options-0-label-en').inputValue(), 'Full pedestrian plaza with trees');
    const poll = await call(server.origin, 'GET', '/polls/rue-des-lilas-design');
    assert.equal(poll.options[0].label.en, 'Full pedestrian plaza');
    assert.ok(!poll.question.en.includes('(Rank them.)'), 'nothing was saved');
    // Without the option's change, the question's is saved.
    await tabTo(tab, (f) => f.id === 'setup-poll-options-0-label-en', { back: true });
    await tab.keyboard.press('End');
    for (let i = 0; i < ' with trees'.length; i++) await tab.keyboard.press('Backspace');
    await tabTo(tab, (f) => f.tag === 'button' && f.text === 'Save and publish');
    await tab.keyboard.press('Enter');
    await tab.waitForFunction(() => document.querySelector('plaza-console').shadowRoot.activeElement?.id === 'setup-saved');
    assert.match((await call(server.origin, 'GET', '/polls/rue-des-lilas-design')).question.en, /\(Rank them\.\)$/);
    // The log says what staff edited: the poll's question, nothing else.
    const log = await call(server.origin, 'GET', '/deliberations/rue-des-lilas/moderation');
    assert.deepEqual(log.items[0].change, { edit: { parts: ['poll'] } }, JSON.stringify(log.items.slice(0, 3)));
    // The browser reports the refused save (409) itself; nothing else went wrong.
    assert.deepEqual(tab.errors.filter((e) => !e.includes('status of 409')), []);
    await tab.close();
  });

  it('is the same form in Arabic, right to left, on a 320 px phone', async () => {
    const tab = await open(browser.context, `${server.origin}/console-ar.html`, { viewport: { width: 320, height: 720 } });
    await tabTo(tab, (f) => f.tag === 'button' && f.text === 'مشاورة جديدة');
    await tab.keyboard.press('Enter');
    await inConsole(tab, '#console-setup-heading').waitFor();
    assert.match(await inConsole(tab, 'label[for="setup-title-fr"]').textContent(), /العنوان \(Français\)/);
    assert.deepEqual(await axeViolations(tab), [], 'Arabic form');
    const overflow = await tab.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
    assert.equal(overflow, 0, 'nothing wider than the phone');
    await tab.close();
  });
});
