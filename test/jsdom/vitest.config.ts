/**
 * Vitest + jsdom, as an app's test runner sees the widget. test/node/frameworks.test.mjs runs it
 * inside `npm test`; alone, from the repository root: `npx vitest run --config test/jsdom/vitest.config.ts`.
 */
import { defineConfig } from 'vitest/config';

export default defineConfig({
  cacheDir: 'tmp/vitest-cache',
  test: {
    include: ['test/jsdom/*.vitest.ts'],
    environment: 'jsdom',
    // An unhandled error or rejection anywhere (a constructor, a timer, a promise) fails the run.
    dangerouslyIgnoreUnhandledErrors: false,
  },
});
