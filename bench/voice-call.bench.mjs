// Voice call benchmark (issue 11): click "Call" → both sides connected with audio, on loopback,
// p50/p95 over 20 in-browser calls between a visitor and an agent signaled through the reference
// backend (WebRtcCall on each side, Chromium's fake microphones). The browser half is
// bench/voice-call.browser.ts, run by web-test-runner (its backend plugin starts the server).
// A benchmark, not a test.
//
//   node bench/voice-call.bench.mjs
import { spawnSync } from 'node:child_process';

const run = spawnSync('npx', ['web-test-runner', 'bench/voice-call.browser.ts'], { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
const out = `${run.stdout}\n${run.stderr}`;
const line = out.match(/voice-call-bench (\[[\d,\s]*\])/);
if (!line) {
  console.error(out.slice(-4000));
  console.error('voice-call bench: no result (see the output above)');
  process.exit(1);
}
const samples = /** @type {number[]} */ (JSON.parse(line[1])).sort((a, b) => a - b);
const pct = (/** @type {number} */ p) => samples[Math.min(samples.length - 1, Math.ceil((p / 100) * samples.length) - 1)];
console.log(`voice call setup (click Call → both connected with audio), ${samples.length} calls on loopback:`);
console.log(`  p50 ${pct(50)} ms   p95 ${pct(95)} ms   min ${samples[0]} ms   max ${samples.at(-1)} ms`);
