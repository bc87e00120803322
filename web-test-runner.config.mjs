// @ts-check
import { esbuildPlugin } from '@web/dev-server-esbuild';
import { chromeLauncher } from '@web/test-runner-chrome';
import { backendPlugin } from './test/plugins/backend.mjs';
import { a11yTreePlugin } from './test/plugins/a11y-tree.mjs';
import { summaryReporter } from './test/plugins/summary-reporter.mjs';
import { timingReporter } from './test/plugins/timing-reporter.mjs';
import { chaosPlugin } from './test/plugins/chaos.mjs';
import { visualPlugin } from './test/visual/visual-plugin.mjs';
import { defaultReporter } from '@web/test-runner';
import { readFileSync, readdirSync } from 'node:fs';
import { join, sep } from 'node:path';

const chromiumArgs = [
  '--no-sandbox',
  '--headless=new',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--no-first-run',
  '--disable-sync',
  '--disable-quic',
  // Voice tests: getUserMedia answers with Chromium's fake microphone (a beep) without a prompt.
  '--use-fake-device-for-media-stream',
  '--use-fake-ui-for-media-stream',
];

/** A Chromium launcher: each one is a browser process of its own, running `concurrency` (1) pages. */
function chromium() {
  return chromeLauncher({
    launchOptions: {
      executablePath: process.env.CHROME_PATH ?? '/usr/bin/chromium',
      headless: true,
      args: chromiumArgs,
    },
  });
}

/**
 * The server tests that run a second time on PostgreSQL (group `postgres`: the backend plugin
 * gives these pages a backend with DATABASE_URL): the visitor and agent APIs over HTTP and
 * WebSocket, conversation life cycle, attachments, identity, relink and a restart. Included when
 * AMOIQ_TEST_POSTGRES=1 (scripts/test.mjs sets it in a full run, with the PostgreSQL server it
 * started); `npx web-test-runner --group postgres` runs only them.
 */
const POSTGRES_FILES = [
  'test/server/visitor-http.test.ts',
  'test/server/visitor-ws.test.ts',
  'test/server/agent.test.ts',
  'test/server/lifecycle.test.ts',
  'test/server/attachments.test.ts',
  'test/server/identity.test.ts',
  'test/server/relink.test.ts',
  'test/server/restart.test.ts',
];

/**
 * In a full run the files are spread over `AMOIQ_TEST_BROWSERS` (2) browsers, each a Chromium of
 * its own running one page at a time (focus, keyboard and frame-timing tests keep a window to
 * themselves), each with a set of backends of its own (test/plugins/backend.mjs, `backendSet`):
 * two files in two browsers never share a backend, so a file may restart, kill or flood "main" in
 * one lane while a file in another lane uses its own "main". The lanes are balanced by the files'
 * measured times (test/plugins/lane-weights.json, from test-results/timings.json; a file not
 * listed counts {@link DEFAULT_WEIGHT} s), longest first, each to the least loaded lane; the
 * `postgres` group goes as one piece. Lane 1 is the default group, lane N the group `laneN`
 * (`npx web-test-runner --group lane2` runs that lane's files). Only in a full run (no files on
 * the command line: wtr runs every group in addition to the files it is given);
 * `AMOIQ_TEST_SPLIT=0` runs everything in one browser (docs/testing.md).
 */
const DEFAULT_WEIGHT = 5;
const TEST_DIR = join(import.meta.dirname, 'test');
const ALL_FILES = readdirSync(TEST_DIR, { recursive: true, encoding: 'utf8' })
  .map((f) => `test/${f.split(sep).join('/')}`)
  .filter((f) => f.endsWith('.test.ts'))
  .sort();
/** @type {{ files: Record<string, number>, postgres: Record<string, number> }} seconds per session */
const WEIGHTS = JSON.parse(readFileSync(join(import.meta.dirname, 'test/plugins/lane-weights.json'), 'utf8'));
const filesOnCommandLine = process.argv.slice(2).some((a) => !a.startsWith('-') && /\.test\.ts$|\*/.test(a));
const onlyPostgres = process.argv.includes('postgres');
const withPostgres = process.env.AMOIQ_TEST_POSTGRES === '1' || onlyPostgres;
const split = !filesOnCommandLine && !onlyPostgres && process.env.AMOIQ_TEST_SPLIT !== '0';
const LANES = split ? Math.max(1, Math.floor(Number(process.env.AMOIQ_TEST_BROWSERS ?? 2)) || 2) : 1;

/**
 * Greedy longest-first: each piece (a file, or the whole `postgres` group) to the lane with the
 * least weight so far. Deterministic: ties go by name, then to the lower lane.
 * @returns {{ files: string[][], postgresLane: number }} the files of each lane, and the postgres group's lane (1-based)
 */
function balance() {
  const weight = (/** @type {string} */ f) => WEIGHTS.files[f] ?? DEFAULT_WEIGHT;
  const pieces = ALL_FILES.map((f) => ({ name: f, weight: weight(f) }));
  if (withPostgres)
    pieces.push({ name: 'postgres', weight: POSTGRES_FILES.reduce((t, f) => t + (WEIGHTS.postgres[f] ?? DEFAULT_WEIGHT), 0) });
  pieces.sort((a, b) => b.weight - a.weight || a.name.localeCompare(b.name));
  const load = Array.from({ length: LANES }, () => 0);
  const files = Array.from({ length: LANES }, () => /** @type {string[]} */ ([]));
  let postgresLane = 1;
  for (const piece of pieces) {
    const lane = load.indexOf(Math.min(...load));
    load[lane] += piece.weight;
    if (piece.name === 'postgres') postgresLane = lane + 1;
    else files[lane].push(piece.name);
  }
  return { files: files.map((f) => f.sort()), postgresLane };
}
const lanes = balance();
/** The launcher of each lane: the default group's and the `postgres` group's may be the same. */
const launchers = Array.from({ length: LANES }, () => chromium());
/** Group name → lane, for the backend plugin. @type {Record<string, number>} */
const laneOfGroup = { postgres: lanes.postgresLane };
for (let lane = 2; lane <= LANES; lane++) laneOfGroup[`lane${lane}`] = lane;

/** @type {import('@web/test-runner').TestRunnerConfig} */
export default {
  // The default group: every file, less the isolated group's when it runs on its own.
  // The default group: lane 1's files (every file when not split).
  files: split ? lanes.files[0] : ['test/**/*.test.ts'],
  groups: [
    ...(withPostgres ? [{ name: 'postgres', files: POSTGRES_FILES, browsers: [launchers[lanes.postgresLane - 1]] }] : []),
    ...lanes.files.slice(1).map((files, i) => ({ name: `lane${i + 2}`, files, browsers: [launchers[i + 1]] })),
  ],
  nodeResolve: { browser: true, exportConditions: ['browser', 'development'] },
  concurrency: 1,
  testFramework: { config: { timeout: 20000 } },
  testsFinishTimeout: 15 * 60 * 1000,
  // Opening a page can take longer than the default 30 s on a loaded machine (seen with two
  // browsers beside other work); that is not a test failing.
  browserStartTimeout: 120_000,
  browsers: [launchers[0]],
  plugins: [
    esbuildPlugin({ ts: true, tsconfig: './tsconfig.json', target: 'es2022' }),
    backendPlugin({ lanes: laneOfGroup }),
    a11yTreePlugin(),
    chaosPlugin(),
    visualPlugin(),
  ],
  reporters: [defaultReporter(), summaryReporter(), timingReporter()],
};
