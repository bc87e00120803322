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
 * @param {{ outdir?: string, typesFrom?: string, check?: boolean }} [options]
 */
export function generate({ outdir = join(ROOT, 'dist', 'types'), typesFrom = '../esm/index.js', check = true } = {}) {
  const manifest = publicManifest(JSON.parse(readFileSync(join(ROOT, 'custom-elements.json'), 'utf8')));
  rmSync(outdir, { recursive: true, force: true });
  mkdirSync(outdir, { recursive: true });
  const quiet = { hideLogs: true };
  generateJsxTypes(manifest, { ...quiet, outdir, fileName: 'jsx.d.ts', globalTypePath: typesFrom, stronglyTypedEvents: true });
  generateVuejsTypes(vueManifest(manifest, typesFrom), { ...quiet, outdir, fileName: 'vue.d.ts', globalTypePath: typesFrom });
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
