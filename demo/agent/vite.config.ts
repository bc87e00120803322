import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';

/**
 * Builds the agent console into demo/agent/dist, served by the reference backend at /agent/.
 * `npx vite --config demo/agent/vite.config.ts` runs it in dev mode against a backend on :8787.
 * Only the dev server and the demo build (`--mode demo`, what `npm start` builds) pre-fill the
 * demo agent's e-mail on the login form; a production build has no demo credentials in it.
 */
const backend = process.env.AMOIQ_BACKEND ?? 'http://127.0.0.1:8787';

export default defineConfig(({ command, mode }) => ({
  define: { __AMOIQ_DEMO_LOGIN__: JSON.stringify(command === 'serve' || mode === 'demo' ? 'agent@demo.test' : null) },
  root: fileURLToPath(new URL('.', import.meta.url)),
  base: '/agent/',
  build: { outDir: 'dist', emptyOutDir: true, target: 'es2022' },
  server: {
    proxy: {
      '/api': backend,
      '/ws': { target: backend.replace(/^http/, 'ws'), ws: true },
    },
  },
}));
