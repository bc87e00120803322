// What one render of a growing text costs Chromium itself on this machine, with no widget code:
// the floor under `bench:assistant` (issue 12). A plain page (no Lit, no markdown, no listeners)
// with a 360 × 800 scroller of 40 short rows and a bubble at the end; every 6th animation frame
// (about every 100 ms, the stream's render interval) it adds text to the bubble's last paragraph
// (a new paragraph every 6 renders) and scrolls to the bottom, as a followed answer does. A second
// mode changes one short text node outside the scroller instead (the least a render can change).
// Both are measured as bench:assistant measures the answer: the main thread's CPU time from a trace
// (each top-level task's thread time, style, layout, paint and commit included) less that of as
// many idle frames. Prints the cost per render and for RENDERS renders (58: bench:assistant's
// answer), median of RUNS runs. Not part of `npm test`. `npm run bench:render-floor`
// (RENDERS=58, CHARS=140, RUNS=3, CHROME_PATH=/usr/bin/chromium).
import { launchChromium } from './chromium.mjs';

const RENDERS = Number(process.env.RENDERS ?? 58);
/** Characters added per render: bench:assistant's 8,000 over its 58 renders. */
const CHARS = Number(process.env.CHARS ?? 140);
const RUNS = Number(process.env.RUNS ?? 3);
const FRAMES_PER_RENDER = 6;

const page = `<!doctype html><meta charset="utf-8"><style>
body { margin: 0; font: 14px/1.4 system-ui, sans-serif }
#list { block-size: 800px; inline-size: 360px; overflow-y: auto; overflow-anchor: none }
.row { padding: 2px 16px } .message { display: flex; gap: 8px; max-inline-size: 85% }
.content { display: flex; flex-direction: column; align-items: flex-start; min-inline-size: 0 }
.bubble { padding: 8px 12px; border-radius: 12px; background: #eee; overflow-wrap: break-word; max-inline-size: 100% }
.bubble p { margin: 0 } .bubble > :not(:first-child) { margin-block-start: 0.5em }
</style>
<div id="tiny">0</div>
<div id="list">${Array.from(
  { length: 40 },
  (_, i) =>
    `<div class="row"><div class="message"><div class="content"><div class="bubble"><p>Message ${i}, with <b>some</b> text</p></div></div></div></div>`,
).join('')}<div class="row"><div class="message"><div class="content"><div class="bubble" id="answer"></div></div></div></div></div>
<script>
const frame = () => new Promise((r) => requestAnimationFrame(r));
const list = document.getElementById('list');
const answer = document.getElementById('answer');
const tiny = document.getElementById('tiny');
const words = 'lorem ipsum dolor sit amet consectetur adipiscing elit sed do eiusmod tempor incididunt ut labore ';
window.idle = async (frames) => {
  performance.mark('floor-idle-start');
  for (let i = 0; i < frames; i++) await frame();
  performance.mark('floor-idle-end');
};
window.run = async (mode, renders, chars) => {
  answer.textContent = '';
  let text = null;
  performance.mark('floor-start');
  for (let i = 0; i < renders; i++) {
    if (mode === 'tiny') tiny.firstChild.data = String(i);
    else {
      if (i % 6 === 0) {
        const p = document.createElement('p');
        text = document.createTextNode('');
        p.append(text);
        answer.append(p);
      }
      let add = '';
      while (add.length < chars) add += words;
      text.data += add.slice(0, chars);
      list.scrollTop = list.scrollHeight;
    }
    for (let f = 0; f < ${FRAMES_PER_RENDER}; f++) await frame();
  }
  performance.mark('floor-end');
};
</script>`;

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

/** The main thread's CPU time (ms) in top-level tasks between two marks of a trace. */
function cpuBetween(events, from, to) {
  const marks = events.filter((e) => e.cat === 'blink.user_timing');
  const a = marks.find((e) => e.name === from);
  const b = marks.find((e) => e.name === to);
  return events
    .filter((e) => e.name === 'RunTask' && e.ph === 'X' && e.pid === a.pid && e.tid === a.tid && e.ts >= a.ts && e.ts < b.ts)
    .reduce((sum, e) => sum + (e.tdur ?? 0) / 1000, 0);
}

async function main() {
  const browser = await launchChromium();
  const version = await browser.version();
  /** @type {Record<string, number[]>} */
  const results = { grow: [], tiny: [] };
  try {
    for (let run = 0; run < RUNS; run++) {
      for (const mode of ['grow', 'tiny']) {
        const tab = await browser.newPage();
        await tab.setViewport({ width: 800, height: 900 });
        await tab.setContent(page);
        await tab.evaluate((m) => window.run(m, 6, 140), mode); // warm: the first layouts and paints
        await tab.tracing.start({ categories: ['disabled-by-default-devtools.timeline', 'blink.user_timing'] });
        await tab.evaluate((n) => window.idle(n), RENDERS * FRAMES_PER_RENDER);
        await tab.evaluate((m, n, c) => window.run(m, n, c), mode, RENDERS, CHARS);
        const events = JSON.parse(new TextDecoder().decode(await tab.tracing.stop())).traceEvents;
        const excess = cpuBetween(events, 'floor-start', 'floor-end') - cpuBetween(events, 'floor-idle-start', 'floor-idle-end');
        results[mode].push(excess);
        await tab.close();
      }
    }
  } finally {
    await browser.close();
  }
  const { loadavg, cpus } = await import('node:os');
  console.log(
    `render floor: ${RENDERS} renders, one every ${FRAMES_PER_RENDER} frames, no widget code; ${version}; median of ${RUNS} runs; load average ${loadavg()[0].toFixed(1)} on ${cpus().length} cores`,
  );
  for (const [mode, label] of [
    ['grow', `bubble grows by ${CHARS} characters and is followed`],
    ['tiny', 'one short text node outside the list changes'],
  ]) {
    const total = median(results[mode]);
    console.log(
      `  ${label.padEnd(52)} ${(total / RENDERS).toFixed(2).padStart(6)} ms per render, ${total.toFixed(0).padStart(4)} ms for ${RENDERS}`,
    );
  }
  console.log(
    `  (bench:assistant's target, 100 ms for its ${RENDERS} renders, leaves ${(100 / RENDERS).toFixed(2)} ms per render for everything)`,
  );
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
