import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';

/**
 * Builds the agent console into demo/agent/dist, served by the reference backend at /agent/.
 * `npx vite --config demo/agent/vite.config.ts` runs it in dev mode against a backend on :8787.
 */
const backend = process.env.AMOIQ_BACKEND ?? 'http://127.0.0.1:8787';

export default defineConfig({
  root: fileURLToPath(new URL('.', import.meta.url)),
  base: '/agent/',
  build: { outDir: 'dist', emptyOutDir: true, target: 'es2022' },
  server: {
    proxy: {
      '/api': backend,
      '/ws': { target: backend.replace(/^http/, 'ws'), ws: true },
    },
  },
});
