// @ts-check
import { mkdirSync, writeFileSync } from 'node:fs';

/**
 * Counts every test of the run and writes `test-results/summary.json`, and prints one line
 * `N passed, N failed` (plus skipped) when the run ends. A test file that fails to load (import
 * error, syntax error, uncaught error outside a test) counts as one failed test, so a broken file
 * can never shrink the suite silently.
 * @returns {import('@web/test-runner').Reporter}
 */
export function summaryReporter() {
  return {
    onTestRunFinished({ sessions }) {
      let passed = 0;
      let failed = 0;
      let skipped = 0;
      /** @type {string[]} */
      const failures = [];
      /** @param {any} suite @param {string} file @param {string} prefix */
      const walk = (suite, file, prefix) => {
        for (const t of suite.tests ?? []) {
          const name = `${prefix}${t.name}`;
          if (t.skipped) skipped++;
          else if (t.passed) passed++;
          else {
            failed++;
            failures.push(`${file}: ${name}`);
          }
        }
        for (const s of suite.suites ?? []) walk(s, file, `${prefix}${s.name} > `);
      };
      for (const session of sessions) {
        const before = passed + failed + skipped;
        if (session.testResults) walk(session.testResults, session.testFile, '');
        const counted = passed + failed + skipped - before;
        const loadFailed = (session.errors?.length ?? 0) > 0 || (session.status === 'FINISHED' && !session.passed && counted === 0);
        if (loadFailed) {
          failed++;
          failures.push(`${session.testFile}: ${session.errors?.[0]?.message ?? 'file failed'}`);
        }
      }
      mkdirSync('test-results', { recursive: true });
      writeFileSync('test-results/summary.json', JSON.stringify({ passed, failed, skipped, failures }, null, 2));
      const line = `${passed} passed, ${failed} failed${skipped ? `, ${skipped} skipped` : ''}`;
      process.stdout.write(`\n${line}\n`);
    },
  };
}
