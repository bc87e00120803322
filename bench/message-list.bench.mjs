// Benchmark of <amoiq-message-list> with a long conversation, in Debian's Chromium (headless).
// Builds bench/page with Vite into a temporary directory, serves it with a tiny static server and
// prints a table. Not part of `npm test`: the figures depend on the machine. Run it with
// `npm run bench:list` (COUNT=10000, CHROME_PATH=/usr/bin/chromium, RUNS=3 to change).
import { createServer } from 'node:http';
import { mkdtempSync, readFileSync, rmSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { extname, join, normalize, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'vite';
import { launchChromium } from './chromium.mjs';

const COUNT = Number(process.env.COUNT ?? 10_000);
const RUNS = Number(process.env.RUNS ?? 3);
const STEP = 1_200; // pixels scrolled per frame on the way to the top
const here = dirname(fileURLToPath(import.meta.url));
const out = mkdtempSync(join(tmpdir(), 'amoiq-bench-'));

const types = { '.html': 'text/html', '.js': 'text/javascript', '.css': 'text/css', '.map': 'application/json' };

async function main() {
  await build({
    root: join(here, 'page'),
    configFile: false,
    logLevel: 'warn',
    build: { outDir: out, emptyOutDir: true, target: 'es2022' },
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
  const results = [];
  try {
    for (let run = 0; run < RUNS; run++) {
      const page = await browser.newPage();
      await page.setViewport({ width: 800, height: 800 });
      await page.goto(url);
      await page.waitForFunction(() => 'bench' in window);
      const render = await page.evaluate((n) => window.bench.render(n), COUNT);
      const appends = [];
      for (let i = 0; i < 5; i++) appends.push(await page.evaluate(() => window.bench.append()));
      const scroll = await page.evaluate((step) => window.bench.scrollToTop(step), STEP);
      const nodes = await page.evaluate(() => window.bench.nodes());
      results.push({ render, append: median(appends), frames: scroll.frames, work: scroll.work, nodes });
      await page.close();
    }
  } finally {
    await browser.close();
    server.close();
    rmSync(out, { recursive: true, force: true });
  }
  const frames = results.flatMap((r) => r.frames);
  const work = results.flatMap((r) => r.work);
  const ms = (n) => `${n.toFixed(1)} ms`;
  const rows = [
    ['messages', String(COUNT)],
    ['initial render (to first frame), median', ms(median(results.map((r) => r.render)))],
    ['append one message (to next frame), median', ms(median(results.map((r) => r.append)))],
    [`scroll to top: frames per run (${STEP} px/frame)`, String(Math.round(frames.length / RUNS))],
    ['scroll to top: frame time p50 / p95', `${ms(percentile(frames, 50))} / ${ms(percentile(frames, 95))}`],
    ['scroll to top: work per frame p50 / p95', `${ms(percentile(work, 50))} / ${ms(percentile(work, 95))}`],
    ['DOM elements in the list / rows rendered', `${results[0].nodes.list} / ${results[0].nodes.rows}`],
  ];
  const width = Math.max(...rows.map((r) => r[0].length));
  console.log(`amoiq-message-list benchmark, ${RUNS} runs, ${new Date().toISOString()}`);
  for (const [k, v] of rows) console.log(`${k.padEnd(width)}  ${v}`);
}

function median(values) {
  return percentile(values, 50);
}

function percentile(values, p) {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];
}

main().catch((err) => {
  console.error(err);
  rmSync(out, { recursive: true, force: true });
  process.exit(1);
});
