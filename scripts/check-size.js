// The drop-in's size budget. dist/amoiq-chat.js is a small loader that imports the main chunk;
// what a page pays at start is the loader plus the main chunk and every chunk it imports
// statically. That sum (each file gzipped on its own, as a server sends them) must stay within
// the budget. The chunks fetched later are reported, not budgeted: the panel (on the first sign
// of interest in the chat) and the rest (on first use). Also fails when the emoji picker's data
// is anywhere but its own lazy chunk. Deterministic for a given source and lockfile, so it is a
// CI check, not a benchmark.
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { join, posix } from 'node:path';
import { gzipSync } from 'node:zlib';

const BUDGET_BYTES = 40 * 1024;
const dist = process.argv[2] ?? 'dist';
const kb = (n) => `${(n / 1024).toFixed(1)} KB`;
const read = (name) => readFileSync(join(dist, name));
const gz = (name) => gzipSync(read(name), { level: 9 }).length;
let failed = false;

/** The file and every file it imports statically, transitively (names relative to dist). */
function closure(name, seen = new Set()) {
  if (seen.has(name)) return seen;
  seen.add(name);
  const code = read(name).toString('utf8');
  for (const [, spec] of code.matchAll(/(?:^|[;}\s])import\s*(?:[\w${},*\s]+from\s*)?["'`](\.\.?\/[^"'`]+)["'`]/g)) {
    closure(posix.join(posix.dirname(name), spec), seen);
  }
  return seen;
}

const loader = 'amoiq-chat.js';
const mainName = read(loader)
  .toString('utf8')
  .match(/["'`](chunks\/amoiq-chat\.main-[^"'`]+\.js)["'`]/)?.[1];
if (!mainName || !existsSync(join(dist, mainName))) {
  console.error(`size: ${loader} does not name its main chunk (chunks/amoiq-chat.main-<hash>.js)`);
  process.exit(1);
}
const start = [loader, ...closure(mainName)];
const startBytes = start.reduce((sum, name) => sum + gz(name), 0);
const line = `size: at start ${start.join(' + ')} = ${kb(startBytes)} gzip (budget ${kb(BUDGET_BYTES)})`;
if (startBytes > BUDGET_BYTES) {
  console.error(`${line}: OVER BUDGET by ${kb(startBytes - BUDGET_BYTES)}`);
  failed = true;
} else console.log(line);

const chunks = readdirSync(join(dist, 'chunks'))
  .filter((n) => n.endsWith('.js'))
  .map((n) => `chunks/${n}`)
  .sort();
const panelName = chunks.find((n) => /^chunks\/panel-[^/]+\.js$/.test(n));
const panel = panelName ? [...closure(panelName)].filter((n) => !start.includes(n)) : [];
if (panelName) console.log(`size: on first interest (the panel) ${panel.join(' + ')} = ${kb(panel.reduce((s, n) => s + gz(n), 0))} gzip`);
for (const name of chunks.filter((n) => !start.includes(n) && !panel.includes(n))) {
  console.log(`size: lazy ${name} ${kb(read(name).length)} raw, ${kb(gz(name))} gzip`);
}

// The emoji picker's curated set must be in its own chunk only. Its emoji are read from the
// source; finding most of them in one chunk shows the check can see them at all.
const data = readFileSync('src/components/emoji-picker/emoji-data.ts', 'utf8');
const emoji = [...new Set(data.match(/\p{Extended_Pictographic}\uFE0F?/gu) ?? [])];
const count = (name) => {
  const text = read(name).toString('utf8');
  return emoji.filter((e) => text.includes(e)).length;
};
const holder = chunks.map((name) => ({ name, n: count(name) })).sort((a, b) => b.n - a.n)[0];
if (!holder || holder.n < emoji.length * 0.9) {
  console.error(`size: no chunk holds the picker's ${emoji.length} emoji: the lazy chunk is missing or the check is broken`);
  failed = true;
}
// A few may appear in eager code for other reasons; the whole set must not.
const eager = [...start, ...panel].filter((name) => name !== holder?.name && count(name) > 10);
if (eager.length || start.includes(holder?.name) || panel.includes(holder?.name)) {
  console.error(`size: the emoji data is in ${[...eager, holder?.name].join(', ')}, which load before the picker is opened`);
  failed = true;
} else console.log(`size: emoji data only in the lazy ${holder.name} (${holder.n} of ${emoji.length} emoji)`);

if (failed) process.exit(1);
