// Reflow (WCAG 1.4.10) and text spacing (1.4.12): what a state of the
// widget looks like at 320 px with the text-spacing overrides applied.

/** The overrides of WCAG 1.4.12, for the page and the widget's shadow root. */
export const TEXT_SPACING = `* { line-height: 1.5 !important; letter-spacing: 0.12em !important; word-spacing: 0.16em !important; }
p { margin-block-end: 2em !important; }`;

/**
 * What overflows: the page scrolling sideways, or any element of the widget
 * `host` reaching out of the viewport or clipping its own text. Inside a
 * container that scrolls sideways itself (the rounds table: a data table
 * keeps its two dimensions, WCAG 1.4.10's exception) only the container
 * must fit.
 */
export function overflow(tab, host) {
  return tab.evaluate((host) => {
    const width = document.documentElement.clientWidth;
    const found = [];
    if (document.documentElement.scrollWidth > width + 1) {
      found.push(`page scrolls sideways: ${document.documentElement.scrollWidth} > ${width}`);
    }
    const root = document.querySelector(host).shadowRoot;
    for (const el of root.querySelectorAll('*')) {
      const style = getComputedStyle(el);
      if (style.display === 'none' || el.closest('[hidden]') || el.matches('.plaza-visually-hidden')) continue;
      const box = el.getBoundingClientRect();
      if (box.width === 0 && box.height === 0) continue;
      const name = `${el.tagName.toLowerCase()}.${[...el.classList].join('.')}`;
      let scrolled = false;
      for (let up = el.parentElement; up && !scrolled; up = up.parentElement) {
        scrolled = ['auto', 'scroll'].includes(getComputedStyle(up).overflowX);
      }
      if (!scrolled && (box.right > width + 1 || box.left < -1)) found.push(`${name} reaches ${Math.round(box.left)}–${Math.round(box.right)}`);
      const clips = ['hidden', 'clip'].includes(style.overflowX) || ['hidden', 'clip'].includes(style.overflowY);
      if (clips && (el.scrollWidth > el.clientWidth + 1 || el.scrollHeight > el.clientHeight + 1)) {
        found.push(`${name} clips its content`);
      }
    }
    return found;
  }, host);
}

/** Applies the text-spacing overrides to the page and to the widget `host`. */
export function spaceText(tab, host) {
  return tab.evaluate(([host, css]) => {
    for (const parent of [document.querySelector(host).shadowRoot, document.head]) {
      const style = document.createElement('style');
      style.className = 'e2e-text-spacing';
      style.textContent = css;
      parent.append(style);
    }
  }, [host, TEXT_SPACING]);
}

/**
 * What overflows in the widget's present state at 320 px with the text
 * spacing overridden; the page is then put back as it was (size, styles),
 * so that a test goes on from the same state.
 */
export async function overflowNarrow(tab, host) {
  const size = tab.viewportSize();
  await tab.setViewportSize({ width: 320, height: 800 });
  await spaceText(tab, host);
  const found = await overflow(tab, host);
  await tab.evaluate((host) => {
    for (const parent of [document.querySelector(host).shadowRoot, document]) {
      for (const style of parent.querySelectorAll('style.e2e-text-spacing')) style.remove();
    }
  }, host);
  await tab.setViewportSize(size);
  return found;
}
