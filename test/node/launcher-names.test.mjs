// @ts-check
// The launcher's names before the chat has loaded (src/i18n/launcher.ts) are copies of each
// locale file's openChat and closeChat: they must stay equal, and cover every locale.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';

const read = (/** @type {string} */ file) => readFileSync(new URL(`../../src/i18n/${file}`, import.meta.url), 'utf8');
/** @param {string} source @param {string} key */
const value = (source, key) => new RegExp(`^  ${key}: '([^']*)',$`, 'm').exec(source)?.[1];

test('each locale file and the launcher table agree on openChat and closeChat', () => {
  const table = read('launcher.ts');
  const locales = [...read('localize.ts').matchAll(/LOCALES = \[([^\]]*)\]/g)][0][1].match(/[a-z]{2}/g) ?? [];
  assert.ok(locales.length >= 6, 'the locales are read from localize.ts');
  for (const code of locales) {
    const row = new RegExp(`^  ${code}: \\['([^']*)', '([^']*)'\\],$`, 'm').exec(table);
    assert.ok(row, `launcher.ts has no row for ${code}`);
    const strings = read(`${code}.ts`);
    assert.equal(row[1], value(strings, 'openChat'), `${code}: openChat`);
    assert.equal(row[2], value(strings, 'closeChat'), `${code}: closeChat`);
  }
});
