// The size budget of what a page loads before any sign of interest in the chat. dist/amoiq-chat.js
// (the drop-in) is a small loader that imports the main chunk: the page pays the loader plus the
// main chunk and every chunk it imports statically (each file gzipped on its own, as a server
// sends them), and that sum must stay within the budget. The same holds for the lazy npm entry
// (`amoiq-chat/lazy`), measured by bundling dist/esm/lazy.js with Vite as an app would; the eager
// entry (`amoiq-chat/define`) is reported beside it. What loads later is reported, not budgeted:
// the runtime and the panel (on the first sign of interest) and the rest (on first use). Also
// fails when the emoji picker's data is anywhere but its own lazy chunk. Deterministic for a
// given source and lockfile, so it is a CI check, not a benchmark.
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { join, posix } from 'node:path';
import { gzipSync } from 'node:zlib';
import { build } from 'vite';

const BUDGET_BYTES = 12 * 1024;
const dist = process.argv[2] ?? 'dist';
const kb = (n) => `${(n / 1024).toFixed(1)} KB`;
const read = (name) => readFileSync(join(dist, name));
const gzipped = (bytes) => gzipSync(bytes, { level: 9 }).length;
const gz = (name) => gzipped(read(name));
const sum = (names, size = gz) => names.reduce((total, name) => total + size(name), 0);
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

/** Reports a start size against the budget. */
function budget(what, bytes, detail) {
  const line = `size: ${what} at start ${detail} = ${kb(bytes)} gzip (budget ${kb(BUDGET_BYTES)})`;
  if (bytes <= BUDGET_BYTES) return console.log(line);
  console.error(`${line}: OVER BUDGET by ${kb(bytes - BUDGET_BYTES)}`);
  failed = true;
}

// The drop-in.
const loader = 'amoiq-chat.js';
const mainName = read(loader)
  .toString('utf8')
  .match(/["'`](chunks\/amoiq-chat\.main-[^"'`]+\.js)["'`]/)?.[1];
if (!mainName || !existsSync(join(dist, mainName))) {
  console.error(`size: ${loader} does not name its main chunk (chunks/amoiq-chat.main-<hash>.js)`);
  process.exit(1);
}
const start = [loader, ...closure(mainName)];
budget('drop-in', sum(start), start.join(' + '));

const chunks = readdirSync(join(dist, 'chunks'))
  .filter((n) => n.endsWith('.js'))
  .map((n) => `chunks/${n}`)
  .sort();
// On interest: the runtime (service, controllers, strings) and the panel's parts, with what they share.
const interest = [
  ...new Set(chunks.filter((n) => /^chunks\/(chat-runtime|panel)-[^/]+\.js$/.test(n)).flatMap((n) => [...closure(n)])),
].filter((n) => !start.includes(n));
if (!interest.some((n) => n.startsWith('chunks/chat-runtime-'))) {
  console.error('size: no chunks/chat-runtime-<hash>.js: the chat runtime is not a lazy chunk of its own');
  failed = true;
}
console.log(`size: drop-in on first interest (runtime and panel) ${interest.join(' + ')} = ${kb(sum(interest))} gzip`);
// The runtime and the panel hold what they reach statically (vite.config.ts): a shared chunk beside
// them would be found only once the chunk naming it was fetched, one round trip more after a click.
// rolldown's helper chunk (a few hundred bytes) is the one allowed.
const extra = interest.filter((n) => !/^chunks\/(chat-runtime|panel|rolldown-runtime)-[^/]+\.js$/.test(n));
if (extra.length) {
  console.error(`size: the runtime and the panel import other chunks statically (${extra.join(', ')}): one round trip more after a click`);
  failed = true;
}
/**
 * Voice chunks (issue 11) are labelled: a chunk is voice when most of its sources (its source map)
 * are voice code — the voice components, dictation, read-aloud, the voice services — or
 * libphonenumber-js (the phone form's number checks).
 */
const VOICE_SOURCE = /\/(components\/(voice-[^/]+|audio-player|dictation-button|read-aloud)|services\/voice)\/|\/libphonenumber-js\//;
function voiceLabel(name) {
  if (!existsSync(join(dist, `${name}.map`))) return '';
  const sources = JSON.parse(read(`${name}.map`).toString('utf8')).sources ?? [];
  return sources.filter((s) => VOICE_SOURCE.test(s)).length * 2 > sources.length ? ' [voice]' : '';
}
for (const name of chunks.filter((n) => !start.includes(n) && !interest.includes(n))) {
  console.log(`size: drop-in lazy${voiceLabel(name)} ${name} ${kb(read(name).length)} raw, ${kb(gz(name))} gzip`);
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
const eager = [...start, ...interest].filter((name) => name !== holder?.name && count(name) > 10);
if (eager.length || start.includes(holder?.name) || interest.includes(holder?.name)) {
  console.error(`size: the emoji data is in ${[...eager, holder?.name].join(', ')}, which load before the picker is opened`);
  failed = true;
} else console.log(`size: emoji data only in the lazy ${holder.name} (${holder.n} of ${emoji.length} emoji)`);

/**
 * Bundles an npm entry as an app would (Vite: rolldown, minified, ES2020, code splitting, the
 * package's dependencies bundled) and returns its chunks: the entry with what it imports
 * statically is the start. Vite's own preload helper is left out: every Vite app that imports
 * anything lazily has it already.
 */
async function bundle(entry) {
  const result = await build({
    configFile: false,
    logLevel: 'silent',
    plugins: [
      {
        name: 'no-preload-helper',
        enforce: 'pre',
        load: (id) => (id === '\0vite/preload-helper.js' ? 'export const __vitePreload = (f) => f();' : undefined),
      },
    ],
    build: { write: false, minify: true, target: 'es2020', modulePreload: false, rolldownOptions: { input: { app: entry } } },
  });
  const output = (Array.isArray(result) ? result[0] : result).output.filter((f) => f.type === 'chunk');
  const byName = new Map(output.map((c) => [c.fileName, c]));
  const seen = new Set();
  const walk = (name) => {
    if (seen.has(name)) return;
    seen.add(name);
    for (const next of byName.get(name)?.imports ?? []) walk(next);
  };
  walk(output.find((c) => c.isEntry).fileName);
  const size = (c) => gzipped(Buffer.from(c.code));
  return {
    start: [...seen].reduce((total, name) => total + size(byName.get(name)), 0),
    total: output.reduce((total, c) => total + size(c), 0),
    chunks: output.length,
  };
}

for (const entry of ['lazy', 'define']) {
  const file = join(dist, 'esm', `${entry}.js`);
  if (!existsSync(file)) {
    console.error(`size: ${file} is missing: run npm run build first`);
    failed = true;
    continue;
  }
  const { start: bytes, total, chunks: n } = await bundle(file);
  const what = `npm amoiq-chat/${entry} (bundled by an app: ${n} chunks, ${kb(total)} gzip in all)`;
  if (entry === 'lazy') budget(what, bytes, 'its entry chunk and static imports');
  else console.log(`size: ${what} at start ${kb(bytes)} gzip (eager: everything up front, not budgeted)`);
}

if (failed) process.exit(1);
