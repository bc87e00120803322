// Fails when the drop-in script is over its gzip budget. The number is deterministic for a given
// source and lockfile, so it is a CI check, not a benchmark.
import { readFileSync } from 'node:fs';
import { gzipSync } from 'node:zlib';

const BUDGET_BYTES = 40 * 1024;
const file = 'dist/amoiq-chat.js';
const raw = readFileSync(file);
const gzip = gzipSync(raw, { level: 9 }).length;
const kb = (n) => `${(n / 1024).toFixed(1)} KB`;
const line = `size: ${file} ${kb(raw.length)} raw, ${kb(gzip)} gzip (budget ${kb(BUDGET_BYTES)} gzip)`;
if (gzip > BUDGET_BYTES) {
  console.error(`${line}: OVER BUDGET by ${kb(gzip - BUDGET_BYTES)}`);
  process.exit(1);
}
console.log(line);
