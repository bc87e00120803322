// @ts-check
// The pure parts of the seed embeds and widget configurations (issue 13): which file a seed's
// script path is, who may frame the /embed page, and what a widget configuration may contain.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { frameAncestors, parseWidgetInput } from '../../demo/server/routes/embed.js';
import { isSeedScriptPath, seedScriptSegments } from '../../demo/server/seed-paths.js';

test("the seeds' script paths are the drop-in's, and nothing else is", () => {
  assert.deepEqual(seedScriptSegments(['chat-widget.js']), ['amoiq-chat.js']);
  assert.deepEqual(seedScriptSegments(['widget.v1.0.0.js']), ['amoiq-chat.js']);
  assert.deepEqual(seedScriptSegments(['embed', 'widget.js']), ['amoiq-chat.js']);
  assert.deepEqual(seedScriptSegments(['embed', 'chunks', 'panel-x.js']), ['chunks', 'panel-x.js']);
  for (const other of [['embed', 'chunks'], ['embed', 'widget.js', 'x'], ['embed'], ['chat-widget.js.map'], ['demo', 'chat-widget.js']]) {
    assert.deepEqual(seedScriptSegments(other), other, other.join('/'));
  }
  assert.equal(seedScriptSegments(null), null);
  assert.ok(isSeedScriptPath('/embed/widget.js') && isSeedScriptPath('/embed/chunks/a.js') && isSeedScriptPath('/chat-widget.js'));
  assert.ok(!isSeedScriptPath('/embed/config/w_x') && !isSeedScriptPath('/embed') && !isSeedScriptPath('/embed/chunks/a/b.js'));
});

test('the /embed page may be framed by the tenant’s allowed origins only', () => {
  assert.equal(frameAncestors(['*']), '*');
  assert.equal(frameAncestors(['https://shop.example', 'https://*.acme.example', 'null']), 'https://shop.example https://*.acme.example');
  assert.equal(frameAncestors([]), "'none'");
  assert.equal(frameAncestors(['null']), "'none'");
  // Nothing that could end the directive or start another.
  assert.equal(frameAncestors(["https://a.example; script-src 'unsafe-inline'"]), "'none'");
});

test('a widget configuration is checked field by field', () => {
  const ok = parseWidgetInput({
    name: 'Shop',
    themeColor: '#D9480F',
    position: 'top-left',
    width: '380px',
    headerText: 'Help',
    texts: { de: { headerText: 'Hilfe', extra: 'dropped' } },
    features: { emoji: false, preChatFields: 'name,email*' },
    allowedDomains: ['https://shop.example', '*.shop.example'],
  });
  assert.deepEqual(ok, {
    name: 'Shop',
    settings: {
      themeColor: '#D9480F',
      position: 'top-left',
      width: '380px',
      headerText: 'Help',
      texts: { de: { headerText: 'Hilfe' } },
      features: { emoji: false, preChatFields: 'name,email*' },
    },
    allowedDomains: ['https://shop.example', '*.shop.example'],
    active: true,
  });
  const refused = [
    {},
    { name: 'x'.repeat(101) },
    { name: 'a', position: 'middle' },
    { name: 'a', themeColor: 'url(javascript:1)' },
    { name: 'a', width: '100' },
    { name: 'a', texts: { xx: {} } },
    { name: 'a', features: { emoji: 'no' } },
    { name: 'a', allowedDomains: ['https://a.example/path'] },
    { name: 'a', active: 'yes' },
    { name: 'a', headerText: 'x'.repeat(101) },
  ];
  for (const body of refused) {
    assert.throws(
      () => parseWidgetInput(body),
      (/** @type {any} */ err) => err.status === 400 && err.code === 'bad_request',
      JSON.stringify(body),
    );
  }
});
