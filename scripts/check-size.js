// Fails when the drop-in script is over its gzip budget, or when the emoji picker's data ended up in
// it instead of its lazy chunk. Prints the gzip size of every lazy file (locales, chunks). The
// numbers are deterministic for a given source and lockfile, so it is a CI check, not a benchmark.
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';

const BUDGET_BYTES = 40 * 1024;
const dist = process.argv[2] ?? 'dist';
const file = join(dist, 'amoiq-chat.js');
const raw = readFileSync(file);
const gzip = gzipSync(raw, { level: 9 }).length;
const kb = (n) => `${(n / 1024).toFixed(1)} KB`;
let failed = false;

const line = `size: ${file} ${kb(raw.length)} raw, ${kb(gzip)} gzip (budget ${kb(BUDGET_BYTES)} gzip)`;
if (gzip > BUDGET_BYTES) {
  console.error(`${line}: OVER BUDGET by ${kb(gzip - BUDGET_BYTES)}`);
  failed = true;
} else console.log(line);

// Lazy files: loaded only when needed, so they are reported, not budgeted.
for (const dir of ['locales', 'chunks']) {
  const path = join(dist, dir);
  if (!existsSync(path)) continue;
  for (const name of readdirSync(path).filter((n) => n.endsWith('.js')).sort()) {
    const bytes = readFileSync(join(path, name));
    console.log(`size: lazy ${join(path, name)} ${kb(bytes.length)} raw, ${kb(gzipSync(bytes, { level: 9 }).length)} gzip`);
  }
}

// The emoji picker's curated set must be in chunks/emoji-picker.js only. Its emoji are read from
// the source; finding most of them in the chunk shows the check can see them at all.
const data = readFileSync('src/components/emoji-picker/emoji-data.ts', 'utf8');
const emoji = [...new Set(data.match(/\p{Extended_Pictographic}\uFE0F?/gu) ?? [])];
const main = raw.toString('utf8');
const chunkFile = join(dist, 'chunks', 'emoji-picker.js');
const chunk = existsSync(chunkFile) ? readFileSync(chunkFile, 'utf8') : '';
const inMain = emoji.filter((e) => main.includes(e));
const inChunk = emoji.filter((e) => chunk.includes(e));
if (inChunk.length < emoji.length * 0.9) {
  console.error(`size: ${chunkFile} holds ${inChunk.length} of the picker's ${emoji.length} emoji: the lazy chunk is missing or the check is broken`);
  failed = true;
}
// A few may appear in the main script for other reasons; the whole set must not.
if (inMain.length > 10) {
  console.error(`size: ${file} holds ${inMain.length} of the picker's ${emoji.length} emoji: the emoji data is in the initial bundle, not in its lazy chunk`);
  failed = true;
} else console.log(`size: emoji data only in the lazy chunk (${inChunk.length} of ${emoji.length} emoji there, ${inMain.length} in ${file})`);

if (failed) process.exit(1);
