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
import { readdirSync } from 'node:fs';
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
 * The files that share no backend with the others: those that never talk to one (components,
 * services, controllers, most a11y files) and the chaos suite (test/e2e/chaos.test.ts: only the
 * chaos instance and its proxy, which no other file uses). In a full run they are the `isolated`
 * group, run by a second Chromium of its own (one page at a time, so focus and timing tests keep a
 * browser to themselves) beside the default group, whose server and end-to-end files spend most
 * of their time waiting on the shared backends (starts, restarts, kills, password checks). The
 * backend plugin refuses this group's pages every `backend-*` command but the chaos instance's
 * (test/plugins/backend.mjs), so a file here that starts using a shared backend fails at once with
 * a clear message instead of racing another file's restart. The listed exceptions use one. Only
 * in a full run (no files on the command line: wtr runs every group in addition to the files it
 * is given); `AMOIQ_TEST_SPLIT=0` runs everything in one browser (docs/testing.md).
 */
const ISOLATED = [
  'test/markdown.test.ts',
  'test/components/',
  'test/services/',
  'test/controllers/',
  'test/a11y/',
  'test/e2e/chaos.test.ts',
];
const USE_A_SHARED_BACKEND = ['test/components/emoji-picker.test.ts', 'test/a11y/agent-console.test.ts', 'test/a11y/states.test.ts'];
const ISOLATED_FILES = readdirSync(join(import.meta.dirname, 'test'), { recursive: true, encoding: 'utf8' })
  .map((f) => `test/${f.split(sep).join('/')}`)
  .filter((f) => f.endsWith('.test.ts') && ISOLATED.some((p) => f.startsWith(p)) && !USE_A_SHARED_BACKEND.includes(f))
  .sort();
const filesOnCommandLine = process.argv.slice(2).some((a) => !a.startsWith('-') && /\.test\.ts$|\*/.test(a));
const onlyPostgres = process.argv.includes('postgres');
const split = !filesOnCommandLine && !onlyPostgres && process.env.AMOIQ_TEST_SPLIT !== '0';

/** @type {import('@web/test-runner').TestRunnerConfig} */
export default {
  // The default group: every file, less the isolated group's when it runs on its own.
  files: ['test/**/*.test.ts', ...(split ? ISOLATED_FILES.map((f) => `!${f}`) : [])],
  groups: [
    ...(process.env.AMOIQ_TEST_POSTGRES === '1' || onlyPostgres ? [{ name: 'postgres', files: POSTGRES_FILES }] : []),
    ...(split ? [{ name: 'isolated', files: ISOLATED_FILES, browsers: [chromium()] }] : []),
  ],
  nodeResolve: { browser: true, exportConditions: ['browser', 'development'] },
  concurrency: 1,
  testFramework: { config: { timeout: 20000 } },
  testsFinishTimeout: 15 * 60 * 1000,
  // Opening a page can take longer than the default 30 s on a loaded machine (seen with two
  // browsers beside other work); that is not a test failing.
  browserStartTimeout: 120_000,
  browsers: [chromium()],
  plugins: [
    esbuildPlugin({ ts: true, tsconfig: './tsconfig.json', target: 'es2022' }),
    backendPlugin(),
    a11yTreePlugin(),
    chaosPlugin(),
    visualPlugin(),
  ],
  reporters: [defaultReporter(), summaryReporter(), timingReporter()],
};
