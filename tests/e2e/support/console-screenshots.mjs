// The staff console's screenshots in README (not a test): a deliberation
// being run, with a held argument in the queue and a log, and the poll's
// closing confirmation, the set-up form with its problems, an edit
// previewed before it is published, and the report
// for the council (on screen and on paper), in English on a desktop and in
// Arabic at 320 px.
//
//   node tests/e2e/support/console-screenshots.mjs [out-dir]     (default docs/screenshots)

import { mkdir } from 'node:fs/promises';
import { execFileSync } from 'node:child_process';
import path from 'node:path';
import { startBrowser, open } from './browser.mjs';
import { startServer, SERVER } from './server.mjs';
import { tabTo } from './keyboard.mjs';

const OUT = path.resolve(process.argv[2] ?? 'docs/screenshots');
const SECRET = 'screenshots-console-host-secret-of-enough-length';
const staff = execFileSync(SERVER, ['host-token', '--staff', '--resident', 'amal@saint-aubin.example', '--ttl', '3600'], {
  env: { ...process.env, PLAZA_HOST_SECRET: SECRET },
}).toString().trim();
const arabic = `<!doctype html><html lang="ar" dir="rtl"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>لوحة الموظفين</title><link rel="icon" href="data:,"><style>body{margin:0;font:100%/1.5 system-ui,sans-serif;background:#f4f4f2}
header{background:#12355b;color:#fff;padding:.75rem 1rem}main{padding:.75rem}</style></head>
<body><header><b>مدينة سان أوبان — الموظفون</b></header><main><plaza-console api="/v1" lang="ar" token="${staff}"></plaza-console></main>
<script type="module" src="/plaza-console.js"></script></body></html>`;
const server = await startServer(['--host-secret', SECRET, '--flag-threshold', '2', '--flag-trust-after-hours', '0'],
  { pages: { 'console-ar.html': arabic } });
const api = async (method, route, body, token) => {
  const response = await fetch(`${server.origin}/v1${route}`, {
    method,
    headers: { ...(token ? { authorization: `Bearer ${token}` } : {}), 'content-type': 'application/json' },
    body: body && JSON.stringify(body),
  });
  if (!response.ok) throw new Error(`${route}: ${response.status} ${await response.text()}`);
  return response.json();
};
const resident = async () => (await api('POST', '/participants')).token;
// Two arguments flagged: one held for review, one staff already hid.
for (const text of ['This plaza is for idiots, and so is everyone who wants it.', 'Buy cheap watches at example.com!!!']) {
  const argument = await api('POST', '/deliberations/rue-des-lilas/arguments', { stance: 'against', text, lang: 'en' }, await resident());
  for (let i = 0; i < 2; i++) {
    await api('POST', '/flags', { target_type: 'argument', target_id: argument.id, reason: 'abuse' }, await resident());
  }
  if (text.startsWith('Buy')) {
    await api('PUT', '/moderation/content', { target_type: 'argument', target_id: argument.id, status: 'removed', reason: 'spam' }, staff);
  }
}
await api('PUT', '/moderation/deliberations/rue-des-lilas/phase', { phase: 'voting' }, staff);

