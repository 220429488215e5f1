// api="local" when the browser refuses storage: the widget still works, keeps
// what is added for the page's life, and says so.

import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startBrowser, serveDist, open, waitForReady, shadowText } from './support/browser.mjs';

describe('the local backend', () => {
  let browser, server;
  before(async () => {
    browser = await startBrowser();
    server = await serveDist();
  });
  after(async () => {
    await browser?.close();
    await server?.close();
  });

  it('works when localStorage is blocked, and tells the resident', async () => {
    const tab = await open(browser.context, `${server.url}/`, {
      init: () => {
        Object.defineProperty(window, 'localStorage', {
          get() { throw new DOMException('The operation is insecure.', 'SecurityError'); },
        });
      },
    });
    const events = await waitForReady(tab, 2);
    assert.deepEqual(events.filter((e) => e.type === 'plaza:ready').map((e) => e.detail.state), ['loaded', 'loaded']);
    assert.match(await shadowText(tab, 'plaza-deliberation', '.plaza-notice'), /kept only until you close the page/);
    assert.deepEqual(tab.errors, []);
  });

  it('survives unreadable stored data without losing it', async () => {
    const tab = await open(browser.context, `${server.url}/`, {
      init: () => { if (!sessionStorage.getItem('seeded')) { sessionStorage.setItem('seeded', '1'); localStorage.setItem('plaza:local:v1', '{"version": 1, "broken'); } },
    });
    await waitForReady(tab, 2);
    assert.match(await shadowText(tab, 'plaza-deliberation', 'h2'), /Rue des Lilas/);
    const kept = await tab.evaluate(() => Object.keys(localStorage).filter((k) => k.startsWith('plaza:local:v1:unreadable:')));
    assert.equal(kept.length, 1, 'the unreadable data is set aside, not overwritten');
    assert.equal(await tab.evaluate((k) => localStorage.getItem(k), kept[0]), '{"version": 1, "broken');
  });
});
