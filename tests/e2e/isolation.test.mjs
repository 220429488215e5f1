// Host pages cannot restyle the widget, and the widget cannot restyle them.

import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startBrowser, serveDist, open, waitForReady, page, cityPage } from './support/browser.mjs';

const HOSTILE = `<style>
  * { color: red !important; font: 40px/3 serif !important; letter-spacing: 5px !important;
      text-transform: uppercase !important; text-align: right !important; visibility: visible; }
  button { display: none !important; }
  h2, h3, h4, p, li, ul, section, article, header { margin: 50px !important; padding: 30px !important;
      border: 5px dashed lime !important; background: yellow !important; }
  div { display: inline !important; box-sizing: content-box !important; }
  plaza-deliberation, [data-plaza-deliberation] { font-size: 8px !important; line-height: 0 !important; direction: rtl !important; }
  .plaza-root, .plaza-argument, .plaza-button { display: none !important; }
  :root { --plaza-unrelated: 1; }
</style>`;

// A fixed-width column, so the host's own layout is the same with and without the hostile rules.
const WIDGETS = `<style>#column { display: block !important; width: 760px !important; margin: 0 !important;
  padding: 0 !important; border: 0 !important; background: none !important; }</style>
<div id="column">
  <plaza-deliberation id="a" api="local" deliberation="rue-des-lilas" lang="en"></plaza-deliberation>
  <div id="b" data-plaza-deliberation="rue-des-lilas" data-api="local" data-lang="fr"></div>
</div>`;

// Host elements that share the widget's tag and class names.
const HOST_LOOKALIKES = `
  <h2 id="host-h2" class="plaza-title">City news</h2>
  <p id="host-p" class="plaza-summary plaza-error plaza-root">Host paragraph</p>
  <button id="host-button" class="plaza-button">Host button</button>
  <ul id="host-ul" class="plaza-arguments plaza-tags"><li>Item</li></ul>`;

/** Computed styles that make up the widget's look, for a few of its parts. */
function widgetLook(hostSelector) {
  const root = document.querySelector(hostSelector).shadowRoot;
  const props = ['color', 'font-family', 'font-size', 'line-height', 'letter-spacing', 'text-transform',
    'text-align', 'display', 'margin-top', 'padding-top', 'border-top-style', 'background-color', 'direction', 'visibility'];
  const parts = ['.plaza-root', 'h2', '.plaza-summary', '.plaza-timeline li', '.plaza-column .plaza-h2', '.plaza-argument',
    '.plaza-argument-text', '.plaza-tags li'];
  const look = {};
  for (const part of parts) {
    const el = root.querySelector(part);
    if (!el) { look[part] = 'missing'; continue; }
    const cs = getComputedStyle(el);
    look[part] = Object.fromEntries(props.map((p) => [p, cs.getPropertyValue(p)]));
  }
  const box = root.querySelector('.plaza-root').getBoundingClientRect();
  look.size = { width: Math.round(box.width), height: Math.round(box.height) };
  return look;
}

/** Loads the images of a widget now rather than lazily, and waits for them. */
function imagesLoaded(hostSelector) {
  const images = [...document.querySelector(hostSelector).shadowRoot.querySelectorAll('img')];
  return Promise.all(images.map((img) => { img.loading = 'eager'; return img.decode().catch(() => {}); }));
}

function hostLook() {
  const props = ['color', 'font-family', 'font-size', 'display', 'margin-top', 'padding-top', 'background-color',
    'border-top-style', 'list-style-type', 'visibility'];
  return Object.fromEntries(['#host-h2', '#host-p', '#host-button', '#host-ul', '#host-ul li'].map((sel) => {
    const cs = getComputedStyle(document.querySelector(sel));
    return [sel, Object.fromEntries(props.map((p) => [p, cs.getPropertyValue(p)]))];
  }));
}

describe('style isolation', () => {
  let browser, server;
  before(async () => {
    browser = await startBrowser();
    server = await serveDist({
      '/plain.html': page(cityPage(WIDGETS)),
      '/hostile.html': page(cityPage(WIDGETS, { head: HOSTILE })),
      '/lookalikes.html': page(cityPage(HOST_LOOKALIKES + WIDGETS, { script: false })),
    });
  });
  after(async () => {
    await browser?.close();
    await server?.close();
  });

  it('a hostile host stylesheet leaves the widget’s look unchanged', async () => {
    const plain = await open(browser.context, `${server.url}/plain.html`);
    await waitForReady(plain, 2);
    const hostile = await open(browser.context, `${server.url}/hostile.html`);
    await waitForReady(hostile, 2);
    for (const host of ['#a', '#b']) {
      // Images in first: a lazily loaded image changes the widget's height.
      await Promise.all([plain, hostile].map((t) => t.evaluate(imagesLoaded, host)));
      const expected = await plain.evaluate(widgetLook, host);
      const got = await hostile.evaluate(widgetLook, host);
      assert.ok(!JSON.stringify(expected).includes('missing'), `${host} rendered every part`);
      assert.deepEqual(got, expected, `${host} looks the same on the hostile page`);
      // And pixel for pixel.
      const [a, b] = await Promise.all([plain.locator(host).screenshot(), hostile.locator(host).screenshot()]);
      assert.ok(a.equals(b), `${host} screenshots are identical`);
    }
    assert.ok(await hostile.locator('#a >> text=Discussion').first().isVisible());
  });

  it('the widget’s styles do not reach host elements, even with the same class names', async () => {
    const tab = await open(browser.context, `${server.url}/lookalikes.html`);
    const before = await tab.evaluate(hostLook);
    await tab.evaluate(() => import('/plaza.js'));
    await waitForReady(tab, 2);
    const afterLoad = await tab.evaluate(hostLook);
    assert.deepEqual(afterLoad, before);
    assert.deepEqual(tab.errors, []);
  });
});
