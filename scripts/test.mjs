// @ts-check
/**
 * `npm test`: runs the browser suite (@web/test-runner: components, services, the reference
 * backend through its HTTP/WebSocket API, end-to-end flows) and, at the same time, the Node suite
 * (`test/node/**∕*.test.mjs`, node:test: server-side modules such as provider adapters, tested
 * against local servers that speak the providers' wire formats). Writes one combined
 * `test-results/summary.json` and ends with one line `N passed, N failed`.
 *
 * The two suites share nothing (the Node files start their own servers on ephemeral ports, with
 * their own data directories and PostgreSQL databases) and the browser suite spends most of its
 * wall time waiting on backends, so the Node suite runs beside it, one file at a time while the
 * browser suite runs (docs/testing.md, "Where the time goes"); its output is held back and printed
 * after the browser suite's, so the two do not interleave. `AMOIQ_TEST_SERIAL=1` runs them one
 * after the other as before.
 *
 * Arguments are passed to web-test-runner (e.g. `npm test -- test/server/access.test.ts`); when
 * every argument names a file under test/node/, only the Node suite runs, and vice versa.
 *
 * The server tests run on both stores of the reference backend: first on PGlite, then again on
 * PostgreSQL — the Node server and store tests (`server-*.test.mjs`, `store-*.test.mjs`, with
 * `AMOIQ_TEST_STORE=postgres`) and, in a full run, the browser suite's `postgres` group (a
 * representative set of test/server/, against a second backend with DATABASE_URL;
 * web-test-runner.config.mjs). One throwaway PostgreSQL server (test/plugins/postgres.mjs) serves
 * the whole run through `AMOIQ_TEST_DATABASE_URL` and is stopped at the end, also on failure.
 * Without PostgreSQL those runs fail, saying how to install it; `AMOIQ_TEST_POSTGRES=0` leaves
 * them out (never in CI).
 */
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { join, relative, resolve } from 'node:path';
import { run } from 'node:test';
import { pgliteTemplate } from '../test/plugins/pglite-template.mjs';
import { DATABASE_URL_ENV, startPostgres } from '../test/plugins/postgres.mjs';

const ROOT = resolve(import.meta.dirname, '..');
/**
 * Node test files run two at a time on their own (each in its own process, with its own servers on
 * ephemeral ports, data directories and PostgreSQL databases): the suite spends most of its time
 * waiting on I/O and PGlite, so two files overlap well on two cores. Beside the browser suite they
 * run one at a time. AMOIQ_TEST_NODE_CONCURRENCY overrides both.
 */
// The demo tenant's assistant (demo/server/tenants.json) answers visitors; the suites that start
// demo/server/main.js test conversations between visitors and agents, so it is off unless asked.
process.env.ASSISTANT ??= 'off';
const NODE_CONCURRENCY = Number(process.env.AMOIQ_TEST_NODE_CONCURRENCY) || Math.min(2, availableParallelism());
const NODE_CONCURRENCY_BESIDE_BROWSER = Number(process.env.AMOIQ_TEST_NODE_CONCURRENCY) || 1;
const SUMMARY = join(ROOT, 'test-results', 'summary.json');
const args = process.argv.slice(2);
const nodeArgs = args.filter((a) => a.startsWith('test/node/'));
const browserArgs = args.filter((a) => !a.startsWith('test/node/'));

/** @param {string} dir @returns {string[]} */
function nodeTestFiles(dir) {
  if (!existsSync(dir)) return [];
  return readdirSync(dir, { recursive: true, encoding: 'utf8' })
    .filter((f) => f.endsWith('.test.mjs'))
    .map((f) => join(dir, f))
    .sort();
}

/**
 * @param {Record<string, string>} env added to the runner's environment
 * @returns {Promise<{ passed: number, failed: number, skipped: number, failures: string[] }>}
 */
