// @ts-check
// The Node suite runs under scripts/test.mjs; this file checks the runner's own counting rule
// (leaf tests count, suites do not) so a broken runner cannot silently report zero.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

test('node:test reports leaf tests and suites apart', () => {
  const dir = mkdtempSync(join(tmpdir(), 'amoiq-runner-'));
  const file = join(dir, 'sample.test.mjs');
  writeFileSync(
    file,
    "import { test, describe } from 'node:test';\ndescribe('s', () => { test('a', () => {}); test('b', () => { throw new Error('no'); }); });\n",
  );
  const script = `import { run } from 'node:test';
    let pass = 0, fail = 0, suites = 0;
    const s = run({ files: [${JSON.stringify(file)}] });
    s.on('test:pass', (d) => { if (d.details?.type === 'suite') suites++; else pass++; });
    s.on('test:fail', (d) => { if (d.details?.type === 'suite') suites++; else fail++; });
    for await (const _ of s) void _;
    console.log(JSON.stringify({ pass, fail, suites }));`;
  // A file, not `node -e`: run() passes the parent's exec flags (such as --input-type) to each file.
  writeFileSync(join(dir, 'count.mjs'), script);
  // Without NODE_TEST_CONTEXT, which marks this process as a node:test child and would make the
  // nested run() print raw TAP instead of reporting events.
  const env = { ...process.env };
  delete env.NODE_TEST_CONTEXT;
  const out = spawnSync(process.execPath, [join(dir, 'count.mjs')], { encoding: 'utf8', env });
  assert.deepEqual(JSON.parse(out.stdout.trim().split('\n').pop() ?? '{}'), { pass: 1, fail: 1, suites: 1 });
});
