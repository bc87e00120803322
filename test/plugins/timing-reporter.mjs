// @ts-check
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';

/**
 * Where the suite's wall time goes, without running it again: writes `test-results/timings.json`
 * with one entry per test session (a file in a group: the `postgres` group runs some files twice),
 * slowest first, and prints the ten slowest when the run ends. Each entry splits the session's
 * wall time into
 * - `loadMs`: from opening the page until the test framework started (page load, module
 *   compilation by the dev server, imports),
 * - `runMs`: from then until the session finished; `testsMs` of it are the tests' own durations
 *   (the rest: `before`/`after` hooks such as backend starts, and the framework),
 * and names the browser that ran it (`browser`: 1, 2 in the order they first started a page; each
 * browser runs its sessions one at a time). `browsers` sums each browser's busy time: with two
 * browsers the run takes about the larger. `AMOIQ_TIMINGS_FILE` writes elsewhere (to compare runs
 * while other runs write the default file).
 *
 * Beside it, `lane-weights.json` (same folder): each session's wall time in seconds, in the format
 * of test/plugins/lane-weights.json, which web-test-runner.config.mjs balances the browsers by;
 * copy it over that file to rebalance after files grew or moved (a file it does not list counts a
 * default weight). Only a full run gives every file.
 * @returns {import('@web/test-runner').Reporter}
 */
export function timingReporter() {
  let started = 0;
  /** @type {Map<string, { initAt: number, startAt?: number, endAt?: number }>} */
  const times = new Map();
  /** @type {Map<unknown, number>} */
  const browserNumber = new Map();

  /** @param {any} suite @param {string} prefix @param {Array<{ name: string, ms: number }>} out */
  const collect = (suite, prefix, out) => {
    for (const t of suite?.tests ?? []) out.push({ name: `${prefix}${t.name}`, ms: t.duration ?? 0 });
    for (const s of suite?.suites ?? []) collect(s, `${prefix}${s.name} > `, out);
    return out;
  };

  return {
    start({ sessions, startTime }) {
      started = startTime ?? Date.now();
      /** @param {import('@web/test-runner').TestSession} session @param {number} at */
      const opened = (session, at) => {
        times.set(session.id, { initAt: at });
        if (!browserNumber.has(session.browser)) browserNumber.set(session.browser, browserNumber.size + 1);
      };
      // The runner opens the first pages before reporters start.
      for (const session of sessions.all()) if (session.status !== 'SCHEDULED' && session.status !== 'FINISHED') opened(session, started);
      sessions.on('session-status-updated', (session) => {
        const now = Date.now();
        if (session.status === 'INITIALIZING') opened(session, now);
        const entry = times.get(session.id);
        if (!entry) return;
        // The status the page reports when its test framework starts ('TEST_STARTED' at run time,
        // though the type says 'STARTED').
        if (String(session.status) === 'TEST_STARTED') entry.startAt ??= now;
        if (session.status === 'FINISHED') entry.endAt ??= now;
      });
    },
    onTestRunFinished({ sessions }) {
      const totalMs = Date.now() - started;
      const entries = sessions.map((session) => {
        const t = times.get(session.id) ?? { initAt: started };
        const endAt = t.endAt ?? Date.now();
        const startAt = t.startAt ?? endAt;
        const tests = collect(session.testResults, '', []);
        const slowest = [...tests].sort((a, b) => b.ms - a.ms)[0];
        return {
          file: relative(process.cwd(), session.testFile),
          group: session.group?.name ?? 'default',
          browser: browserNumber.get(session.browser) ?? 0,
          wallMs: endAt - t.initAt,
          loadMs: startAt - t.initAt,
          runMs: endAt - startAt,
          testsMs: tests.reduce((n, x) => n + x.ms, 0),
          tests: tests.length,
          ...(slowest ? { slowest } : {}),
        };
      });
      entries.sort((a, b) => b.wallMs - a.wallMs);
      const browsers = [...browserNumber.values()].map((n) => {
        const own = entries.filter((e) => e.browser === n);
        return {
          browser: n,
          groups: [...new Set(own.map((e) => e.group))],
          sessions: own.length,
          busyMs: own.reduce((t, e) => t + e.wallMs, 0),
          loadMs: own.reduce((t, e) => t + e.loadMs, 0),
          testsMs: own.reduce((t, e) => t + e.testsMs, 0),
        };
      });
      const out = process.env.AMOIQ_TIMINGS_FILE ?? 'test-results/timings.json';
      mkdirSync(dirname(out), { recursive: true });
      writeFileSync(out, JSON.stringify({ totalMs, browsers, files: entries }, null, 2));
      /** @type {{ files: Record<string, number>, postgres: Record<string, number> }} */
      const weights = { files: {}, postgres: {} };
      for (const e of [...entries].sort((a, b) => a.file.localeCompare(b.file)))
        (e.group === 'postgres' ? weights.postgres : weights.files)[e.file] = Math.round(e.wallMs / 100) / 10;
      writeFileSync(join(dirname(out), 'lane-weights.json'), `${JSON.stringify(weights, null, 2)}\n`);
      const s = (/** @type {number} */ ms) => `${(ms / 1000).toFixed(1)} s`;
      const top = entries
        .slice(0, 10)
        .map(
          (e) =>
            `  ${s(e.wallMs).padStart(8)}  ${e.file}${e.group === 'default' ? '' : ` [${e.group}]`} (load ${s(e.loadMs)}, tests ${s(e.testsMs)})`,
        );
      const busy = browsers.map((b) => `browser ${b.browser} (${b.groups.join(', ')}) busy ${s(b.busyMs)}`).join('; ');
      process.stdout.write(`\nslowest files (${out}; ${busy}):\n${top.join('\n')}\n`);
    },
  };
}
