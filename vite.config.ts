import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { build, defineConfig, transformWithOxc, type Plugin, type Rolldown } from 'vite';

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

const src = (file: string) => fileURLToPath(new URL(`./src/${file}`, import.meta.url));

/**
 * What the emoji picker chunk may import from lit: the drop-in's own copy, which
 * `src/components/emoji-picker/loader.drop-in.ts` hands over under this symbol before importing
 * the chunk (keep the two lists in step; a missing name fails this build).
 */
const LIT_SHIM: Record<string, readonly string[]> = {
  lit: ['LitElement', 'css', 'html', 'nothing'],
  'lit/decorators.js': ['property', 'query', 'state'],
};

/** Resolves the chunk's `lit` imports to the drop-in's lit instead of bundling a second copy. */
function litShim(): Plugin {
  return {
    name: 'amoiq-lit-shim',
    enforce: 'pre',
    resolveId: (id) => (id in LIT_SHIM ? `\0amoiq-lit:${id}` : undefined),
    load(id) {
      if (!id.startsWith('\0amoiq-lit:')) return undefined;
      const names = LIT_SHIM[id.slice('\0amoiq-lit:'.length)];
      return `const lit = globalThis[Symbol.for('amoiq-chat.lit')];\nexport const { ${names.join(', ')} } = lit;\n`;
    },
  };
}

/**
 * The emoji picker, loaded on the first press of the emoji button, is built on its own to
 * dist/chunks/emoji-picker.js (an ES module that registers `<amoiq-emoji-picker>`): the drop-in
 * swaps in `loader.drop-in.ts`, so neither the picker nor its emoji are in amoiq-chat.js
 * (scripts/check-size.js checks it).
 */
function emojiPickerChunk(): Plugin {
  return {
    name: 'amoiq-emoji-picker-chunk',
    apply: 'build',
    async generateBundle() {
      const result = await build({
        configFile: false,
        logLevel: 'warn',
        plugins: [litShim()],
        build: {
          write: false,
          target: 'es2020',
          minify: true,
          sourcemap: false,
          copyPublicDir: false,
          rolldownOptions: {
            input: src('components/emoji-picker/lazy.ts'),
            preserveEntrySignatures: 'strict',
            output: { format: 'es', entryFileNames: 'emoji-picker.js' },
          },
        },
      });
      const outputs = (Array.isArray(result) ? result : [result]) as Rolldown.RolldownOutput[];
      const entry = outputs.flatMap((o) => o.output).find((o): o is Rolldown.OutputChunk => o.type === 'chunk' && o.isEntry);
      if (!entry) throw new Error('the emoji picker chunk was not built');
      this.emitFile({ type: 'asset', fileName: 'chunks/emoji-picker.js', source: entry.code });
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
    alias: [
      { find: /^\.\/locale-loader\.js$/, replacement: i18n('locale-loader.drop-in.ts') },
      { find: /^\.\.\/emoji-picker\/loader\.js$/, replacement: src('components/emoji-picker/loader.drop-in.ts') },
    ],
  },
  plugins: [localeFiles(), emojiPickerChunk()],
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
