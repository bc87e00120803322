import { defineConfig } from 'vite';

/**
 * Builds the drop-in script dist/amoiq-chat.js: one self-contained ES2020 file (lit, idb-keyval
 * and nanoid bundled in) that site owners load with a plain <script async>. The npm build
 * (dist/esm, with .d.ts) is made by `tsc -p tsconfig.build.json` and keeps dependencies external.
 */
export default defineConfig({
  build: {
    target: 'es2020',
    outDir: 'dist',
    emptyOutDir: false,
    sourcemap: true,
    lib: {
      entry: 'src/embed.ts',
      formats: ['iife'],
      name: 'AmoiqChatEmbed',
      fileName: () => 'amoiq-chat.js',
    },
  },
});
