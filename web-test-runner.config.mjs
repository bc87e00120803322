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

/** @type {import('@web/test-runner').TestRunnerConfig} */
export default {
  files: ['test/**/*.test.ts'],
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
