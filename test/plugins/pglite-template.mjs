// @ts-check
/**
 * A fresh backend data directory without initdb. PGlite making a cluster is Postgres's initdb in
 * WASM: about 10 s of CPU on an idle machine and 40 s or more on a loaded one, paid by every
 * backend a test starts with a new data directory. Opening a copy of an empty cluster takes about
 * a second, so one is made per PGlite version, in a child process (initdb blocks its thread),
 * kept in node_modules/.cache/amoiq-chat/, and copied into each new data directory as the
 * server's `pg` folder (demo/server/server.js opens `<dataDir>/pg`).
 *
 * Used by the test runner's backend plugin (backend.mjs); a Node test (test/node) that starts
 * a server in-process can call `await seedDataDir(dataDir)` before `createServer()` too.
 */
import { spawn } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, renameSync, rmSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');

/** @type {Promise<string | null> | null} */
let template = null;

/**
 * The empty cluster, made on first use. Resolves null when it cannot be made (the server then
 * makes its own cluster, as before).
 * @returns {Promise<string | null>}
 */
export function pgliteTemplate() {
  template ??= (async () => {
    try {
      const { version } = JSON.parse(readFileSync(join(ROOT, 'node_modules/@electric-sql/pglite/package.json'), 'utf8'));
      const dir = join(ROOT, 'node_modules', '.cache', 'amoiq-chat', `pglite-${version}`);
      if (existsSync(join(dir, 'PG_VERSION'))) return dir;
      mkdirSync(dirname(dir), { recursive: true });
      const scratch = mkdtempSync(`${dir}-making-`);
      const script = "import { PGlite } from '@electric-sql/pglite'; const pg = await PGlite.create(process.argv[1]); await pg.close();";
      await new Promise((done, fail) => {
        const proc = spawn(process.execPath, ['--input-type=module', '-e', script, scratch], {
          cwd: ROOT,
          stdio: ['ignore', 'ignore', 'pipe'],
        });
        let stderr = '';
        proc.stderr?.on('data', (chunk) => (stderr = (stderr + chunk).slice(-2000)));
        proc.on('error', fail);
        proc.on('exit', (code) => (code === 0 ? done(undefined) : fail(new Error(`exited with ${code}: ${stderr}`))));
      });
      // Only a closed, complete cluster is put in place; another run may have put one first.
      try {
        renameSync(scratch, dir);
      } catch {
        rmSync(scratch, { recursive: true, force: true });
      }
      return existsSync(join(dir, 'PG_VERSION')) ? dir : null;
    } catch (error) {
      console.warn(`[pglite-template] none, each server makes its own cluster: ${/** @type {Error} */ (error).message}`);
      return null;
    }
  })();
  return template;
}

/**
 * Puts a copy of the empty cluster into a new data directory (`<dataDir>/pg`); does nothing
 * when the directory already holds one, or when no template could be made.
 * @param {string} dataDir
 */
export async function seedDataDir(dataDir) {
  const source = await pgliteTemplate();
  const target = join(dataDir, 'pg');
  if (source && !existsSync(target)) cpSync(source, target, { recursive: true });
}