const browser = await startBrowser();
await mkdir(OUT, { recursive: true });
try {
  for (const [page, name, width, height] of [['console/', 'console-en-1280', 1280, 900], ['console-ar.html', 'console-ar-320', 320, 720]]) {
    const tab = await open(browser.context, `${server.origin}/${page}`, { viewport: { width, height } });
    await tab.locator('plaza-console .console-card button').first().waitFor();
    await tabTo(tab, (f) => f.tag === 'button' && f.className === 'console-primary');
    await tab.keyboard.press('Enter');
    await tab.locator('plaza-console .console-log').waitFor();
    await tab.waitForTimeout(300);
    await tab.screenshot({ path: path.join(OUT, `${name}.png`), fullPage: width > 400 });
    // The confirmation, reached with the keyboard.
    await tabTo(tab, (f) => f.tag === 'button' && f.className === 'console-primary');
    await tab.keyboard.press('Enter');
    await tab.locator('plaza-console .console-confirm').evaluate((el) => el.scrollIntoView({ block: 'center' }));
    await tab.waitForTimeout(200);
    await tab.screenshot({ path: path.join(OUT, `${name}-close.png`) });
    if (tab.errors.length) throw new Error(tab.errors.join('\n'));
    console.log(`${name}.png ${name}-close.png`);
    await tab.close();
  }
  // Setting up: a new deliberation saved too early (the problems listed and
  // next to their fields), and the form in Arabic on a phone.
  for (const [page, name, width, height] of [['console/', 'console-en-1280-setup', 1280, 900], ['console-ar.html', 'console-ar-320-setup', 320, 720]]) {
    const tab = await open(browser.context, `${server.origin}/${page}`, { viewport: { width, height } });
    await tab.locator('plaza-console .console-card button').first().waitFor();
    await tab.locator('plaza-console h1 + p > button').click();
    await tab.locator('plaza-console #setup-title-en').waitFor();
    await tab.locator('plaza-console #setup-title-en').fill(width > 400 ? 'Tilleuls park: a new playground?' : 'حديقة الزيزفون');
    await tab.locator('plaza-console button[type=submit]').click();
    await tab.locator('plaza-console #setup-problems').waitFor();
    await tab.waitForTimeout(300);
    await tab.screenshot({ path: path.join(OUT, `${name}.png`) });
    if (tab.errors.length) throw new Error(tab.errors.join('\n'));
    console.log(`${name}.png`);
    await tab.close();
  }

  // An edit previewed before it is published: the widget, run in the page on the draft.
  for (const [page, name, width, height] of [['console/', 'console-en-1280-draft', 1280, 900], ['console-ar.html', 'console-ar-320-draft', 320, 720]]) {
    const tab = await open(browser.context, `${server.origin}/${page}`, { viewport: { width, height } });
    await tab.locator('plaza-console .console-card button').first().waitFor();
    await tabTo(tab, (f) => f.tag === 'button' && f.className === 'console-primary');
    await tab.keyboard.press('Enter');
    await tab.locator('plaza-console .console-log').waitFor();
    await tab.locator('plaza-console .console-screen > p:first-of-type > button').first().click();
    await tab.locator('plaza-console #setup-title-en').waitFor();
    await tab.locator('plaza-console #setup-title-en').fill('Rue des Lilas: a street for people (draft 2)');
    await tab.locator('plaza-console form p:last-child button[type=button]').click();
    await tab.waitForFunction(() => document.querySelector('plaza-deliberation[slot="preview"]')?.shadowRoot
      ?.textContent.includes('(draft 2)'), null, { timeout: 20_000 });
    await tab.locator('plaza-console #setup-preview-heading').evaluate((el) => el.scrollIntoView({ block: 'start' }));
    await tab.waitForTimeout(500);
    await tab.screenshot({ path: path.join(OUT, `${name}.png`) });
    if (tab.errors.length) throw new Error(tab.errors.join('\n'));
    console.log(`${name}.png`);
    await tab.close();
  }

  // The report for the council, once residents voted and the poll closed.
  for (const ranking of [['full-plaza', 'seasonal'], ['full-plaza'], ['full-plaza'], ['shared-street', 'seasonal'],
    ['shared-street'], ['seasonal', 'full-plaza'], ['status-quo']]) {
    await api('PUT', '/polls/rue-des-lilas-design/ballot', { ranking }, await resident());
  }
  await api('PUT', '/moderation/polls/rue-des-lilas-design/status', { status: 'closed' }, staff);
  for (let i = 0; i < 100 && !(await fetch(`${server.origin}/v1/polls/rue-des-lilas-design/results`)).ok; i++) {
    await new Promise((ok) => setTimeout(ok, 100));
  }
  for (const [page, name, width, height] of [['console/', 'console-en-1280-report', 1280, 900], ['console-ar.html', 'console-ar-320-report', 320, 720]]) {
    const tab = await open(browser.context, `${server.origin}/${page}`, { viewport: { width, height } });
    await tab.locator('plaza-console .console-card button').first().waitFor();
    await tabTo(tab, (f) => f.tag === 'button' && f.className === 'console-primary');
    await tab.keyboard.press('Enter');
    await tab.locator('plaza-console .console-log').waitFor();
    await tab.locator('plaza-console .console-screen > p > button.console-primary').click();
    await tab.locator('plaza-console .console-report .console-facts').waitFor();
    await tab.waitForTimeout(300);
    await tab.screenshot({ path: path.join(OUT, `${name}.png`), fullPage: width > 400 });
    if (width > 400) {
      await tab.emulateMedia({ media: 'print' });
      await tab.screenshot({ path: path.join(OUT, `${name}-print.png`), fullPage: true });
    }
    if (tab.errors.length) throw new Error(tab.errors.join('\n'));
    console.log(`${name}.png`);
    await tab.close();
  }
} finally {
  await browser.close();
  await server.stop();
}
