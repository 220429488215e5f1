// Everyone can use it: axe-core finds no violation in any state a resident
// meets (loading, error, empty, full with its panels open, pending, offline,
// Arabic, dark), and the widget reflows at 320 px (400 % zoom) and 640 px
// (200 % zoom) with WCAG's text-spacing overrides, without horizontal
// scrolling or clipped text. On the reference server, with the release build
// in a city page.

import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startBrowser, open, waitForReady, cityPage } from './support/browser.mjs';
import { startServer } from './support/server.mjs';
import { axeViolations } from './support/keyboard.mjs';
import { overflow, overflowNarrow, spaceText } from './support/layout.mjs';

const widget = (lang) => `<plaza-deliberation api="/v1" deliberation="rue-des-lilas" lang="${lang}"></plaza-deliberation>`;
const HOST = 'plaza-deliberation';

/** A problem document, as the contract's errors are. */
const PROBLEM = JSON.stringify({ type: 'about:blank', title: 'Internal error', status: 500, code: 'internal' });

const inWidget = (tab, selector) => tab.locator(`${HOST} ${selector}`);

/** Fails with the violations' descriptions, saying in which state. */
async function noViolations(tab, state) {
  assert.deepEqual(await axeViolations(tab), [], `axe-core in state "${state}"`);
}


describe('accessibility', () => {
  let browser, server;
  before(async () => {
    server = await startServer(['--participant-writes-per-minute', '0', '--ip-writes-per-minute', '0'], {
      pages: {
        'en.html': cityPage(`<h1>Have your say</h1>${widget('en')}`),
        'ar.html': cityPage(`<h1>شارك برأيك</h1>${widget('ar')}`, { lang: 'ar' }),
      },
    });
    browser = await startBrowser();
  });
  after(async () => {
    await browser?.close();
    await server?.stop();
  });

  it('while loading', async () => {
    const tab = await browser.context.newPage();
    // The deliberation never comes.
    await tab.route('**/v1/deliberations/rue-des-lilas', () => {});
    await tab.goto(`${server.origin}/en.html`);
    await inWidget(tab, '.plaza-loading').waitFor();
    await noViolations(tab, 'loading');
    await tab.close();
  });

  it('when the backend fails', async () => {
    const tab = await browser.context.newPage();
    await tab.route('**/v1/deliberations/rue-des-lilas', (route) =>
      route.fulfill({ status: 500, contentType: 'application/problem+json', body: PROBLEM }));
    await tab.goto(`${server.origin}/en.html`);
    await inWidget(tab, '.plaza-error').waitFor();
    await noViolations(tab, 'error');
    await tab.close();
  });

  it('with nothing said yet', async () => {
    const tab = await browser.context.newPage();
    await tab.route('**/v1/deliberations/rue-des-lilas', async (route) => {
      const deliberation = await (await route.fetch()).json();
      deliberation.counts = { arguments_for: 0, arguments_against: 0, comments: 0, participants: 0 };
      await route.fulfill({ json: deliberation });
    });
    await tab.route(/\/v1\/deliberations\/rue-des-lilas\/(arguments|proposals)/, (route) =>
      route.fulfill({ json: { items: [], next_cursor: null } }));
    await tab.goto(`${server.origin}/en.html`);
    await inWidget(tab, '.plaza-empty').first().waitFor();
    await noViolations(tab, 'empty');
    await tab.close();
  });

  for (const lang of ['en', 'ar']) {
    for (const scheme of ['light', 'dark']) {
      it(`full, with replies and a report form open (${lang}, ${scheme})`, async () => {
        const tab = await open(browser.context, `${server.origin}/${lang}.html`);
        await tab.emulateMedia({ colorScheme: scheme });
        await waitForReady(tab, 1);
        // Open the first thread that has replies, and a report form.
        await inWidget(tab, '.plaza-replies button[aria-expanded="false"]').first().click();
        await inWidget(tab, '.plaza-replies-list:not([hidden]) .plaza-comment').first().waitFor();
        await inWidget(tab, '.plaza-report > button').first().click();
        await inWidget(tab, '.plaza-report-panel:not([hidden])').first().waitFor();
        await noViolations(tab, `full, ${lang}, ${scheme}`);
        await tab.close();
      });
    }
  }

  it('with a contribution pending, offline', async () => {
    const tab = await open(browser.context, `${server.origin}/en.html`);
    await waitForReady(tab, 1);
    await browser.context.setOffline(true);
    try {
      await inWidget(tab, '#plaza-stance-for').check();
      await inWidget(tab, '#plaza-argument-text').fill('Sent when the network comes back.');
      await inWidget(tab, 'form.plaza-form:has(#plaza-argument-text) button[type=submit]').click();
      await inWidget(tab, '.plaza-pending').first().waitFor();
      await noViolations(tab, 'pending');
      // Reading more while offline: the column says so and offers a retry.
      await inWidget(tab, '#plaza-sort-against').selectOption('recent');
      await inWidget(tab, '.plaza-against .plaza-error').waitFor();
      await noViolations(tab, 'offline');
    } finally {
      await browser.context.setOffline(false);
    }
    await inWidget(tab, '.plaza-mine .plaza-argument:not(.plaza-pending):has-text("Sent when the network comes back.")').waitFor();
    await tab.close();
  });

  for (const lang of ['en', 'ar']) {
    it(`with a contribution refused for good (${lang})`, async () => {
      const tab = await open(browser.context, `${server.origin}/${lang}.html`);
      await waitForReady(tab, 1);
      // The discussion closed while the argument was on its way.
      await tab.route('**/v1/deliberations/rue-des-lilas/arguments', (route) => route.request().method() === 'POST'
        ? route.fulfill({ status: 409, contentType: 'application/problem+json',
          body: JSON.stringify({ type: 'about:blank', title: 'Closed', status: 409, code: 'phase_closed' }) })
        : route.fallback());
      await inWidget(tab, '#plaza-stance-for').check();
      await inWidget(tab, '#plaza-argument-text').fill(`Refused for good (${lang}).`);
      await inWidget(tab, 'form.plaza-form:has(#plaza-argument-text) button[type=submit]').click();
      const note = inWidget(tab, '.plaza-state-failed').first();
      await note.waitFor();
      if (lang === 'en') {
        assert.match(await note.textContent(), /^Not sent: This part of the deliberation is closed, so it cannot be sent any more\./);
      }
      // Sending it again cannot help: only "Discard" is offered, named by
      // what it discards (several items may wait at once).
      assert.equal(await note.locator('button').count(), 1);
      if (lang === 'en') {
        assert.equal(await note.locator('button').getAttribute('aria-label'), 'Discard: “\u2068Refused for good (en).\u2069”');
      }
      await noViolations(tab, `refused, ${lang}`);
      assert.deepEqual(await overflowNarrow(tab, HOST), [], 'refused, at 320 px with text spacing');
      await note.locator('button').click();
      await inWidget(tab, '.plaza-state-failed').waitFor({ state: 'detached' });
      await tab.close();
    });
  }

  for (const [lang, width] of [['en', 320], ['ar', 320], ['en', 640]]) {
    it(`reflows at ${width} px with text spacing overridden (${lang})`, async () => {
      const tab = await open(browser.context, `${server.origin}/${lang}.html`);
      await tab.setViewportSize({ width, height: 800 });
      await waitForReady(tab, 1);
      await spaceText(tab, HOST);
      await inWidget(tab, '.plaza-replies button[aria-expanded="false"]').first().click();
      await inWidget(tab, '.plaza-report > button').first().click();
      assert.deepEqual(await overflow(tab, HOST), []);
      await tab.close();
    });
  }
});
