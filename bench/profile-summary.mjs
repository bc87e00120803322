// Summarizes a .cpuprofile (Chromium's sampling profiler, e.g. from PROFILE=dir npm run bench:load-history):
// self and total time per function, the top entries.
//
//   node bench/profile-summary.mjs tmp/profiles/append-1000.cpuprofile [TOP]
//   WINDOW=<from>-<to> node bench/profile-summary.mjs …   only the samples in that window (µs of the
//   monotonic clock the profile uses; bench/load.bench.mjs prints each phase's window)
import { readFileSync } from 'node:fs';

const [file, top = '40'] = process.argv.slice(2);
const profile = JSON.parse(readFileSync(file, 'utf8'));
const byId = new Map(profile.nodes.map((n) => [n.id, n]));
const parent = new Map();
for (const n of profile.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
const self = new Map();
const total = new Map();
const name = (n) => `${n.callFrame.functionName || '(anonymous)'} ${n.callFrame.url.split('/').pop()}:${n.callFrame.lineNumber + 1}`;
const dt = profile.timeDeltas;
const [from, to] = (process.env.WINDOW ?? '').split('-').map(Number);
let at = profile.startTime;
for (let i = 0; i < profile.samples.length; i++) {
  at += dt[i] ?? 0;
  if (process.env.WINDOW && (at < from || at > to)) continue;
  const ms = (dt[i + 1] ?? dt[i] ?? 0) / 1000;
  let node = byId.get(profile.samples[i]);
  self.set(name(node), (self.get(name(node)) ?? 0) + ms);
  const seen = new Set();
  while (node) {
    const key = name(node);
    if (!seen.has(key)) total.set(key, (total.get(key) ?? 0) + ms);
    seen.add(key);
    node = byId.get(parent.get(node.id));
  }
}
const print = (title, map) => {
  console.log(`\n${title}`);
  for (const [k, v] of [...map].sort((a, b) => b[1] - a[1]).slice(0, Number(top))) console.log(`${v.toFixed(1).padStart(9)} ms  ${k}`);
};
print('self', self);
print('total', total);
