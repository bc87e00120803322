// @ts-check
import { esbuildPlugin } from '@web/dev-server-esbuild';
import { chromeLauncher } from '@web/test-runner-chrome';
import { backendPlugin } from './test/plugins/backend.mjs';
import { a11yTreePlugin } from './test/plugins/a11y-tree.mjs';
import { summaryReporter } from './test/plugins/summary-reporter.mjs';
import { timingReporter } from './test/plugins/timing-reporter.mjs';
import { chaosPlugin } from './test/plugins/chaos.mjs';
import { defaultReporter } from '@web/test-runner';

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

/** @type {import('@web/test-runner').TestRunnerConfig} */
export default {
  files: ['test/**/*.test.ts'],
  groups: process.env.AMOIQ_TEST_POSTGRES === '1' || process.argv.includes('postgres') ? [{ name: 'postgres', files: POSTGRES_FILES }] : [],
  nodeResolve: { browser: true, exportConditions: ['browser', 'development'] },
  concurrency: 1,
  testFramework: { config: { timeout: 20000 } },
  testsFinishTimeout: 15 * 60 * 1000,
  browsers: [
    chromeLauncher({
      launchOptions: {
        executablePath: process.env.CHROME_PATH ?? '/usr/bin/chromium',
        headless: true,
        args: chromiumArgs,
      },
    }),
  ],
  plugins: [esbuildPlugin({ ts: true, tsconfig: './tsconfig.json', target: 'es2022' }), backendPlugin(), a11yTreePlugin(), chaosPlugin()],
  reporters: [defaultReporter(), summaryReporter(), timingReporter()],
};
