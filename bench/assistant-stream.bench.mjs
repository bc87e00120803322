// Benchmark of a streamed assistant answer (issue 12): a 2,000-token answer (about 8,000
// characters of markdown) arrives in 20-character deltas at the end of a 1,000-message
// conversation in <amoiq-message-list>, in Debian's Chromium (headless). For each delta it
// measures the main-thread time it costs: handing it to ChatService.streams, and the render of the
// growing answer it leads to (Lit's update, style and layout; at most one render per frame and per
// 50 ms, taking in every delta since, counted with the last of them). Besides, the whole
// main-thread task time over the answer (Chromium's TaskDuration: scroll events, paint and commit
// included) less that of as many idle frames; it reports p50, p95, max and the total, and the mean of the first and the last 50
// deltas (flat: the cost does not grow with the answer), each beside its target. Builds
// bench/assistant-page with Vite into a temporary directory and serves it with a tiny static server.
// Not part of `npm test`: the figures depend on the machine. `npm run bench:assistant`
// (COUNT=1000, TOKENS=2000, DELTA=20, RUNS=3, CHROME_PATH=/usr/bin/chromium to change).
import { createServer } from 'node:http';
import { mkdtempSync, readFileSync, rmSync, existsSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { extname, join, normalize, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'vite';
import { launchChromium } from './chromium.mjs';

const COUNT = Number(process.env.COUNT ?? 1_000);
const TOKENS = Number(process.env.TOKENS ?? 2_000);
const DELTA = Number(process.env.DELTA ?? 20);
const RUNS = Number(process.env.RUNS ?? 3);
/** The stream element's least time between renders (src/components/assistant-stream/assistant-stream.ts). */
const STREAM_RENDER_INTERVAL = 100;
const here = dirname(fileURLToPath(import.meta.url));
const out = mkdtempSync(join(tmpdir(), 'amoiq-bench-assistant-'));
const types = { '.html': 'text/html', '.js': 'text/javascript', '.css': 'text/css', '.map': 'application/json' };

/** A markdown answer of about `tokens` tokens (4 characters each): paragraphs, lists, emphasis, links, code. */
function answer(tokens) {
  const parts = [
    'To return an item, open **Your orders**, pick the order and choose _Return items_. ',
    'You can print the label at home or show the QR code at a drop-off point; see [the returns page](https://example.com/returns). ',
    'Refunds reach your card within `5–7` business days after we receive the parcel.\n\n',
    '- Keep the original packaging if you can\n- Include every accessory\n- Note the tracking number\n\n',
    '1. Pack the item\n2. Attach the label\n3. Drop it off\n\n',
    'Exchanges work the same way: choose *Exchange* instead and pick the new size or colour. ',
    'Need more help? https://example.com/help has answers to common questions.\n\n',
  ];
  let text = '';
  for (let i = 0; text.length < tokens * 4; i++) text += parts[i % parts.length];
  return text.slice(0, tokens * 4);
}

const quantile = (xs, q) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor(q * s.length))];
};
const mean = (xs) => xs.reduce((a, b) => a + b, 0) / xs.length;
const median = (xs) => quantile(xs, 0.5);

/**
 * From a trace: the main thread's CPU time per delta (top-level tasks between its mark and the
 * next, less the idle frame's), their total, and the CPU time of an idle frame. The total and the
 * means are of the differences as they are: a frame's CPU time varies by ±0.05 ms around the idle
 * mean even when it does nothing more, and cutting each difference at 0 would add that noise
 * (about 25 ms over 400 deltas) to the total. Only the per-delta quantiles are cut at 0.
 */
