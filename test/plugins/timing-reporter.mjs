// @ts-check
import { mkdirSync, writeFileSync } from 'node:fs';

/**
 * Where the suite's wall time goes, without running it again: writes
 * `test-results/timings.json` with, for each test file, the wall time from the previous file's
 * end to its own (the files run one at a time, so that is the file's share: page start, module
 * compilation, backend starts and the tests) and the time its tests themselves took, slowest
 * first, and prints the ten slowest files when the run ends.
 * @returns {import('@web/test-runner').Reporter}
 */
export function timingReporter() {
  let last = 0;
  let started = 0;
  /** @type {Array<{ file: string, wallMs: number, testsMs: number, tests: number, slowest?: { name: string, ms: number } }>} */
  const files = [];

  /** @param {any} suite @param {string} prefix @param {Array<{ name: string, ms: number }>} out */
  const collect = (suite, prefix, out) => {
    for (const t of suite?.tests ?? []) out.push({ name: `${prefix}${t.name}`, ms: t.duration ?? 0 });
    for (const s of suite?.suites ?? []) collect(s, `${prefix}${s.name} > `, out);
    return out;
  };

  return {
    start() {
      started = last = Date.now();
    },
    onTestRunStarted() {
      started = last = Date.now();
    },
    reportTestFileResults({ sessionsForTestFile, testFile }) {
      const now = Date.now();
      const tests = sessionsForTestFile.flatMap((s) => collect(s.testResults, '', []));
      const slowest = [...tests].sort((a, b) => b.ms - a.ms)[0];
      files.push({
        file: testFile,
        wallMs: now - last,
        testsMs: tests.reduce((n, t) => n + t.ms, 0),
        tests: tests.length,
        ...(slowest ? { slowest } : {}),
      });
      last = now;
    },
    onTestRunFinished() {
      files.sort((a, b) => b.wallMs - a.wallMs);
      const totalMs = Date.now() - started;
      mkdirSync('test-results', { recursive: true });
      writeFileSync('test-results/timings.json', JSON.stringify({ totalMs, files }, null, 2));
      const top = files
        .slice(0, 10)
        .map((f) => `  ${(f.wallMs / 1000).toFixed(1).padStart(6)} s  ${f.file} (tests ${(f.testsMs / 1000).toFixed(1)} s)`);
      process.stdout.write(`\nslowest files (test-results/timings.json):\n${top.join('\n')}\n`);
    },
  };
}
