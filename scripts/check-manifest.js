// Fails when custom-elements.json is stale (differs from what `npm run manifest` generates now)
// or when an element, attribute, event, part or custom property lacks a description.
import { execFileSync } from 'node:child_process';
import { readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { isDeepStrictEqual } from 'node:util';

// The analyzer resolves its outdir against the working directory, so the scratch copy lives here.
const dir = '.cem-check';
try {
  execFileSync('npx', ['cem', 'analyze', '--quiet', '--outdir', dir], { stdio: 'inherit' });
  const fresh = JSON.parse(readFileSync(join(dir, 'custom-elements.json'), 'utf8'));
  const committed = JSON.parse(readFileSync('custom-elements.json', 'utf8'));
  const problems = [];
  if (!isDeepStrictEqual(fresh, committed)) problems.push('custom-elements.json is stale: run `npm run manifest` and commit it.');

  const elements = fresh.modules.flatMap((m) => (m.declarations ?? []).filter((d) => d.customElement));
  if (elements.length === 0) problems.push('the manifest lists no custom element');
  for (const el of elements) {
    const name = `<${el.tagName ?? el.name}>`;
    if (!el.tagName) problems.push(`${el.name} has no @tag`);
    if (!el.summary && !el.description) problems.push(`${name} has no description`);
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
  if (problems.length) {
    console.error(problems.map((p) => `manifest: ${p}`).join('\n'));
    process.exit(1);
  }
  console.log(`manifest: fresh, ${elements.length} elements, every element, attribute, event, part and property described`);
} finally {
  rmSync(dir, { recursive: true, force: true });
}
