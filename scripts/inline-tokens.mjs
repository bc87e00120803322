// @ts-check
// Writes the reads of the public custom properties out: `${chatAccentColor}` in a template becomes
// its text (`var(--amoiq-chat-accent-color, #0088ff)`, what the CSSResult's toString() gives) and
// `TOKENS['--name']` its default, and the import of src/styles/tokens goes when nothing else of it
// is used. The launcher's styles and config then do not import tokens.ts, whose table of every
// property, its default and read (about 1.5 KB gzip) would otherwise load at start. Used by the
// drop-in build (vite.config.ts, on the sources) and, as `node scripts/inline-tokens.mjs dist/esm`,
// on the npm build after tsc, so `amoiq-chat/lazy` starts as small as the drop-in.
import { readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const IMPORT = /import\s*\{([^}]*)\}\s*from\s*["']((?:\.\.?\/)+(?:styles\/)?tokens\.js)["'];?/;

/**
 * The code with the token reads written out, or undefined when it has none.
 * @param {string} code
 * @param {string} file the module's path, to tell whether its import names the tokens module
 * @param {string} tokensFile the tokens module's path without extension
 * @param {{ reads: Map<string, string>, defaults: Record<string, string> }} tokens
 */
export function inlineTokenReads(code, file, tokensFile, { reads, defaults }) {
  const found = IMPORT.exec(code);
  if (!found || resolve(dirname(file), found[2]).replace(/\.js$/, '') !== tokensFile) return undefined;
  // The import's line stays (emptied), so the lines of a source map still match.
  let body = code.slice(0, found.index) + '\n'.repeat(found[0].split('\n').length - 1) + code.slice(found.index + found[0].length);
  const kept = [];
  for (const spec of found[1]
    .split(',')
    .map((n) => n.trim())
    .filter(Boolean)) {
    const name = spec.replace(/^type\s+/, '').replace(/^\w+\s+as\s+/, '');
    const chain = reads.get(name);
    if (chain) body = body.replaceAll(`\${${name}}`, chain);
    else if (name === 'TOKENS') body = body.replace(/TOKENS\[["'](--[a-z-]+)["']\]/g, (_, token) => JSON.stringify(defaults[token]));
    if (new RegExp(`\\b${name}\\b`).test(body)) kept.push(spec);
  }
  return kept.length ? `import { ${kept.join(', ')} } from '${found[2]}';${body}` : body;
}

/**
 * The reads (export name → text) and defaults of a tokens module: its source (for the export
 * names) and its loaded exports (for the texts).
 * @param {string} source
 * @param {{ TOKENS: Record<string, string>, tokenChain(name: string): string }} module
 */
export function tokenTable(source, module) {
  const reads = new Map(
    [...source.matchAll(/export const (\w+) = read\('(--[a-z-]+)'\);/g)].map(([, name, token]) => [name, module.tokenChain(token)]),
  );
  return { reads, defaults: module.TOKENS };
}

/** @param {string} dir */
function* jsFiles(dir) {
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) yield* jsFiles(path);
    else if (entry.name.endsWith('.js')) yield path;
  }
}

if (process.argv[1] && fileURLToPath(import.meta.url) === resolve(process.argv[1])) {
  const out = resolve(process.argv[2] ?? 'dist/esm');
  const tokensFile = join(out, 'styles/tokens');
  const table = tokenTable(readFileSync('src/styles/tokens.ts', 'utf8'), await import(pathToFileURL(`${tokensFile}.js`).href));
  let count = 0;
  for (const file of jsFiles(out)) {
    const code = inlineTokenReads(readFileSync(file, 'utf8'), file, tokensFile, table);
    if (code === undefined) continue;
    writeFileSync(file, code);
    count++;
  }
  console.log(`inline-tokens: token reads written out in ${count} modules of ${out}`);
}
