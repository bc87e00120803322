// @ts-check
/**
 * `npm run build:types` (part of `npm run build`): generates the files that give `<amoiq-chat>`
 * types and completion in each template world, from custom-elements.json, into dist/types/, and
 * then typechecks them with `skipLibCheck: false` against the built dist/esm (tsconfig.types.json):
 *
 * - jsx.d.ts: `CustomElements` (properties, attributes, `on<event>` handlers with their event
 *   classes), added to the `JSX.IntrinsicElements` of React (18 and 19), Preact, Solid, Qwik,
 *   Stencil, Hono and the global JSX (@wc-toolkit/jsx-types). React 18 sets every prop of a custom
 *   element as a string attribute and wires no events: there, use `amoiq-chat/react`;
 * - vue.d.ts: Vue's `GlobalComponents` (custom-element-vuejs-integration);
 * - vscode.html-custom-data.json, vscode.css-custom-data.json: VS Code custom data
 *   (custom-element-vs-code-integration);
 * - web-types.json: JetBrains web-types (custom-element-jet-brains-integration).
 *
 * The generators see a public view of the manifest: `<amoiq-chat>`, the one element a page
 * places (the others are its parts, rendered in its shadow root), with the event classes it
 * fires, all imported from the package's index (dist/esm/index.js re-exports them).
 *
 * `--outdir DIR --types-from PATH` writes elsewhere and imports the classes from PATH (the test
 * test/node/frameworks-types.test.mjs points them at src/ to check them without a build);
 * `--no-check` skips the tsc run.
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { generateJsxTypes } from '@wc-toolkit/jsx-types';
import { generateVuejsTypes } from 'custom-element-vuejs-integration';
import { generateVsCodeCustomElementData } from 'custom-element-vs-code-integration';
import { generateJetBrainsWebTypes } from 'custom-element-jet-brains-integration';

/** The elements a page places; the generated types cover these. */
export const PUBLIC_TAGS = ['amoiq-chat'];

const ROOT = resolve(import.meta.dirname, '..');

/**
 * The manifest as the generators should see it: only the modules of public elements, each
 * exporting its class and the event classes its events are typed with (as the index does).
 * @param {any} manifest
 */
export function publicManifest(manifest) {
  const modules = [];
  for (const mod of manifest.modules ?? []) {
    const elements = (mod.declarations ?? []).filter((/** @type {any} */ d) => d.customElement && PUBLIC_TAGS.includes(d.tagName));
    if (!elements.length) continue;
    const names = new Set(elements.map((/** @type {any} */ d) => d.name));
    for (const el of elements)
      for (const event of el.events ?? []) if (/^[A-Z]\w*$/.test(event.type?.text ?? '')) names.add(event.type.text);
    modules.push({
      ...mod,
      declarations: elements,
      exports: [...names].map((name) => ({ kind: 'js', name, declaration: { name, module: mod.path } })),
    });
  }
  return { ...manifest, modules };
}

/**
 * The view for custom-element-vuejs-integration, which types each handler as
 * `CustomEvent<event type>`, taking the manifest's event type for the detail: it gets the
 * detail (`import('…').AmoiqMessageEvent['detail']`), so the handler's `e` has the event class's shape.
 * @param {any} manifest a public view
 * @param {string} typesFrom where the classes are imported from
 */
export function vueManifest(manifest, typesFrom) {
  return {
    ...manifest,
    modules: manifest.modules.map((/** @type {any} */ mod) => ({
      ...mod,
      declarations: mod.declarations.map((/** @type {any} */ d) => ({
        ...d,
        events: d.events?.map((/** @type {any} */ e) =>
          /^[A-Z]\w*$/.test(e.type?.text ?? '') ? { ...e, type: { text: `import('${typesFrom}').${e.type.text}['detail']` } } : e,
        ),
      })),
    })),
  };
}

/**
 * @wc-toolkit/jsx-types types `ref` as Solid's (the element, or a function given it), which no
 * React ref (`useRef()`: `{ current }`, or a callback given null too) matches: React apps failed
 * to typecheck `ref={chat}`. The line is widened to take both; the React example checks it.
 * @param {string} file
 */
function fixRef(file) {
  const text = readFileSync(file, 'utf8');
  const solidRef = 'ref?: (T | ((e: T) => void)) | undefined;';
  if (!text.includes(solidRef)) throw new Error(`${file}: the generator's ref type changed; check fixRef() in scripts/gen-types.mjs`);
  writeFileSync(
    file,
    text.replace(
      solidRef,
      'ref?: T | ((e: T) => void) | ((instance: T | null) => void | (() => void)) | { current: T | null } | null | undefined;',
    ),
  );
}