function cpuPerDelta(events) {
  const marks = events.filter((e) => e.cat === 'blink.user_timing' && e.name.startsWith('bench-'));
  const at = (name) => marks.find((e) => e.name === name);
  const { pid, tid } = at('bench-delta-0');
  const tasks = events.filter((e) => e.name === 'RunTask' && e.ph === 'X' && e.pid === pid && e.tid === tid && e.tdur !== undefined);
  const cpuBetween = (from, to) => tasks.filter((e) => e.ts >= from && e.ts < to).reduce((sum, e) => sum + e.tdur / 1000, 0);
  const idleStart = at('bench-idle-start').ts;
  const idleEnd = at('bench-idle-end').ts;
  const deltaMarks = marks.filter((e) => e.name.startsWith('bench-delta-')).sort((a, b) => a.ts - b.ts);
  const idlePerFrame = cpuBetween(idleStart, idleEnd) / deltaMarks.length;
  const end = at('bench-stream-end').ts;
  const deltas = deltaMarks.map((m, i) => cpuBetween(m.ts, deltaMarks[i + 1]?.ts ?? end) - idlePerFrame);
  return { deltas, total: deltas.reduce((a, b) => a + b, 0), idlePerFrame };
}

async function main() {
  await build({
    root: join(here, 'assistant-page'),
    configFile: false,
    logLevel: 'warn',
    build: { outDir: out, emptyOutDir: true, target: 'es2022', minify: !process.env.TRACE },
  });
  const server = createServer((req, res) => {
    const path = normalize(join(out, new URL(req.url, 'http://x').pathname));
    const file = path.startsWith(out) && existsSync(path) && !path.endsWith('/') ? path : join(out, 'index.html');
    res.writeHead(200, { 'Content-Type': types[extname(file)] ?? 'application/octet-stream' });
    res.end(readFileSync(file));
  });
  await new Promise((r) => server.listen(0, '127.0.0.1', r));
  const url = `http://127.0.0.1:${server.address().port}/`;
  const browser = await launchChromium();
  const text = answer(TOKENS);
  const version = await browser.version();
  const runs = [];
  try {
    for (let run = 0; run < RUNS; run++) {
      const page = await browser.newPage();
      await page.setViewport({ width: 800, height: 800 });
      await page.goto(url);
      await page.waitForFunction(() => 'bench' in window);
      await page.evaluate((n) => window.bench.load(n), COUNT);
      // A short answer first, so the lazy assistant chunk and the first-render costs are not counted.
      await page.evaluate(() => window.bench.stream('warm', 'Warming up: **hello**.\n\nSecond paragraph.', 20));
      // The main thread's CPU time while the answer streams, from a trace: each top-level task's
      // thread time (`tdur`, so a loaded machine's waiting is not counted), per delta from its
      // mark to the next one (scroll events, paint and commit included), less that of idle frames
      // (the benchmark's own frame loop). And Chromium's TaskDuration (wall-clock) for comparison.
      const cdp = await page.createCDPSession();
      await cdp.send('Performance.enable');
      const taskTime = async () => (await cdp.send('Performance.getMetrics')).metrics.find((x) => x.name === 'TaskDuration').value * 1000;
      const deltaCount = Math.ceil(text.length / DELTA);
      // TRACE=file.json keeps the first run's trace (unminified build); TRACE_JS=1 adds the V8
      // sampling profiler's samples (for DevTools; it slows the JavaScript down).
      const categories = ['disabled-by-default-devtools.timeline', 'blink.user_timing'];
      if (process.env.TRACE) categories.push('devtools.timeline');
      if (process.env.TRACE_JS) categories.push('v8.execute', 'disabled-by-default-v8.cpu_profiler');
      await page.tracing.start({ categories });
      let t0 = await taskTime();
      await page.evaluate((n) => window.bench.idle(n), deltaCount);
      const idle = (await taskTime()) - t0;
      t0 = await taskTime();
      const r = await page.evaluate((t, size) => window.bench.stream('s1', t, size), text, DELTA);
      const streamTask = (await taskTime()) - t0;
      const trace = new TextDecoder().decode(await page.tracing.stop());
      if (process.env.TRACE && run === 0) writeFileSync(process.env.TRACE, trace);
      const cpu = cpuPerDelta(JSON.parse(trace).traceEvents);
      if (!r.text.includes('Need more help?')) throw new Error('the streamed answer did not render');
      const d = r.deltas;
      runs.push({
        deltas: d.length,
        p50: quantile(d, 0.5),
        p95: quantile(d, 0.95),
        max: Math.max(...d),
        total: d.reduce((a, b) => a + b, 0),
        first50: mean(d.slice(0, 50)),
        last50: mean(d.slice(-50)),
        replace: r.replace,
        below: r.below,
        renders: r.renders,
        task: streamTask - idle,
        cpuP50: Math.max(0, quantile(cpu.deltas, 0.5)),
        cpuP95: Math.max(0, quantile(cpu.deltas, 0.95)),
        cpuTotal: cpu.total,
        cpuIdleFrame: cpu.idlePerFrame,
        cpuFirst50: mean(cpu.deltas.slice(0, 50)),
        cpuLast50: mean(cpu.deltas.slice(-50)),
        parse: r.split[0],
        update: r.split[1],
        layout: r.split[2],
      });
      await page.close();
    }
  } finally {
    await browser.close();
    server.close();
    rmSync(out, { recursive: true, force: true });
  }
  const m = (k) => median(runs.map((r) => r[k]));
  const ms = (v) => `${v.toFixed(2)} ms`;
  const load = (await import('node:os')).loadavg()[0].toFixed(1);
  console.log(
    `assistant stream: ${TOKENS} tokens (${text.length} characters) in ${DELTA}-character deltas (${runs[0].deltas} deltas) after ${COUNT} messages; ${version}; median of ${RUNS} runs; load average ${load} on ${(await import('node:os')).cpus().length} cores`,
  );
  const rows = [
    ['main-thread CPU time per delta, p50', ms(m('cpuP50')), '—'],
    ['main-thread CPU time per delta, p95', ms(m('cpuP95')), '—'],
    ['main-thread CPU time over the answer', ms(m('cpuTotal')), '≤ 100 ms'],
    ['  CPU mean of the first / last 50 deltas', `${ms(m('cpuFirst50'))} / ${ms(m('cpuLast50'))}`, 'flat'],
    ['  an idle frame (subtracted above)', ms(m('cpuIdleFrame')), '—'],
    ['wall-clock (inflated when the machine is loaded):', '', ''],
    ['main-thread time per delta, p50', ms(m('p50')), '—'],
    ['main-thread time per delta, p95', ms(m('p95')), '—'],
    ['main-thread time per delta, max', ms(m('max')), '—'],
    ['total over the answer', ms(m('total')), '≤ 100 ms'],
    ['all main-thread tasks over the answer, less idle frames', ms(m('task')), '—'],
    ['mean of the first 50 deltas', ms(m('first50')), 'flat'],
    ['mean of the last 50 deltas', ms(m('last50')), `flat (≤ 1.5 × first: ${ms(1.5 * m('first50'))})`],
    ['  of the total: service (scan of each delta)', ms(m('parse')), '—'],
    // While the answer is followed, the element's updated() reads the scroll height: style and
    // layout then happen inside Lit's update, and little is left for the read after it.
    ['  of the total: Lit update (tail parse; style and layout when following)', ms(m('update')), '—'],
    ['  of the total: style and layout left after the update', ms(m('layout')), '—'],
    ['renders of the growing answer', String(m('renders')), `≤ one per frame, ≥ ${STREAM_RENDER_INTERVAL} ms apart`],
    ['final message replaces the stream', ms(m('replace')), '—'],
    ['end of the answer below the view when done', `${m('below').toFixed(0)} px`, '0 px (followed)'],
  ];
  const w = [Math.max(...rows.map((r) => r[0].length)), Math.max(...rows.map((r) => r[1].length))];
  for (const [name, value, target] of rows)
    console.log(`  ${name.padEnd(w[0])}  ${value.padStart(w[1])}${target ? `   target ${target}` : ''}`);
  // The answer must stay in view as it grows: an answer left below the view costs less to render.
  const ok = m('cpuTotal') <= 100 && m('cpuLast50') <= 1.5 * m('cpuFirst50') + 0.05 && m('below') < 1;
  console.log(ok ? 'within targets' : 'OUTSIDE TARGETS');
  process.exitCode = ok ? 0 : 1;
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
