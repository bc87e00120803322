// `--write` regenerates custom-elements.json. Without it: fails when custom-elements.json is stale (differs from what `npm run manifest` generates now)
// or when an element, attribute, event, part or custom property lacks a description.
import { execFileSync } from 'node:child_process';
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { isDeepStrictEqual } from 'node:util';

// The analyzer resolves its outdir against the working directory, so the scratch copy lives here.
const dir = '.cem-check';

/**
 * Runs the analyzer until two runs in a row agree. The analyzer now and then leaves a whole
 * module out of its output (seen here: chat-input, about one run in four), so a single run can
 * neither be trusted as "fresh" nor as proof of staleness.
 */
function analyze() {
  let previous;
  for (let run = 0; run < 6; run++) {
    execFileSync('npx', ['cem', 'analyze', '--quiet', '--outdir', dir], { stdio: 'inherit' });
    const text = readFileSync(join(dir, 'custom-elements.json'), 'utf8');
    if (text === previous) return JSON.parse(text);
    previous = text;
  }
  throw new Error('the manifest analyzer gave a different answer on every run');
}

try {
  const fresh = analyze();
  if (process.argv.includes('--write')) {
    // `npm run manifest`: write the settled answer (the analyzer's own two-space JSON).
    writeFileSync('custom-elements.json', readFileSync(join(dir, 'custom-elements.json')));
    console.log('manifest: custom-elements.json written');
    rmSync(dir, { recursive: true, force: true });
    process.exit(0);
  }
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