/**
 * custom-element-vuejs-integration's component type fails `vue-tsc` with `strictTemplates`: it
 * names handlers `onamoiq-open`, where Vue looks for `onAmoiqOpen` (`@amoiq-open`), names props
 * by attribute (`"gateway-url"`), where Vue looks for the camelCase name whichever way the
 * template writes it (`:gateway-url`, `:preChatFields`), and allows no attribute but the
 * element's own (`id` is an error). Handlers and props get Vue's names and the props the HTML
 * attributes; examples/vue checks it.
 * @param {string} file
 * @param {any} manifest the public view
 */
function fixVue(file, manifest) {
  let text = readFileSync(file, 'utf8');
  /** @param {string} from @param {string} to */
  const swap = (from, to) => {
    if (!text.includes(from))
      throw new Error(`${file}: no "${from}"; the generator's output changed, check fixVue() in scripts/gen-types.mjs`);
    text = text.replaceAll(from, to);
  };
  swap('import type { DefineComponent } from "vue";', 'import type { DefineComponent, HTMLAttributes } from "vue";');
  for (const mod of manifest.modules) {
    for (const el of mod.declarations) {
      swap(`DefineComponent<${el.name}Props>`, `DefineComponent<${el.name}Props & HTMLAttributes>`);
      for (const attr of el.attributes ?? []) {
        if (attr.name.includes('-') && attr.fieldName) swap(`"${attr.name}"?:`, `${attr.fieldName}?:`);
      }
      for (const event of el.events ?? []) {
        const vueName = `on${event.name.replace(/(^|-)([a-z])/g, (/** @type {string} */ _, /** @type {string} */ __, /** @type {string} */ c) => c.toUpperCase())}`;
        swap(`"on${event.name}"?:`, `${vueName}?:`);
      }
    }
  }
  writeFileSync(file, text);
}

/**
 * @param {{ outdir?: string, typesFrom?: string, check?: boolean }} [options]
 */
export function generate({ outdir = join(ROOT, 'dist', 'types'), typesFrom = '../esm/index.js', check = true } = {}) {
  const manifest = publicManifest(JSON.parse(readFileSync(join(ROOT, 'custom-elements.json'), 'utf8')));
  rmSync(outdir, { recursive: true, force: true });
  mkdirSync(outdir, { recursive: true });
  const quiet = { hideLogs: true };
  generateJsxTypes(manifest, { ...quiet, outdir, fileName: 'jsx.d.ts', globalTypePath: typesFrom, stronglyTypedEvents: true });
  fixRef(join(outdir, 'jsx.d.ts'));
  generateVuejsTypes(vueManifest(manifest, typesFrom), { ...quiet, outdir, fileName: 'vue.d.ts', globalTypePath: typesFrom });
  fixVue(join(outdir, 'vue.d.ts'), manifest);
  generateVsCodeCustomElementData(manifest, {
    ...quiet,
    outdir,
    htmlFileName: 'vscode.html-custom-data.json',
    cssFileName: 'vscode.css-custom-data.json',
  });
  generateJetBrainsWebTypes(manifest, { ...quiet, outdir, webTypesFileName: 'web-types.json', packageJson: false });
  if (check) typecheck(outdir);
}

/**
 * tsc over the generated declaration files with `skipLibCheck: false`, in strict mode: jsx.d.ts
 * (with React's, Preact's, Solid's … JSX it augments) and vue.d.ts each on its own, as an app
 * includes one of them (both extend the global `JSX.IntrinsicElements`).
 * @param {string} outdir
 */
export function typecheck(outdir) {
  for (const files of [['jsx.d.ts'], ['vue.d.ts']]) {
    const config = join(outdir, 'tsconfig.check.json');
    writeFileSync(
      config,
      JSON.stringify({
        extends: relative(outdir, join(ROOT, 'tsconfig.types.json')),
        files: files.map((f) => `./${f}`),
      }),
    );
    try {
      execFileSync(process.execPath, [join(ROOT, 'node_modules', 'typescript', 'bin', 'tsc'), '-p', config], { stdio: 'inherit' });
    } finally {
      rmSync(config, { force: true });
    }
  }
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const { values } = parseArgs({
    options: { outdir: { type: 'string' }, 'types-from': { type: 'string' }, 'no-check': { type: 'boolean' } },
  });
  generate({
    outdir: values.outdir && resolve(values.outdir),
    typesFrom: values['types-from'],
    check: !values['no-check'],
  });
  console.log(
    `types: generated${values['no-check'] ? '' : ' and typechecked'} in ${relative(ROOT, values.outdir ? resolve(values.outdir) : join(ROOT, 'dist', 'types'))}`,
  );
}
