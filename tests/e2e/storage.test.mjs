// api="local" when the browser refuses storage: the widget still works, keeps
// what is added for the page's life, and says so.

import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startBrowser, serveDist, open, waitForReady, shadowText } from './support/browser.mjs';

/** Posts an argument "for" with `text` in the first widget. */
function postArgument(tab, text) {
  return tab.evaluate((t) => {
    const root = document.querySelector('plaza-deliberation').shadowRoot;
    root.querySelector('#plaza-stance-for').click();
    const field = root.querySelector('#plaza-argument-text');
    field.value = t;
    field.dispatchEvent(new Event('input', { bubbles: true }));
    field.closest('form').requestSubmit();
  }, text);
}

/** Waits until the first widget shows the resident's argument `text` as sent. */
function postedShown(tab, text) {
  return tab.waitForFunction((t) => [...document.querySelector('plaza-deliberation').shadowRoot
    .querySelectorAll('.plaza-mine .plaza-argument:not(.plaza-pending)')].some((a) => a.textContent.includes(t)), text, { timeout: 10_000 });
}

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

  it('sends what is posted when site data is blocked, Web Locks included', async () => {
    // A browser that blocks a site's data refuses its locks as well (Chrome:
    // a SecurityError): the outbox sends without the lock, not never.
    const tab = await open(browser.context, `${server.url}/`, {
      init: () => {
        Object.defineProperty(window, 'localStorage', {
          get() { throw new DOMException('The operation is insecure.', 'SecurityError'); },
        });
        LockManager.prototype.request = () => Promise.reject(new DOMException('Access to the Locks API is denied in this context.', 'SecurityError'));
      },
    });
    await waitForReady(tab, 2);
    const text = `Kept for the page's life ${Date.now()}`;
    await postArgument(tab, text);
    await postedShown(tab, text);
    assert.deepEqual(tab.errors, []);
  });

  it('says so when the storage is full as the outbox keeps an item', async () => {
    const tab = await open(browser.context, `${server.url}/`, {
      init: () => {
        const setItem = Storage.prototype.setItem;
        Storage.prototype.setItem = function (key, value) {
          if (String(key).startsWith('plaza:outbox:')) throw new DOMException('The quota has been exceeded.', 'QuotaExceededError');
          return setItem.call(this, key, value);
        };
      },
    });
    await waitForReady(tab, 2);
    const notices = () => tab.evaluate(() => [...document.querySelector('plaza-deliberation').shadowRoot.querySelectorAll('.plaza-notice')]
      .map((n) => n.textContent).join(' '));
    assert.doesNotMatch(await notices(), /kept only until you close the page/, 'storage works at first');
    const text = `Too much for the quota ${Date.now()}`;
    await postArgument(tab, text);
    await tab.waitForFunction(() => /kept only until you close the page/.test([...document.querySelector('plaza-deliberation').shadowRoot
      .querySelectorAll('.plaza-notice')].map((n) => n.textContent).join(' ')), null, { timeout: 10_000 });
    await postedShown(tab, text);
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
