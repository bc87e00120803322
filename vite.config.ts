import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { defineConfig, transformWithOxc, type Plugin } from 'vite';

/** Locales loaded on demand (English is bundled). */
const LAZY_LOCALES = ['es', 'fr', 'de', 'ar', 'ja'];
const i18n = (file: string) => fileURLToPath(new URL(`./src/i18n/${file}`, import.meta.url));

/**
 * An IIFE cannot be split into chunks, so each locale is compiled on its own to
 * dist/locales/<code>.js (an ES module with a default export), and the drop-in's loader imports
 * it relative to the script's URL.
 */
function localeFiles(): Plugin {
  return {
    name: 'amoiq-locale-files',
    async generateBundle() {
      for (const code of LAZY_LOCALES) {
        const file = i18n(`${code}.ts`);
        const { code: js } = await transformWithOxc(readFileSync(file, 'utf8'), file, { lang: 'ts' });
        this.emitFile({ type: 'asset', fileName: `locales/${code}.js`, source: js });
      }
    },
  };
}

/**
 * Builds the drop-in script dist/amoiq-chat.js: one self-contained ES2020 file (lit, idb-keyval
 * and nanoid bundled in) that site owners load with a plain <script async>, plus
 * dist/locales/*.js. The npm build (dist/esm, with .d.ts) is made by `tsc -p tsconfig.build.json`
 * and keeps dependencies external; its locales are separate modules already.
 */
export default defineConfig({
  resolve: {
    alias: [{ find: /^\.\/locale-loader\.js$/, replacement: i18n('locale-loader.drop-in.ts') }],
  },
  plugins: [localeFiles()],
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
