// @ts-check
/**
 * The widget where app code imports it without a real browser (issue 14): plain Node, Lit SSR,
 * React SSR (`amoiq-chat/react`, as Next.js renders a client component on the server), Vitest +
 * jsdom (test/jsdom/), and the manifest the framework type generators read (scripts/gen-types.mjs).
 *
 * src/ is transpiled once with esbuild (the package's modules one to one, as tsc emits them
 * into dist/esm) into a scratch directory inside the repository, so `lit`, `react` … resolve from
 * node_modules; each check then runs in its own Node process, without the globals another left.
 */
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { after, before, test } from 'node:test';
import { promisify } from 'node:util';
import { transpileSources } from './helpers/build.mjs';

const ROOT = resolve(import.meta.dirname, '..', '..');
const DIR = join(ROOT, 'tmp', `frameworks-test-${process.pid}`);
const ESM = join(DIR, 'esm');
const run = promisify(execFile);

before(() => transpileSources(ESM));
after(() => rmSync(DIR, { recursive: true, force: true }));

/**
 * Runs `code` as an ES module in a fresh Node process (no DOM, no browser globals) and answers
 * what it printed; fails with its stderr when it throws.
 * @param {string} name
 * @param {string} code
 */
async function node(name, code) {
  mkdirSync(DIR, { recursive: true });
  const file = join(DIR, `${name}.mjs`);
  writeFileSync(file, code);
  const { stdout } = await run(process.execPath, [file], { cwd: ROOT, timeout: 60_000 });
  return stdout;
}

test('plain Node imports the package and its define entry without a DOM', async () => {
  const out = await node(
    'import',
    `const index = await import(${JSON.stringify(join(ESM, 'index.js'))});
     await import(${JSON.stringify(join(ESM, 'define.js'))});
     console.log(JSON.stringify({ classes: typeof index.AmoiqChat, defined: !!customElements.get('amoiq-chat') }));`,
  );
  assert.deepEqual(JSON.parse(out), { classes: 'function', defined: true });
});

test('Lit SSR renders the launcher in declarative shadow DOM, with the attributes it was given', async () => {
  const html = await node(
    'lit-ssr',
    `import { render } from '@lit-labs/ssr';
     import { collectResult } from '@lit-labs/ssr/lib/render-result.js';
     import { html } from 'lit';
     await import(${JSON.stringify(join(ESM, 'define.js'))});
     const fields = [{ name: 'email', required: true }];
     process.stdout.write(await collectResult(render(html\`<amoiq-chat tenant-id="acme" position="bottom-left" theme-color="#ff0000" open .preChatFields=\${fields}></amoiq-chat>\`)));`,
  );
  assert.match(html, /<amoiq-chat [^>]*tenant-id="acme"/);
  assert.match(html, /<amoiq-chat [^>]*position="bottom-left"/);
  assert.match(html, /<template shadowroot="open" shadowrootmode="open">/, 'declarative shadow root');
  const shadow = html.slice(html.indexOf('<template shadowroot'));
  assert.match(shadow, /<style>/, 'the styles are inlined');
  assert.match(shadow, /<button[^>]*class="[^"]*launcher/, 'the launcher button');
});

test('React SSR: <AmoiqChat> of amoiq-chat/react renders the tag on the server (a Next.js client component)', async () => {
  const out = await node(
    'react-ssr',
    `import { createElement } from 'react';
     import { renderToString } from 'react-dom/server';
     const { AmoiqChat } = await import(${JSON.stringify(join(ESM, 'react', 'index.js'))});
     const errors = [];
     console.error = (...args) => errors.push(args.join(' '));
     const html = renderToString(createElement(AmoiqChat, {
       tenantId: 'acme', open: true, preChatFields: [{ name: 'email' }], onMessage: () => {}, className: 'chat',
     }));
     console.log(JSON.stringify({ html, errors, defined: !!customElements.get('amoiq-chat') }));`,
  );
  const { html, errors, defined } = JSON.parse(out);
  assert.match(html, /^<amoiq-chat[\s>]/);
  assert.match(html, /class="chat"/);
  assert.doesNotMatch(html, /\[object Object\]/, 'no array turned into an attribute');
  assert.deepEqual(errors, [], 'React logged no error or warning');
  assert.equal(defined, true);
});

test('Vitest + jsdom: the element renders, takes properties and opens without an error (test/jsdom/)', async () => {
  const vitest = join(ROOT, 'node_modules', 'vitest', 'vitest.mjs');
  try {
    await run(process.execPath, [vitest, 'run', '--config', 'test/jsdom/vitest.config.ts'], {
      cwd: ROOT,
      timeout: 120_000,
      env: { ...process.env, NO_COLOR: '1', CI: '1' },
    });
  } catch (err) {
    const { stdout = '', stderr = '' } = /** @type {{ stdout?: string, stderr?: string }} */ (err);
    assert.fail(`vitest failed:\n${stdout}\n${stderr}`);
  }
});

test('the manifest gives the type generators names they can import, field names and literal types', async () => {
  const { publicManifest } = await import('../../scripts/gen-types.mjs');
  const manifest = publicManifest(JSON.parse(readFileSync(join(ROOT, 'custom-elements.json'), 'utf8')));
  const index = readFileSync(join(ROOT, 'src', 'index.ts'), 'utf8') + readFileSync(join(ROOT, 'src', 'events', 'index.ts'), 'utf8');
  const exported = new Set(
    [...index.matchAll(/\b(?:export|type)?\s*\{([^}]*)\}/g)].flatMap((m) => m[1].split(',').map((n) => n.trim().replace(/^type /, ''))),
  );
  const chat = manifest.modules
    .flatMap((/** @type {any} */ m) => m.declarations)
    .find((/** @type {any} */ d) => d.tagName === 'amoiq-chat');
  assert.ok(chat, '<amoiq-chat> is in the public view');
  for (const m of manifest.modules)
    for (const e of m.exports) assert.ok(exported.has(e.name), `${e.name} is exported from the package's index`);
  for (const event of chat.events) assert.ok(exported.has(event.type.text), `${event.name}'s class ${event.type.text} is exported`);
  for (const attr of chat.attributes) {
    assert.ok(attr.fieldName, `attribute ${attr.name} names its field`);
    const names = (attr.type?.text ?? '').replace(/'[^']*'/g, '').match(/[A-Za-z_]\w*/g) ?? [];
    for (const name of names) {
      assert.ok(
        ['string', 'boolean', 'number'].includes(name) || exported.has(name),
        `attribute ${attr.name}'s type names ${name}, which no app can import`,
      );
    }
    if (attr.type?.text === 'string' && attr.default !== undefined)
      assert.match(attr.default, /^'.*'$/, `${attr.name}'s default is a string`);
  }
  const byName = Object.fromEntries(chat.attributes.map((/** @type {any} */ a) => [a.name, a]));
  assert.equal(byName.theme.type.text, "'light' | 'dark' | 'auto'");
  assert.equal(byName.width.default, "'350px'");
  assert.equal(byName.lang.fieldName, 'lang');
});
