// `--write` regenerates custom-elements.json. Without it, fails when custom-elements.json is stale
// (differs from what `npm run manifest` generates now), when an element, attribute, event, part or
// custom property lacks a description, or when docs/theming.md's custom-property tables disagree
// with src/styles/tokens.ts (the one place each property and its default are defined).
//
// One analyzer run is enough: its output is deterministic since custom-elements-manifest.config.mjs
// creates the modules from the sorted file list (the globber returns files in arbitrary order,
// which used to move a module around in the output now and then).
import { execFileSync } from 'node:child_process';
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { isDeepStrictEqual } from 'node:util';
import { readExportedParts, readTokens } from '../custom-elements-manifest.config.mjs';

// The analyzer resolves its outdir against the working directory, so the scratch copy lives here.
const dir = '.cem-check';

/** Problems between the tokens and the rows of docs/theming.md's custom-property tables. */
function themingProblems() {
  const tokens = readTokens();
  const rows = new Map();
  const problems = [];
  for (const line of readFileSync('docs/theming.md', 'utf8').split('\n')) {
    const cells = line.split('|').map((c) => c.trim());
    const name = /^`(--amoiq-[a-z-]+)`$/.exec(cells[1] ?? '')?.[1];
    if (!name) continue;
    if (rows.has(name)) problems.push(`docs/theming.md lists ${name} twice`);
    rows.set(name, { default: cells[2].replace(/^`|`$/g, ''), dark: cells[3].replace(/^`|`$/g, '') });
  }
  for (const token of tokens) {
    const row = rows.get(token.name);
    if (!row) problems.push(`docs/theming.md does not list ${token.name}`);
    else {
      if (row.default !== token.default)
        problems.push(`docs/theming.md gives ${token.name} the default "${row.default}"; tokens.ts says "${token.default}"`);
      if (row.dark !== (token.dark ?? ''))
        problems.push(`docs/theming.md gives ${token.name} the dark value "${row.dark}"; tokens.ts says "${token.dark ?? ''}"`);
    }
    rows.delete(token.name);
  }
  for (const name of rows.keys()) problems.push(`docs/theming.md lists ${name}, which src/styles/tokens.ts does not define`);
  return problems;
}

/** Runs the analyzer once and answers its manifest text. */
function analyze() {
  try {
    execFileSync('npx', ['cem', 'analyze', '--quiet', '--outdir', dir], { stdio: 'inherit' });
    return readFileSync(join(dir, 'custom-elements.json'), 'utf8');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

const text = analyze();
if (process.argv.includes('--write')) {
  // `npm run manifest`: the analyzer's own two-space JSON.
  writeFileSync('custom-elements.json', text);
  console.log('manifest: custom-elements.json written');
  process.exit(0);
}
const fresh = JSON.parse(text);
const committed = JSON.parse(readFileSync('custom-elements.json', 'utf8'));
const problems = [];
if (!isDeepStrictEqual(fresh, committed)) problems.push('custom-elements.json is stale: run `npm run manifest` and commit it.');

const elements = fresh.modules.flatMap((m) => (m.declarations ?? []).filter((d) => d.customElement));
if (elements.length === 0) problems.push('the manifest lists no custom element');
for (const el of elements) {
  const name = `<${el.tagName ?? el.name}>`;
  if (!el.tagName) problems.push(`${el.name} has no @tag`);
  if (!el.summary && !el.description) problems.push(`${name} has no description`);
  if (el.tagName !== 'amoiq-chat' && el.cssProperties?.length) {
    problems.push(`${name} documents CSS properties; they are defined and described once, in src/styles/tokens.ts`);
  }
  for (const [kind, list] of [
    ['attribute', el.attributes],
    ['event', el.events],
    ['part', el.cssParts],
    ['css property', el.cssProperties],
    ['slot', el.slots],
  ]) {
    for (const item of list ?? []) {
      if (kind !== 'slot' && !item.name) problems.push(`${name} has a ${kind} without a name`);
      if (!item.description) problems.push(`${name} ${kind} ${item.name || '(default)'} has no description`);
    }
  }
}
// Re-exported parts: one rule, `<part of the inner element>-<its part>`, and all of its parts.
for (const { tag, part, prefix, parts } of readExportedParts()) {
  if (prefix !== part) problems.push(`<${tag}> is part "${part}" but its parts are re-exported as "${prefix}-*"`);
  const inner = elements.find((el) => el.tagName === tag);
  const documented = (inner?.cssParts ?? []).map((p) => p.name).sort();
  if (JSON.stringify(documented) !== JSON.stringify([...(parts ?? [])].sort())) {
    problems.push(`<${tag}>'s parts (${documented.join(', ')}) differ from those <amoiq-chat> re-exports (${(parts ?? []).join(', ')})`);
  }
}
problems.push(...themingProblems());
if (problems.length) {
  console.error(problems.map((p) => `manifest: ${p}`).join('\n'));
  process.exit(1);
}
console.log(
  `manifest: fresh, ${elements.length} elements, every element, attribute, event, part and property described; docs/theming.md matches tokens.ts`,
);
