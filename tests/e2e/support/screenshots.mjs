// The screenshots in README (not a test): the release build in a city page on
// the reference server, in English and Arabic, light and dark, on a desktop
// and on a 320 px phone, and a control reached with the keyboard; then the
// ballot (ranked with the keyboard) and, once the poll closed, its results;
// last, the deliberation's moderation log.
//
//   node tests/e2e/support/screenshots.mjs [out-dir]     (default docs/screenshots)

import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import { startBrowser, open, waitForReady, cityPage } from './browser.mjs';
import { startServer } from './server.mjs';
import { tabTo } from './keyboard.mjs';

const OUT = path.resolve(process.argv[2] ?? 'docs/screenshots');

const CITY_STYLE = `<style>
  body { margin: 0; font: 16px/1.5 Georgia, serif; background: Canvas; color: CanvasText; }
  header { padding: 1em 1.5em; background: #23415f; color: #fff; }
  main { max-width: 68em; margin: 0 auto; padding: 1em; }
</style><meta name="color-scheme" content="light dark">`;

function city(lang) {
  const [site, heading] = lang === 'ar'
    ? ['مدينة سان أوبان', 'شارك برأيك: شارع الليلك']
    : ['City of Saint-Aubin', 'Have your say: Rue des Lilas'];
  return cityPage(`<header><b>${site}</b></header><h1>${heading}</h1>
<plaza-deliberation api="/v1" deliberation="rue-des-lilas" lang="${lang}"></plaza-deliberation>`,
  { lang, head: CITY_STYLE }).replace(`<html lang="${lang}"`, `<html lang="${lang}" dir="${lang === 'ar' ? 'rtl' : 'ltr'}"`);
}

