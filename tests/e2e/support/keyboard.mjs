// Moving through a page with the keyboard alone, as many residents do,
// and checking it with axe-core.

import path from 'node:path';
import { readFile } from 'node:fs/promises';

export const AXE = path.resolve('node_modules/axe-core/axe.min.js');

/** What has focus, through shadow roots: tag, id, class, text, accessible name bits. */
export function focused(tab) {
  return tab.evaluate(() => {
    let el = document.activeElement;
    while (el && el.shadowRoot && el.shadowRoot.activeElement) el = el.shadowRoot.activeElement;
    if (!el) return null;
    return {
      tag: el.tagName.toLowerCase(),
      id: el.id,
      className: typeof el.className === 'string' ? el.className : '',
      type: el.getAttribute('type'),
      text: (el.textContent ?? '').trim().replace(/\s+/g, ' '),
      label: el.getAttribute('aria-label') ?? '',
      pressed: el.getAttribute('aria-pressed'),
      expanded: el.getAttribute('aria-expanded'),
      checked: el.checked ?? null,
    };
  });
}

/** A focused element as a failure message names it. */
function describe(f) {
  return f ? `${f.tag}#${f.id}.${f.className}:${f.text.slice(0, 30)}` : 'nothing';
}

/**
 * Presses Tab (or Shift+Tab with `back`) until `wanted(focused)` holds;
 * fails after `max` presses, saying where focus went.
 */
export async function tabTo(tab, wanted, { max = 200, back = false } = {}) {
  const seen = [];
  for (let i = 0; i < max; i++) {
    await tab.keyboard.press(back ? 'Shift+Tab' : 'Tab');
    const now = await focused(tab);
    if (now && wanted(now)) return now;
    seen.push(describe(now));
  }
  throw new Error(`focus never reached the target; went through: ${seen.slice(-15).join(' | ')}`);
}

/**
 * Waits until what has focus (inside shadow roots too, as `focused` reads
 * it) satisfies `wanted`, for up to Playwright's default 30 s; fails naming
 * `what` and saying where focus is. Returns what has focus.
 */
export async function focusOn(tab, wanted, what = 'the target', { timeout = 30_000 } = {}) {
  const until = Date.now() + timeout;
  for (;;) {
    const now = await focused(tab);
    if (now && wanted(now)) return now;
    if (Date.now() > until) throw new Error(`focus never reached ${what}; it is on ${describe(now)}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

/** Waits until focus is on the element with `id`; fails saying where it is. */
export function focusReaches(tab, id) {
  return focusOn(tab, (f) => f.id === id, `#${id}`);
}

/** axe-core's violations on the page (WCAG 2.x A and AA, and best practices). */
export async function axeViolations(tab) {
  // Evaluated rather than added as a <script>: pages with a strict
  // Content-Security-Policy (the staff console's) would refuse one.
  await tab.evaluate(await readFile(AXE, 'utf8'));
  return tab.evaluate(async () => {
    const result = await window.axe.run(document, { resultTypes: ['violations'] });
    return result.violations.map((v) => `${v.id}: ${v.help} (${v.nodes.map((n) => n.target.join(' ')).join(', ')})`);
  });
}
