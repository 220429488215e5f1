// Screenshots of a page with the widget, for looking at the interface
// (not a test): node tests/e2e/support/shoot.mjs URL OUT.png [width] [height] [colorScheme]
import { startBrowser, open, waitForReady } from './browser.mjs';

const [url, out, width = '1280', height = '900', scheme = 'light'] = process.argv.slice(2);
const browser = await startBrowser();
try {
  await browser.context.pages()[0]?.close();
  const tab = await open(browser.context, url);
  await tab.setViewportSize({ width: Number(width), height: Number(height) });
  await tab.emulateMedia({ colorScheme: scheme });
  await waitForReady(tab, 1);
  await tab.waitForTimeout(500);
  await tab.screenshot({ path: out, fullPage: true });
  if (tab.errors.length) console.error(tab.errors.join('\n'));
} finally {
  await browser.close();
}
