// A desktop-sized tab on a phone's first visit, as the delivery benchmarks
// measure it: the CPU 4× slower, slow 4G (150 ms, 1.6 Mbit/s down,
// 750 kbit/s up) and an empty cache, which the page's own requests then fill.
// With `{ network: false }`, the same phone on localhost (no network slowed).

/** Opens such a tab in `context`; returns it with its CDP session. */
export async function slowPhoneTab(context, { network = true } = {}) {
  const tab = await context.newPage();
  await tab.setViewportSize({ width: 1280, height: 900 });
  const cdp = await context.newCDPSession(tab);
  await cdp.send('Network.enable');
  await cdp.send('Network.clearBrowserCache');
  if (network) {
    await cdp.send('Network.emulateNetworkConditions', {
      offline: false,
      latency: 150,
      downloadThroughput: (1.6 * 1024 * 1024) / 8,
      uploadThroughput: (750 * 1024) / 8,
    });
  }
  await cdp.send('Emulation.setCPUThrottlingRate', { rate: 4 });
  return { tab, cdp };
}
