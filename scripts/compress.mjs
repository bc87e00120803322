// @ts-check
/**
 * Precompresses the built files the reference backend serves (demo/server/static.js): each
 * text file (JavaScript, CSS, HTML, source maps, SVG) of at least 1 KiB gets a `.br` (Brotli,
 * quality 11) and a `.gz` (gzip, level 9) beside it, which the server sends when the request's
 * `Accept-Encoding` allows. Compressing once at build time lets the slowest settings be used
 * (Brotli 11 is far too slow per request) and costs the server nothing per request.
 *
 * Node's own zlib does it (Brotli and gzip are built in since Node 11): no dependency, and the
 * same code runs after `vite build` of the widget and of the agent console.
 *
 * `node scripts/compress.mjs [path…]` (files or folders, walked recursively); without paths:
 * dist/amoiq-chat.js, dist/chunks and demo/agent/dist (those that exist). dist/esm, the npm
 * build, is left alone.
 */
import { existsSync } from 'node:fs';
import { readFile, readdir, stat, unlink, writeFile } from 'node:fs/promises';
import { dirname, extname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { brotliCompress, constants, gzip } from 'node:zlib';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const DEFAULT_PATHS = ['dist/amoiq-chat.js', 'dist/chunks', 'demo/agent/dist'].map((p) => join(ROOT, p));
const TYPES = new Set(['.html', '.js', '.mjs', '.css', '.map', '.svg', '.txt']);
/** Smaller files gain too little to be worth a second request path. */
const MIN_BYTES = 1024;

const brotli = promisify(brotliCompress);
const gz = promisify(gzip);

/**
 * Writes `file.br` and `file.gz`; removes stale ones of a file now too small to compress.
 * @param {string} file
 * @returns {Promise<{ file: string, bytes: number, br: number, gz: number } | null>}
 */
export async function compressFile(file) {
  const data = await readFile(file);
  if (data.length < MIN_BYTES) {
    await Promise.all(['.br', '.gz'].map((s) => unlink(file + s).catch(() => undefined)));
    return null;
  }
  const [br, gzipped] = await Promise.all([
    brotli(data, {
      params: {
        [constants.BROTLI_PARAM_QUALITY]: constants.BROTLI_MAX_QUALITY,
        [constants.BROTLI_PARAM_MODE]: constants.BROTLI_MODE_TEXT,
        [constants.BROTLI_PARAM_SIZE_HINT]: data.length,
      },
    }),
    gz(data, { level: constants.Z_BEST_COMPRESSION }),
  ]);
  // Written after the original, so the server's "not older than the original" check holds.
  await Promise.all([writeFile(file + '.br', br), writeFile(file + '.gz', gzipped)]);
  return { file, bytes: data.length, br: br.length, gz: gzipped.length };
}

/**
 * Compresses every file of a served type under `paths` (files or folders).
 * @param {string[]} paths
 */
export async function compressPaths(paths) {
  /** @type {Array<{ file: string, bytes: number, br: number, gz: number }>} */
  const done = [];
  /** @param {string} path */
  const visit = async (path) => {
    const info = await stat(path);
    if (info.isDirectory()) {
      for (const entry of await readdir(path)) await visit(join(path, entry));
    } else if (info.isFile() && TYPES.has(extname(path).toLowerCase())) {
      const result = await compressFile(path);
      if (result) done.push(result);
    }
  };
  for (const path of paths) await visit(path);
  return done;
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const args = process.argv.slice(2).map((p) => resolve(p));
  const paths = args.length ? args : DEFAULT_PATHS.filter((p) => existsSync(p));
  const done = await compressPaths(paths);
  const sum = (/** @type {'bytes' | 'br' | 'gz'} */ key) => done.reduce((n, f) => n + f[key], 0);
  const kb = (/** @type {number} */ n) => `${(n / 1024).toFixed(1)} KB`;
  console.log(`compress: ${done.length} files, ${kb(sum('bytes'))} → ${kb(sum('br'))} brotli, ${kb(sum('gz'))} gzip`);
}
