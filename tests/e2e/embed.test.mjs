// The release build embedded in the demo city page, as a resident sees it.

import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createRequire } from 'node:module';
import { startBrowser, serveDist, open, waitForReady, shadowText, page, cityPage } from './support/browser.mjs';

const require = createRequire(import.meta.url);
const AXE = require.resolve('axe-core/axe.min.js');

describe('the demo city page', () => {
  let browser, server;
  before(async () => {
    browser = await startBrowser();
    server = await serveDist({
      '/three.html': page(cityPage(`
        <plaza-deliberation id="en" api="local" deliberation="rue-des-lilas" lang="en"></plaza-deliberation>
        <div id="fr" data-plaza-deliberation="rue-des-lilas" data-api="local" data-lang="fr-CA"></div>
        <plaza-deliberation id="broken" deliberation="rue-des-lilas"></plaza-deliberation>`)),
      // Spanish from Spain and from Mexico, which write numbers apart.
      '/regions.html': page(cityPage(`
        <plaza-deliberation id="es" api="local" deliberation="rue-des-lilas" lang="es"></plaza-deliberation>
        <plaza-deliberation id="es-mx" api="local" deliberation="rue-des-lilas" lang="es-MX"></plaza-deliberation>`)),
      // What the city puts inside the element shows if the widget cannot.
      '/fallback.html': page(cityPage(`
        <plaza-deliberation id="one" api="local" deliberation="rue-des-lilas" lang="en"><a href="/plan">Read the plan</a></plaza-deliberation>
        <plaza-deliberation id="two" api="local" deliberation="rue-des-lilas" lang="fr"><a href="/plan">Lire le projet</a></plaza-deliberation>`)),
      // A list item cannot have a shadow root: the widget makes a wrapper.
      '/scheme.html': page(cityPage(`<ul>
        <li id="dark" data-plaza-deliberation="rue-des-lilas" data-api="local" data-lang="en" data-color-scheme="dark"></li>
        <li id="light" data-plaza-deliberation="rue-des-lilas" data-api="local" data-lang="en" data-color-scheme="light"></li></ul>`)),
    });
  });
  after(async () => {
    await browser?.close();
    await server?.close();
  });

  it('renders both widgets, each in its own language, without console errors', async () => {
    const tab = await open(browser.context, `${server.url}/`);
    const events = await waitForReady(tab, 2);
    assert.deepEqual(events.filter((e) => e.type === 'plaza:ready').map((e) => e.detail.state), ['loaded', 'loaded']);
    const en = await shadowText(tab, 'plaza-deliberation', 'h2');
    const fr = await shadowText(tab, '[data-plaza-deliberation]', 'h2');
    assert.equal(en, 'Rue des Lilas: from through-traffic street to pedestrian plaza?');
    assert.equal(fr, "Rue des Lilas : d'une rue de transit à une place piétonne ?");
    for (const host of ['plaza-deliberation', '[data-plaza-deliberation]']) {
      const counts = await tab.evaluate((h) => {
        const root = document.querySelector(h).shadowRoot;
        return ['.plaza-for', '.plaza-against'].map((c) => root.querySelectorAll(`${c} .plaza-argument`).length);
      }, host);
      assert.deepEqual(counts, [8, 8], `${host}: eight arguments on each side`);
    }
    assert.equal(await tab.evaluate(() => document.querySelector('plaza-deliberation').shadowRoot.querySelector('.plaza-root').lang), 'en');
    assert.equal(await tab.evaluate(() => document.querySelector('[data-plaza-deliberation]').shadowRoot.querySelector('.plaza-root').lang), 'fr');
    assert.deepEqual(tab.errors, []);
  });

  it('a widget that cannot start gives way to what the city put inside the element', async () => {
    // The wasm does not come; then it fails while the widgets mount (a
    // trap in the wasm, made here by plaza.js throwing once they are).
    for (const broken of ['wasm', 'mount']) {
      const tab = await open(browser.context, 'about:blank');
      try {
        // No widget gets its data: none shows its first screen before the failure.
        await tab.route('**/plaza-demo*.json', () => {});
        if (broken === 'wasm') {
          await tab.route('**/plaza_bg.wasm', (route) => route.fulfill({ status: 404, body: '' }));
        } else {
          // The last `.catch(` of plaza.js (minified) ends the chain that starts the widgets.
          const text = await (await fetch(`${server.url}/plaza.js`)).text();
          const at = text.lastIndexOf('.catch(');
          assert.ok(at > 0 && text.slice(at).includes('Plaza could not start'), 'plaza.js starts the widgets as this test expects');
          const failing = `${text.slice(0, at)}.then(()=>{throw new Error('a trap while mounting')})${text.slice(at)}`;
          await tab.route('**/plaza.js', (route) => route.fulfill({ status: 200, contentType: 'text/javascript', body: failing }));
        }
        await tab.goto(`${server.url}/fallback.html`);
        await tab.waitForFunction(() => [...document.querySelectorAll('plaza-deliberation')]
          .every((h) => h.shadowRoot?.childElementCount === 1 && h.shadowRoot.firstElementChild.localName === 'slot'));
        for (const [id, text] of [['one', 'Read the plan'], ['two', 'Lire le projet']]) {
          const link = tab.locator(`#${id} > a`);
          assert.ok(await link.isVisible(), `${broken}: #${id} shows its link`);
          assert.equal(await link.textContent(), text);
          const box = await tab.locator(`#${id}`).boundingBox();
          assert.ok(box.height < 100, `${broken}: #${id} keeps no empty space (${box.height} px)`);
        }
        if (broken === 'mount') {
          assert.ok(tab.errors.some((e) => /a trap while mounting/.test(e)), tab.errors.join('\n'));
        }
      } finally {
        await tab.close();
      }
    }
  });

  it('a colour scheme the page fixes holds in a wrapped host too', async () => {
    const tab = await open(browser.context, `${server.url}/scheme.html`);
    const background = (id) => tab.evaluate((i) => {
      const wrapper = [...document.getElementById(i).children].find((c) => c.shadowRoot);
      return getComputedStyle(wrapper.shadowRoot.querySelector('.plaza-root')).backgroundColor;
    }, id);
    for (const scheme of ['light', 'dark']) {
      await tab.emulateMedia({ colorScheme: scheme });
      await waitForReady(tab, 2);
      assert.equal(await background('dark'), 'rgb(21, 24, 28)', `dark, in a ${scheme} browser`);
      assert.equal(await background('light'), 'rgb(255, 255, 255)', `light, in a ${scheme} browser`);
    }
    await tab.close();
  });

  it('marks arguments written in another language than the interface', async () => {
    const tab = await open(browser.context, `${server.url}/`);
    await waitForReady(tab, 2);
    const langs = await tab.evaluate(() =>
      [...document.querySelector('plaza-deliberation').shadowRoot.querySelectorAll('.plaza-argument-text')]
        .map((p) => p.getAttribute('lang')));
    assert.ok(langs.includes('fr'), 'French arguments carry lang="fr" in the English widget');
    assert.ok(langs.includes(null), 'English arguments need no lang attribute');
  });

  it('keeps instances independent: a misconfigured one shows its own error', async () => {
    const tab = await open(browser.context, `${server.url}/three.html`);
    const events = await waitForReady(tab, 3);
    const states = Object.fromEntries(events.filter((e) => e.type === 'plaza:ready').map((e) => [e.id, e.detail.state]));
    assert.deepEqual(states, { en: 'loaded', fr: 'loaded', broken: 'error' });
    assert.match(await shadowText(tab, '#broken', '[role=alert]'), /api attribute is missing/);
    assert.equal(await shadowText(tab, '#fr', '.plaza-for > .plaza-heading'), 'Pour 8 arguments');
    assert.equal(await shadowText(tab, '#en', '.plaza-step-current .plaza-step-name'), 'Discussion');
  });

  it('writes numbers as the reader\'s region of the language does', async () => {
    const tab = await open(browser.context, `${server.url}/regions.html`);
    await waitForReady(tab, 2);
    const counter = (h) => shadowText(tab, h, '#plaza-argument-text-count');
    // Spain groups no four-digit number; Mexico does. Both in Spanish.
    assert.equal(await counter('#es'), '0 de 2000 caracteres');
    assert.equal(await counter('#es-mx'), '0 de 2,000 caracteres');
    for (const h of ['#es', '#es-mx']) {
      assert.equal(await tab.evaluate((s) => document.querySelector(s).shadowRoot.querySelector('.plaza-root').lang, h), 'es');
    }
    assert.deepEqual(tab.errors, []);
  });

  it('mounts widgets added after load and unmounts removed ones', async () => {
    const tab = await open(browser.context, `${server.url}/`);
    await waitForReady(tab, 2);
    await tab.evaluate(() => {
      const late = document.createElement('plaza-deliberation');
      late.id = 'late';
      late.setAttribute('api', 'local');
      late.setAttribute('deliberation', 'rue-des-lilas');
      late.setAttribute('lang', 'fr');
      document.querySelector('main').append(late);
    });
    await waitForReady(tab, 3);
    assert.equal(await shadowText(tab, '#late', 'h2'), "Rue des Lilas : d'une rue de transit à une place piétonne ?");

    // Removed: its reactive owner is gone, so the DOM it rendered is taken
    // down, and nothing of it is left (no space kept for it).
    const left = await tab.evaluate(async () => {
      const late = document.getElementById('late');
      late.remove();
      await new Promise((r) => setTimeout(r, 50));
      return late.shadowRoot.querySelectorAll('.plaza-root, .plaza-mount, .plaza-reserve').length;
    });
    assert.equal(left, 0);
    // Changing an attribute remounts with the new configuration.
    await tab.evaluate(() => document.querySelector('plaza-deliberation').setAttribute('lang', 'fr'));
    await waitForReady(tab, 4);
    assert.equal(await tab.evaluate(() => document.querySelector('plaza-deliberation').shadowRoot.querySelectorAll('h2').length), 1);
    assert.match(await shadowText(tab, 'plaza-deliberation', 'h2'), /d'une rue de transit/);

    // A host that cannot hold a shadow root (a list item) gets one wrapper
    // that can, however often it is remounted; when it stops being a host,
    // the wrapper goes and its own content shows.
    await tab.evaluate(() => {
      const item = document.createElement('li');
      Object.assign(item.dataset, { plazaDeliberation: 'rue-des-lilas', api: 'local', lang: 'en' });
      item.id = 'item';
      item.append('Its own text');
      const list = document.createElement('ul');
      list.append(item);
      document.querySelector('main').append(list);
    });
    await waitForReady(tab, 5);
    await tab.evaluate(() => { document.getElementById('item').dataset.lang = 'fr'; });
    await waitForReady(tab, 6);
    const item = () => tab.evaluate(async () => {
      await new Promise((r) => setTimeout(r, 50));
      const li = document.getElementById('item');
      return { wrappers: li.querySelectorAll(':scope > div').length, height: li.getBoundingClientRect().height, text: li.innerText.trim() };
    });
    const mounted = await item();
    assert.equal(mounted.wrappers, 1);
    await tab.evaluate(() => { delete document.getElementById('item').dataset.plazaDeliberation; });
    const plain = await item();
    assert.equal(plain.wrappers, 0);
    assert.equal(plain.text, 'Its own text');
    assert.ok(plain.height < 40, `the list item keeps ${plain.height}px`);
    // And so does a host with a shadow root: it shows its own content again.
    const host = await tab.evaluate(async () => {
      const div = document.querySelector('[data-plaza-deliberation]');
      div.append('A note of the city');
      delete div.dataset.plazaDeliberation;
      await new Promise((r) => setTimeout(r, 50));
      return { text: div.innerText.trim(), mounts: div.shadowRoot.querySelectorAll('.plaza-mount').length };
    });
    assert.deepEqual(host, { text: 'A note of the city', mounts: 0 });
    assert.deepEqual(tab.errors, []);
  });

  it('on a phone-sized screen, stacks the two sides and fits the width', async () => {
    const tab = await open(browser.context, `${server.url}/`);
    await tab.setViewportSize({ width: 360, height: 740 });
    await waitForReady(tab, 2);
    for (const host of ['plaza-deliberation', '[data-plaza-deliberation]']) {
      const layout = await tab.evaluate((h) => {
        const root = document.querySelector(h).shadowRoot;
        const box = (sel) => root.querySelector(sel).getBoundingClientRect();
        const widget = root.querySelector('.plaza-root');
        return {
          stacked: box('.plaza-against').top >= box('.plaza-for').bottom,
          sameColumn: Math.abs(box('.plaza-against').left - box('.plaza-for').left) < 1,
          overflow: widget.scrollWidth - widget.clientWidth,
          width: widget.getBoundingClientRect().width,
        };
      }, host);
      assert.ok(layout.stacked && layout.sameColumn, `${host}: ${JSON.stringify(layout)}`);
      assert.ok(layout.overflow <= 0, `${host} overflows by ${layout.overflow}px`);
      assert.ok(layout.width <= 360, `${host} is ${layout.width}px wide`);
    }
  });

  it('has no accessibility violations (axe-core, WCAG 2.2 AA and best practices)', async () => {
    const tab = await open(browser.context, `${server.url}/`);
    await waitForReady(tab, 2);
    await tab.addScriptTag({ path: AXE });
    const violations = await tab.evaluate(async () => {
      const result = await window.axe.run(document, { resultTypes: ['violations'] });
      return result.violations.map((v) => `${v.id}: ${v.help} (${v.nodes.map((n) => n.target.join(' ')).join(', ')})`);
    });
    assert.deepEqual(violations, []);
  });

  it('touches nothing of the host page outside its elements', async () => {
    const tab = await open(browser.context, `${server.url}/`);
    const before = await tab.evaluate(() => ({ lang: document.documentElement.lang, dir: document.documentElement.dir }));
    await waitForReady(tab, 2);
    const afterLoad = await tab.evaluate(() => ({
      lang: document.documentElement.lang,
      dir: document.documentElement.dir,
      cookie: document.cookie,
      headStyles: document.head.querySelectorAll('style, link[rel=stylesheet]').length,
    }));
    assert.deepEqual({ lang: afterLoad.lang, dir: afterLoad.dir }, before);
    assert.equal(afterLoad.cookie, '');
    assert.equal(afterLoad.headStyles, 1, 'only the city page’s own <style>');
  });
});