const MODERATOR = 'screenshots-moderator-token-of-enough-length-0123456789';
const server = await startServer(['--moderator-token', MODERATOR], { pages: { 'en.html': city('en'), 'ar.html': city('ar') } });
const api = async (method, route, body, token = MODERATOR) => {
  const response = await fetch(`${server.origin}/v1${route}`, {
    method,
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json', 'idempotency-key': crypto.randomUUID() },
    body: body && JSON.stringify(body),
  });
  if (!response.ok) throw new Error(`${route}: ${response.status} ${await response.text()}`);
  return response.json();
};
const inWidget = (tab, selector) => tab.locator(`plaza-deliberation ${selector}`).first();
const browser = await startBrowser();
await mkdir(OUT, { recursive: true });
const shots = [];
try {
  const shoot = async (lang, scheme, width, height) => {
    const tab = await open(browser.context, `${server.origin}/${lang}.html`);
    await tab.setViewportSize({ width, height });
    await tab.emulateMedia({ colorScheme: scheme });
    await waitForReady(tab, 1);
    await tab.waitForTimeout(300);
    const name = `${lang}-${scheme}-${width}`;
    await tab.screenshot({ path: path.join(OUT, `${name}-top.png`) });
    // The discussion: the form, then both sides.
    await tab.locator('plaza-deliberation .plaza-discussion').evaluate((el) => el.scrollIntoView());
    await tab.screenshot({ path: path.join(OUT, `${name}-discussion.png`) });
    shots.push(`${name}-top.png`, `${name}-discussion.png`);
    await tab.close();
  };
  for (const lang of ['en', 'ar']) {
    for (const scheme of ['light', 'dark']) await shoot(lang, scheme, 1280, 900);
    await shoot(lang, lang === 'en' ? 'light' : 'dark', 320, 720);
  }
  // Keyboard only: the focus ring on a reaction, reached with Tab.
  const tab = await open(browser.context, `${server.origin}/en.html`);
  await waitForReady(tab, 1);
  await tabTo(tab, (f) => f.tag === 'button' && /Helpful/.test(f.text));
  await tab.evaluate(() => {
    let el = document.activeElement;
    while (el?.shadowRoot?.activeElement) el = el.shadowRoot.activeElement;
    el.closest('article').scrollIntoView({ block: 'center' });
  });
  await tab.screenshot({ path: path.join(OUT, 'en-light-1280-keyboard.png') });
  shots.push('en-light-1280-keyboard.png');
  await tab.close();

  // The vote: the ballot with three options ranked (keyboard), then the results.
  await api('PUT', '/moderation/deliberations/rue-des-lilas/phase', { phase: 'voting' });
  await api('PUT', '/moderation/polls/rue-des-lilas-design/status', { status: 'open' });
  const ballot = async (lang, scheme, width, height) => {
    const name = `${lang}-${scheme}-${width}`;
    const vote = await open(browser.context, `${server.origin}/${lang}.html`);
    await vote.setViewportSize({ width, height });
    await vote.emulateMedia({ colorScheme: scheme });
    await waitForReady(vote, 1);
    await vote.evaluate(() => localStorage.clear());
    await vote.reload();
    await waitForReady(vote, 1);
    for (const option of [2, 0, 4]) {
      await tabTo(vote, (f) => f.id === `plaza-option-${option}-rank`);
      await vote.keyboard.press('ArrowDown');
    }
    await tabTo(vote, (f) => f.id === 'plaza-option-4-down');
    await vote.keyboard.press('Enter');
    await vote.waitForTimeout(300);
    await inWidget(vote, '.plaza-ranking').evaluate((el) => el.scrollIntoView({ block: 'end' }));
    await vote.screenshot({ path: path.join(OUT, `${name}-ballot.png`) });
    shots.push(`${name}-ballot.png`);
    await vote.close();
  };
  await ballot('en', 'light', 1280, 900);
  await ballot('ar', 'dark', 320, 720);
  const poll = await (await fetch(`${server.origin}/v1/polls/rue-des-lilas-design`)).json();
  const ids = poll.options.map((o) => o.id);
  for (const [times, ranking] of [[6, [0, 1]], [3, [1, 0]], [3, [2, 1]], [2, [3, 2]], [1, [4]]]) {
    for (let i = 0; i < times; i++) {
      const { token } = await api('POST', '/participants');
      await api('PUT', '/polls/rue-des-lilas-design/ballot', { ranking: ranking.map((r) => ids[r]) }, token);
    }
  }
  await api('PUT', '/moderation/polls/rue-des-lilas-design/status', { status: 'closed' });
  for (const [lang, scheme, width, height] of [['en', 'light', 1280, 900], ['ar', 'dark', 1280, 900], ['en', 'light', 320, 720], ['ar', 'dark', 320, 720]]) {
    const name = `${lang}-${scheme}-${width}`;
    const results = await open(browser.context, `${server.origin}/${lang}.html`);
    await results.setViewportSize({ width, height });
    await results.emulateMedia({ colorScheme: scheme });
    await waitForReady(results, 1);
    await inWidget(results, '.plaza-rounds-table').waitFor();
    await inWidget(results, '.plaza-results').evaluate((el) => el.scrollIntoView());
    await results.screenshot({ path: path.join(OUT, `${name}-results.png`) });
    shots.push(`${name}-results.png`);
    await results.close();
  }
  // What moderators did, opened with the keyboard: a removal with its
  // reason, the phase and the poll's opening and close above.
  const argument = (await api('GET', '/deliberations/rue-des-lilas/arguments?stance=against')).items[0];
  await api('PUT', '/moderation/content', { target_type: 'argument', target_id: argument.id, status: 'removed', reason: 'off_topic' });
  for (const [lang, scheme, width, height] of [['en', 'light', 1280, 900], ['ar', 'dark', 320, 720]]) {
    const name = `${lang}-${scheme}-${width}`;
    const log = await open(browser.context, `${server.origin}/${lang}.html`);
    await log.setViewportSize({ width, height });
    await log.emulateMedia({ colorScheme: scheme });
    await waitForReady(log, 1);
    await tabTo(log, (f) => f.tag === 'button' && f.text === (lang === 'ar' ? 'كيف تُدار هذه المداولة' : 'How this deliberation is moderated'));
    await log.keyboard.press('Enter');
    await inWidget(log, '.plaza-moderation-entries li').waitFor();
    await inWidget(log, '.plaza-moderation-log').evaluate((el) => el.scrollIntoView({ block: 'end' }));
    await log.screenshot({ path: path.join(OUT, `${name}-moderation.png`) });
    shots.push(`${name}-moderation.png`);
    await log.close();
  }
  console.log(`wrote ${shots.length} screenshots to ${OUT}`);
} finally {
  await browser.close();
  await server.stop();
}