function runBrowserSuite(env) {
  return new Promise((done) => {
    rmSync(SUMMARY, { force: true });
    const child = spawn(process.execPath, [join(ROOT, 'node_modules', '@web', 'test-runner', 'dist', 'bin.js'), ...browserArgs], {
      cwd: ROOT,
      env: { ...process.env, ...env },
      stdio: 'inherit',
    });
    child.on('exit', (code) => {
      if (existsSync(SUMMARY)) done(JSON.parse(readFileSync(SUMMARY, 'utf8')));
      else done({ passed: 0, failed: 1, skipped: 0, failures: [`web-test-runner exited with ${code} and wrote no summary`] });
    });
  });
}

/**
 * @param {string[]} files
 * @param {{ label?: string, concurrency: number, out: Output }} options
 *   `label` names the run in the output and in failures (`PostgreSQL`); `out` takes its output
 */
async function runNodeSuite(files, { label = '', concurrency, out }) {
  const result = { passed: 0, failed: 0, skipped: 0, failures: /** @type {string[]} */ ([]) };
  if (files.length === 0) return result;
  const tag = label ? `[${label}] ` : '';
  const started = Date.now();
  out.write(`\n::: node:test${label ? ` on ${label}` : ''} — ${files.length} file(s), ${concurrency} at a time\n`);
  // A file's own limit, against hangs: the browser-driving files (two-page calls, first paint, SSR,
  // a reload with the backend down) build and start servers and Chromium beside the browser suite.
  const stream = run({ files, concurrency, timeout: 300_000 });
  stream.on('test:pass', (d) => {
    if (d.details?.type === 'suite') return;
    if (d.skip || d.todo) result.skipped++;
    else result.passed++;
  });
  stream.on('test:fail', (d) => {
    if (d.details?.type === 'suite') return;
    result.failed++;
    const file = d.file ? relative(ROOT, d.file) : 'test/node';
    const error = /** @type {any} */ (d.details?.error);
    const message = String(error?.cause?.message ?? error?.message ?? 'failed').split('\n')[0];
    result.failures.push(`${tag}${file}: ${d.name} — ${message}`);
    out.write(`  ✗ ${tag}${file}: ${d.name}\n    ${message}\n`);
  });
  stream.on('test:stdout', (d) => out.write(d.message));
  stream.on('test:stderr', (d) => out.error(d.message));
  for await (const _ of stream) void _;
  const seconds = Math.round((Date.now() - started) / 1000);
  out.write(
    `node:test${label ? ` on ${label}` : ''}: ${result.passed} passed, ${result.failed} failed${result.skipped ? `, ${result.skipped} skipped` : ''} (${seconds} s)\n`,
  );
  return result;
}

/** @typedef {{ write: (text: string) => void, error: (text: string) => void }} Output */
/** Output straight to the terminal. @type {Output} */
const direct = { write: (t) => void process.stdout.write(t), error: (t) => void process.stderr.write(t) };
/** Output held back (while the browser suite owns the terminal), printed by `flush()`. */
function heldBack() {
  /** @type {Array<[boolean, string]>} */
  const chunks = [];
  return {
    write: (/** @type {string} */ t) => void chunks.push([false, t]),
    error: (/** @type {string} */ t) => void chunks.push([true, t]),
    flush() {
      for (const [error, text] of chunks.splice(0)) (error ? process.stderr : process.stdout).write(text);
    },
  };
}

const onlyNode = args.length > 0 && browserArgs.length === 0;
const onlyBrowser = args.length > 0 && nodeArgs.length === 0;
const nodeFiles = onlyBrowser ? [] : nodeArgs.length ? nodeArgs.map((f) => join(ROOT, f)) : nodeTestFiles(join(ROOT, 'test', 'node'));
/** The Node files that run a second time, on PostgreSQL. */
const postgresNodeFiles = nodeFiles.filter((f) => /[\\/](server|store)-[^\\/]*\.test\.mjs$/.test(f));
/** The browser suite's `postgres` group runs in a full run (or when asked with AMOIQ_TEST_POSTGRES=1). */
const postgresBrowser = !onlyNode && (browserArgs.length === 0 || process.env.AMOIQ_TEST_POSTGRES === '1');
const skipPostgres = process.env.AMOIQ_TEST_POSTGRES === '0' && !process.env.CI;

