// @ts-check
/**
 * Fails when an installed package declares a Node.js range that excludes the oldest Node the
 * README promises (package.json `engines.node`, e.g. ">=20.19"): npm only warns (EBADENGINE), and
 * such a package may crash at run time on that Node. Reads package-lock.json, so it checks exactly
 * what `npm ci` installs, dev dependencies included (the demo and the tests run on that Node too).
 */
import { readFileSync } from 'node:fs';
import semver from 'semver';

const pkg = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8'));
const lock = JSON.parse(readFileSync(new URL('../package-lock.json', import.meta.url), 'utf8'));
const promised = semver.minVersion(pkg.engines.node);
if (!promised) throw new Error(`package.json engines.node is not a range: ${pkg.engines.node}`);

const bad = [];
for (const [path, entry] of Object.entries(lock.packages ?? {})) {
  const range = entry.engines?.node;
  if (!path || !range || typeof range !== 'string') continue;
  if (entry.optional && entry.os) continue; // platform binaries that npm skips elsewhere
  if (!semver.satisfies(promised, range, { includePrerelease: true }))
    bad.push(`${path.replace(/^.*node_modules\//, '')}@${entry.version} needs node ${range}`);
}
if (bad.length) {
  console.error(
    `engines: ${bad.length} package(s) do not support Node ${promised} (package.json engines.node "${pkg.engines.node}"):\n  ${bad.join('\n  ')}`,
  );
  process.exit(1);
}
console.log(`engines: every installed package supports Node ${promised}`);
