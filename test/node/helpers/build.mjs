// @ts-check
/**
 * The widget built from the sources for the Node tests that load it: the drop-in as
 * `npm run build:embed` makes it (Vite), or src/ transpiled module by module as tsc emits dist/esm
 * (esbuild; fast, no type check), each into a folder of the test's own.
 */
import { execFileSync } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { build } from 'esbuild';

const ROOT = resolve(import.meta.dirname, '..', '..', '..');

/** Builds the drop-in (loader and chunks, as `npm run build:embed`) into `outDir`. @param {string} outDir */
export function buildDropIn(outDir) {
  execFileSync(process.execPath, [join(ROOT, 'node_modules/vite/bin/vite.js'), 'build', '--logLevel', 'error', '--outDir', outDir], {
    cwd: ROOT,
    stdio: 'inherit',
  });
}

/**
 * Transpiles every module of src/ one to one into `outDir` (ES modules, imports left as they are),
 * as tsc emits dist/esm. `outDir` should be inside the repository, so `lit`, `react` … resolve
 * from node_modules.
 * @param {string} outDir
 */
export async function transpileSources(outDir) {
  const entryPoints = readdirSync(join(ROOT, 'src'), { recursive: true, encoding: 'utf8' })
    .filter((f) => (f.endsWith('.ts') && !f.endsWith('.d.ts')) || f.endsWith('.js'))
    .map((f) => join(ROOT, 'src', f));
  await build({
    entryPoints,
    outdir: outDir,
    format: 'esm',
    platform: 'neutral',
    tsconfig: join(ROOT, 'tsconfig.build.json'),
    logLevel: 'error',
  });
}