/** @type {{ passed: number, failed: number, skipped: number, failures: string[] }} */
const postgresSetup = { passed: 0, failed: 0, skipped: 0, failures: [] };
/** @type {Awaited<ReturnType<typeof startPostgres>> | null} */
let postgres = null;
if (skipPostgres) {
  console.log('::: AMOIQ_TEST_POSTGRES=0: the server tests run on PGlite only');
} else if (postgresNodeFiles.length || postgresBrowser) {
  try {
    postgres = await startPostgres();
    process.env[DATABASE_URL_ENV] = postgres.url;
    console.log(`::: PostgreSQL test server on port ${postgres.port}`);
  } catch (error) {
    const message = /** @type {Error} */ (error).message;
    console.error(`::: ${message}`);
    postgresSetup.failed = 1;
    postgresSetup.failures.push(
      `[PostgreSQL] the server tests could not run on PostgreSQL: ${message}${process.env.CI ? '' : ' (AMOIQ_TEST_POSTGRES=0 leaves them out)'}`,
    );
  }
}
for (const signal of /** @type {const} */ (['SIGINT', 'SIGTERM'])) {
  process.once(signal, () => {
    void postgres?.stop().finally(() => process.exit(130));
  });
}

/** @type {Record<string, string>} */
const browserEnv = postgres && postgresBrowser ? { AMOIQ_TEST_POSTGRES: '1' } : { AMOIQ_TEST_POSTGRES: '0' };
const none = () => ({ passed: 0, failed: 0, skipped: 0, failures: /** @type {string[]} */ ([]) });
const besideBrowser = !onlyNode && nodeFiles.length > 0 && process.env.AMOIQ_TEST_SERIAL !== '1';
let browser = none();
let node = none();
let onPostgres = none();
try {
  // The empty PGlite cluster every backend's data directory is copied from is made once, before
  // either suite starts servers (on a fresh clone each would otherwise make its own).
  if (nodeFiles.length) await pgliteTemplate();
  /** The Node suite on PGlite, then its server and store files again on PostgreSQL. */
  const nodeLane = async (/** @type {number} */ concurrency, /** @type {Output} */ out) => {
    node = await runNodeSuite(nodeFiles, { concurrency, out });
    if (postgres && postgresNodeFiles.length) {
      // Read by the Node test processes when they start (test/node/test-store.mjs).
      process.env.AMOIQ_TEST_STORE = 'postgres';
      onPostgres = await runNodeSuite(postgresNodeFiles, { label: 'PostgreSQL', concurrency, out });
      delete process.env.AMOIQ_TEST_STORE;
    }
  };
  if (besideBrowser) {
    const held = heldBack();
    console.log(`::: the Node suite (${nodeFiles.length} files) runs beside the browser suite; its output follows the browser suite's`);
    const lane = nodeLane(NODE_CONCURRENCY_BESIDE_BROWSER, held);
    browser = await runBrowserSuite(browserEnv);
    held.flush();
    await lane.finally(() => held.flush());
  } else {
    if (!onlyNode) browser = await runBrowserSuite(browserEnv);
    await nodeLane(NODE_CONCURRENCY, direct);
  }
} finally {
  await postgres?.stop();
}

const parts = [browser, node, onPostgres, postgresSetup];
const total = {
  passed: parts.reduce((n, p) => n + p.passed, 0),
  failed: parts.reduce((n, p) => n + p.failed, 0),
  skipped: parts.reduce((n, p) => n + p.skipped, 0),
  failures: parts.flatMap((p) => p.failures),
};
mkdirSync(join(ROOT, 'test-results'), { recursive: true });
writeFileSync(SUMMARY, JSON.stringify(total, null, 2));
console.log(`\n${total.passed} passed, ${total.failed} failed${total.skipped ? `, ${total.skipped} skipped` : ''}`);
process.exit(total.failed > 0 ? 1 : 0);
