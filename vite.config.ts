import { readFileSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { minifyHTMLLiterals } from 'minify-literals';
import { defineConfig, transformWithOxc, type Plugin } from 'vite';
import * as tokens from './src/styles/tokens.ts';
import { inlineTokenReads, tokenTable } from './scripts/inline-tokens.mjs';

const src = (file: string) => fileURLToPath(new URL(`./src/${file}`, import.meta.url));

/** The clean-css that minify-literals itself minifies with (resolved from it, not a second copy). */
const CleanCSS = createRequire(createRequire(import.meta.url).resolve('minify-literals'))('clean-css') as new (options: object) => {
  minify(css: string): { styles: string; errors: string[]; warnings: string[] };
};

/**
 * How minify-literals handles a `css` template here. Its default stands `@TEMPLATE_EXPRESSION();`
 * in for each `${…}`, which clean-css only understands as a whole declaration value: the styles
 * read their custom properties as `${token}` (src/styles/tokens.ts) inside larger values
 * (`calc(${chatSpacing} * 0.75)`, `1px solid ${chatBorderColor}`), so every such file was skipped
 * with a warning. An identifier stands in instead, which clean-css keeps wherever a value may
 * hold one; level 1 never reorders declarations, so the parts split back in order. Any warning
 * fails the build rather than shipping an unminified file.
 */
const cssStrategy = {
  getPlaceholder(parts: Array<{ text: string }>): string {
    let placeholder = 'amoiq_template_expression';
    while (parts.some((part) => part.text.includes(placeholder))) placeholder += '_';
    return placeholder;
  },
  combineHTMLStrings: (parts: Array<{ text: string }>, placeholder: string) => parts.map((part) => part.text).join(placeholder),
  minifyHTML: (html: string) => Promise.resolve(html),
  minifyCSS(css: string): Promise<string> {
    const out = new CleanCSS({ level: 1 }).minify(css);
    const problems = [...out.errors, ...out.warnings];
    if (problems.length) return Promise.reject(new Error(`CSS minification: ${problems.join('; ')}`));
    return Promise.resolve(out.styles);
  },
  splitHTMLByPlaceholder: (text: string, placeholder: string) => text.split(placeholder),
};

/**
 * Minifies the CSS inside lit's `css` tagged templates (whitespace, comments), which the JS
 * minifier must leave alone, with minify-literals 1.x and clean-css (2.x needs Node 22) rather
 * than our own regular expressions ({@link cssStrategy}). `html` templates are left as written
 * (`shouldMinify` answers no): an HTML minifier rewrites attributes (it turned `style=${…}` into
 * `style="${…};"`, which Lit then writes as a string, and the strict CSP refuses) and drops
 * empty ones such as `alt=""`. Drop-in build only: the npm build keeps readable sources and lets
 * the app's bundler decide.
 */
function minifyLiterals(): Plugin {
  return {
    name: 'amoiq-minify-literals',
    apply: 'build',
    async transform(code, id) {
      // Files that build CSS with unsafeCSS() are skipped (minify-literals would say so on every build).
      if (!/\/src\/.*\.ts$/.test(id) || !/\bcss`/.test(code) || code.includes('unsafeCSS')) return undefined;
      const result = await minifyHTMLLiterals(code, { fileName: id, strategy: cssStrategy, shouldMinify: () => false });
      return result ? { code: result.code, map: result.map } : undefined;
    },
  };
}

/**
 * dist/amoiq-chat.js, the file site owners load with a plain (classic, async) `<script>`, is a
 * loader of a few hundred bytes: it notes its own URL and imports the main chunk
 * (`chunks/amoiq-chat.main-<hash>.js`) beside it. Everything else is ES modules split by rolldown, so parts that are needed only
 * sometimes (the panel until the visitor shows interest, other locales, the emoji picker, the
 * pre-chat form, the away banner, the closed-conversation bar, attachment previews) are chunks fetched on first use, sharing the one copy of lit.
 */
/** What embed-loader.ts imports; replaced by the hashed name of the chunk holding embed.ts. */
const MAIN_PLACEHOLDER = 'chunks/amoiq-chat.main.js';

function classicLoader(): Plugin {
  let chunksDir = '';
  return {
    name: 'amoiq-classic-loader',
    apply: 'build',
    configResolved(config) {
      chunksDir = resolve(config.root, config.build.outDir, 'chunks');
    },
    // Hashed names change with every release: start from an empty chunks/ (dist/esm stays).
    buildStart() {
      rmSync(chunksDir, { recursive: true, force: true });
    },
    async generateBundle(_options, bundle) {
      // The loader imports the chunk that holds embed.ts by its hashed name (so a new release
      // is never mixed with a cached old one) and rolldown's facade for the entry is dropped.
      const embed = src('embed.ts');
      const main = Object.values(bundle).find((f) => f.type === 'chunk' && embed in f.modules && f.modules[embed].renderedLength > 0);
      if (!main) throw new Error('no chunk holds src/embed.ts');
      for (const name of Object.keys(bundle)) if (name.startsWith('chunks/amoiq-chat.main.js')) delete bundle[name];
      const file = src('embed-loader.ts');
      const { code: js } = await transformWithOxc(readFileSync(file, 'utf8'), file, { lang: 'ts' });
      const code = js.replace(/\/\*[\s\S]*?\*\//g, '').replace(/\s*\n\s*/g, '');
      if (!code.includes(MAIN_PLACEHOLDER)) throw new Error(`embed-loader.ts must import ${MAIN_PLACEHOLDER}`);
      // Lines are joined above: a `//` comment would swallow the rest. Refuse a loader that does not parse.
      try {
        new Function(code);
      } catch (err) {
        throw new Error(`embed-loader.ts does not parse once its lines are joined (use block comments): ${(err as Error).message}`);
      }
      this.emitFile({ type: 'asset', fileName: 'amoiq-chat.js', source: code.replace(MAIN_PLACEHOLDER, main.fileName) });
    },
  };
}

/**
 * Everything the drop-in needs at start (the modules embed.ts reaches through static imports)
 * goes into the entry's one file: split into shared chunks it would gzip worse and cost more
 * requests. Every module reached only through a dynamic `import()` (the panel, other locales,
 * the emoji picker, the pre-chat form, …) is left to rolldown's own chunking.
 */
const startup = new Set<string>();
/**
 * Likewise what the runtime (chat-runtime.ts) reaches statically beyond the start goes into the
 * runtime's one file, and what the panel (panel.ts) reaches beyond both into the panel's. Split
 * into shared chunks (errors, limits, localize, decorators, …), each would be found by the browser
 * only after it fetched and parsed the chunk importing it: one more round trip each time between
 * a click and the message box. The lazy parts that use them (locales, the emoji picker, the
 * pre-chat form, …) import them from those two files, which are loaded before any of them.
 */
const runtime = new Set<string>();
const panel = new Set<string>();
function startupModules(): Plugin {
  return {
    name: 'amoiq-startup-modules',
    apply: 'build',
    buildEnd() {
      const walk = (id: string, into: Set<string>, outside: Set<string>[]) => {
        if (into.has(id) || outside.some((set) => set.has(id))) return;
        into.add(id);
        for (const next of this.getModuleInfo(id)?.importedIds ?? []) walk(next, into, outside);
      };
      for (const set of [startup, runtime, panel]) set.clear();
      walk(src('embed.ts'), startup, []);
      walk(src('components/chat/chat-runtime.ts'), runtime, [startup]);
      walk(src('panel.ts'), panel, [startup, runtime]);
    },
  };
}

/**
 * Reads of the public custom properties written out at build time (scripts/inline-tokens.mjs):
 * the launcher's styles and config.ts then do not import tokens.ts (about 1.5 KB gzip) at start;
 * the chunks that still need it (the dark scheme) get it. Sources stay as written.
 */
function inlineTokens(): Plugin {
  const table = tokenTable(readFileSync(src('styles/tokens.ts'), 'utf8'), tokens);
  const tokensFile = src('styles/tokens');
  return {
    name: 'amoiq-inline-tokens',
    apply: 'build',
    transform(code, id) {
      if (!/\/src\/.*\.ts$/.test(id) || id === `${tokensFile}.ts`) return undefined;
      const inlined = inlineTokenReads(code, id, tokensFile, table);
      return inlined === undefined ? undefined : { code: inlined, map: null };
    },
  };
}

/**
 * Vite wraps every dynamic `import()` in its `__vitePreload` helper, which preloads the chunk's
 * dependencies and CSS. This build preloads nothing (`modulePreload: false`, no CSS files), so
 * every call gets an empty list, yet the helper (about 1 KB gzip) would sit in the main chunk
 * the page loads at start: it is replaced by a plain call of the import.
 */
function noPreloadHelper(): Plugin {
  return {
    name: 'amoiq-no-preload-helper',
    apply: 'build',
    enforce: 'pre',
    load(id) {
      if (id === '\0vite/preload-helper.js') return 'export const __vitePreload = (load) => load();';
      return undefined;
    },
  };
}

/**
 * Builds the drop-in: dist/amoiq-chat.js (the loader) and dist/chunks/*.js (ES2020 modules with
 * lit, idb-keyval and nanoid bundled in). The npm build (dist/esm, with .d.ts) is made by
 * `tsc -p tsconfig.build.json` and keeps dependencies external.
 */
export default defineConfig({
  plugins: [noPreloadHelper(), inlineTokens(), minifyLiterals(), classicLoader(), startupModules()],
  build: {
    target: 'es2020',
    outDir: 'dist',
    emptyOutDir: false,
    sourcemap: true,
    modulePreload: false,
    rolldownOptions: {
      input: { 'amoiq-chat.main': src('embed.ts') },
      preserveEntrySignatures: 'strict',
      output: {
        format: 'es',
        entryFileNames: 'chunks/[name].js',
        // Named after what they hold, for people reading a network log.
        chunkFileNames: (chunk) =>
          chunk.facadeModuleId?.endsWith('/emoji-picker/lazy.ts') ? 'chunks/emoji-picker-[hash].js' : 'chunks/[name]-[hash].js',
        codeSplitting: {
          groups: [
            { name: 'amoiq-chat.main', test: (id: string) => startup.has(id) },
            // rolldown's own helpers too (else a chunk of their own, fetched after the runtime's).
            { name: 'chat-runtime', test: (id: string) => runtime.has(id) || /rolldown.runtime/.test(id) },
            { name: 'panel', test: (id: string) => panel.has(id) },
          ],
        },
      },
    },
  },
});
