// First load of a long conversation, A/B (issue 17): two or more checkouts of the widget and the
// reference backend measured side by side, at the same time, so a loaded machine slows them alike.
// Each checkout's drop-in is built, its backend started (own data directory) and seeded with the
// same conversation through the agent API; then fresh profiles (an incognito context, the visitor
// id written where the widget keeps it) load the demo page of each in turn, RUNS times, and the
// script prints per build: navigation → last message visible, the requests to /api/chat/ made
// before it (round trips), when the session request left and was answered, and the main thread's
// task time until then. It is a benchmark, not a test.
//
//   BUILDS=before=/tmp/base,after=. COUNT=1000 RUNS=5 node bench/first-load.bench.mjs
//   (SKIP_BUILD=1 reuses each checkout's tmp/bench-widget; CHROME_PATH)
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { launchChromium } from './chromium.mjs';
import { LIFTED_LIMITS, agentLogin, seedConversation, startBackend, storeVisitorId } from './bench-backend.mjs';

const COUNT = Number(process.env.COUNT ?? 1000);
const RUNS = Number(process.env.RUNS ?? 5);
const BUILDS = (process.env.BUILDS ?? `current=.`).split(',').map((spec) => {
  const [name, dir] = spec.split('=');
  return { name, dir: resolve(dir) };
});
const WIDGET = 'tmp/bench-widget';
const load = () => loadavg()[0].toFixed(1);

/** Builds the checkout's drop-in, starts its backend, seeds COUNT messages; resolves with its URL and visitor id. */
async function prepare(build) {
  if (!process.env.SKIP_BUILD) {
    execFileSync('npx', ['vite', 'build', '--logLevel', 'warn', '--outDir', WIDGET, '--emptyOutDir'], { cwd: build.dir, stdio: 'inherit' });
  }
  const dataDir = mkdtempSync(join(tmpdir(), 'amoiq-bench-first-'));
  const { child, url, password } = await startBackend({
    cwd: build.dir,
    widgetDir: WIDGET,
    dataDir,
    env: LIFTED_LIMITS,
    name: `${build.name}: backend`,
    password: true,
  });
  const { visitorId } = await seedConversation({
    url,
    token: await agentLogin(url, password),
    visitorId: `bench_first_${Date.now()}`.padEnd(21, 'x'),
    count: COUNT,
    text: (n) => (n === COUNT ? 'LAST-MESSAGE' : `message ${n}`),
  });
  return { ...build, url, visitorId, child, dataDir };
}

/** In the page: opens the panel as soon as the element exists; notes when the last message shows. */
const PAGE_HOOKS = () => {
  const deep = (root, selector) => {
    const found = root.querySelector(selector);
    if (found) return found;
    for (const el of root.querySelectorAll('*')) {
      const inner = el.shadowRoot && deep(el.shadowRoot, selector);
      if (inner) return inner;
    }
    return null;
  };
  const tick = () => {
    const chat = window.AmoiqChat?.element;
    if (chat && !chat.open) chat.open = true;
    const list = chat && deep(chat.shadowRoot ?? document, 'amoiq-message-list');
    if (list?.shadowRoot?.textContent?.includes('LAST-MESSAGE')) window.__lastVisible = performance.now();
    else requestAnimationFrame(tick);
  };
  requestAnimationFrame(tick);
};

const browser = await launchChromium(['--disable-quic']);

/** One fresh-profile first load of `build`'s demo page. */
async function measure(build) {
  const context = await browser.createBrowserContext();
  const page = await context.newPage();
  await page.setViewport({ width: 1280, height: 800 });
  const cdp = await page.createCDPSession();
  await cdp.send('Performance.enable', { timeDomain: 'threadTicks' });
  await page.evaluateOnNewDocument(PAGE_HOOKS);
  if (process.env.DEBUG) page.on('console', (m) => console.error(`${build.name} page: ${m.text()}`));
  await storeVisitorId(page, build.url, build.visitorId);
  const task = async () => (await cdp.send('Performance.getMetrics')).metrics.find((m) => m.name === 'TaskDuration').value;
  const before = await task();
  await page.goto(`${build.url}/`, { waitUntil: 'load' });
  await page.waitForFunction(() => window.__lastVisible !== undefined, { timeout: 120_000, polling: 50 });
  const busy = ((await task()) - before) * 1000;
  const result = await page.evaluate(() => {
    const visible = window.__lastVisible;
    const api = performance
      .getEntriesByType('resource')
      .filter((e) => e.name.includes('/api/chat/') && e.startTime < visible)
      .map((e) => ({ path: new URL(e.name).pathname, start: e.startTime, end: e.responseEnd }));
    return { visible, api };
  });
  await context.close();
  const session = result.api.find((r) => r.path === '/api/chat/session');
  return {
    visible: result.visible,
    requests: result.api.length,
    sessionStart: session?.start ?? NaN,
    sessionEnd: session?.end ?? NaN,
    busy,
  };
}

console.error(`load average ${load()}: preparing ${BUILDS.map((b) => b.name).join(', ')} (${COUNT} messages each)`);
const prepared = await Promise.all(BUILDS.map(prepare));
const results = new Map(prepared.map((b) => [b.name, []]));
const loads = [load()];
for (let run = 0; run < RUNS; run++) {
  // Alternate the order, so neither build always goes first.
  for (const build of run % 2 ? [...prepared].reverse() : prepared) {
    const r = await measure(build);
    results.get(build.name).push(r);
    console.error(
      `${build.name} run ${run + 1}: ${JSON.stringify(Object.fromEntries(Object.entries(r).map(([k, v]) => [k, Math.round(v)])))}`,
    );
  }
  loads.push(load());
}
const median = (values) => {
  const s = [...values].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)];
};
console.log(`\n${COUNT} messages, ${RUNS} runs each, load average (1 min) ${loads.join(' → ')}\n`);
console.log(
  '| build | navigation → last visible (median, min–max) | /api/chat requests before it | session request leaves / answered | main-thread task time until visible |',
);
console.log('| --- | --- | --- | --- | --- |');
for (const [name, rs] of results) {
  const v = rs.map((r) => r.visible);
  console.log(
    `| ${name} | ${median(v).toFixed(0)} ms (${Math.min(...v).toFixed(0)}–${Math.max(...v).toFixed(0)}) | ${[...new Set(rs.map((r) => r.requests))].join(' / ')} | ${median(rs.map((r) => r.sessionStart)).toFixed(0)} / ${median(rs.map((r) => r.sessionEnd)).toFixed(0)} ms | ${median(rs.map((r) => r.busy)).toFixed(0)} ms |`,
  );
}
await browser.close();
for (const b of prepared) {
  b.child.kill('SIGTERM');
  rmSync(b.dataDir, { recursive: true, force: true });
}
