// @ts-check
/**
 * `npm test`: runs the browser suite (@web/test-runner: components, services, the reference
 * backend through its HTTP/WebSocket API, end-to-end flows) and then the Node suite
 * (`test/node/**∕*.test.mjs`, node:test: server-side modules such as provider adapters, tested
 * against local servers that speak the providers' wire formats). Writes one combined
 * `test-results/summary.json` and ends with one line `N passed, N failed`.
 *
 * Arguments are passed to web-test-runner (e.g. `npm test -- test/server/access.test.ts`); when
 * every argument names a file under test/node/, only the Node suite runs, and vice versa.
 */
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import { run } from 'node:test';

const ROOT = resolve(import.meta.dirname, '..');
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

/** @returns {Promise<{ passed: number, failed: number, skipped: number, failures: string[] }>} */
function runBrowserSuite() {
  return new Promise((done) => {
    rmSync(SUMMARY, { force: true });
    const child = spawn(process.execPath, [join(ROOT, 'node_modules', '@web', 'test-runner', 'dist', 'bin.js'), ...browserArgs], {
      cwd: ROOT,
      stdio: 'inherit',
    });
    child.on('exit', (code) => {
      if (existsSync(SUMMARY)) done(JSON.parse(readFileSync(SUMMARY, 'utf8')));
      else done({ passed: 0, failed: 1, skipped: 0, failures: [`web-test-runner exited with ${code} and wrote no summary`] });
    });
  });
}

/** @param {string[]} files */
async function runNodeSuite(files) {
  const result = { passed: 0, failed: 0, skipped: 0, failures: /** @type {string[]} */ ([]) };
  if (files.length === 0) return result;
  console.log(`\n::: node:test — ${files.length} file(s)`);
  const stream = run({ files, concurrency: 1, timeout: 120_000 });
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
    result.failures.push(`${file}: ${d.name} — ${message}`);
    console.log(`  ✗ ${file}: ${d.name}\n    ${message}`);
  });
  stream.on('test:stdout', (d) => process.stdout.write(d.message));
  stream.on('test:stderr', (d) => process.stderr.write(d.message));
  for await (const _ of stream) void _;
  console.log(`node:test: ${result.passed} passed, ${result.failed} failed${result.skipped ? `, ${result.skipped} skipped` : ''}`);
  return result;
}

const onlyNode = args.length > 0 && browserArgs.length === 0;
const onlyBrowser = args.length > 0 && nodeArgs.length === 0;
const browser = onlyNode ? { passed: 0, failed: 0, skipped: 0, failures: [] } : await runBrowserSuite();
const node = onlyBrowser ? { passed: 0, failed: 0, skipped: 0, failures: [] } : await runNodeSuite(nodeArgs.length ? nodeArgs.map((f) => join(ROOT, f)) : nodeTestFiles(join(ROOT, 'test', 'node')));

const total = {
  passed: browser.passed + node.passed,
  failed: browser.failed + node.failed,
  skipped: browser.skipped + node.skipped,
  failures: [...browser.failures, ...node.failures],
};
mkdirSync(join(ROOT, 'test-results'), { recursive: true });
writeFileSync(SUMMARY, JSON.stringify(total, null, 2));
console.log(`\n${total.passed} passed, ${total.failed} failed${total.skipped ? `, ${total.skipped} skipped` : ''}`);
process.exit(total.failed > 0 ? 1 : 0);
