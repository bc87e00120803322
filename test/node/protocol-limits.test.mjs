// @ts-check
/**
 * The protocol's limits are one module (src/protocol/limits.js) that the widget, the reference
 * server and the agent console import: the server's checks use the very values and count text
 * the same way as the widget (code points).
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import * as limits from '../../src/protocol/limits.js';
import * as server from '../../demo/server/validation.js';

test('the server takes its limits from the protocol module, not from copies', () => {
  assert.equal(server.MAX_TEXT_CHARS, limits.MAX_MESSAGE_LENGTH);
  assert.equal(server.MAX_ATTACHMENTS, limits.MAX_ATTACHMENTS);
  assert.equal(server.MAX_QUICK_REPLIES, limits.MAX_QUICK_REPLIES);
  assert.equal(server.MAX_QUICK_REPLY_CHARS, limits.MAX_QUICK_REPLY_LENGTH);
  assert.equal(server.MAX_BODY_BYTES, limits.MAX_BODY_BYTES);
  // The same object: a copied pattern would be another RegExp.
  assert.equal(server.CLIENT_ID_PATTERN, limits.CLIENT_ID_PATTERN);
});

test('the server counts message text in code points, as the widget does', () => {
  const longest = '😀'.repeat(limits.MAX_MESSAGE_LENGTH);
  assert.equal(limits.textLength(longest), limits.MAX_MESSAGE_LENGTH);
  assert.equal(server.parseText(`  ${longest}  `), longest);
  assert.throws(() => server.parseText(`${longest}😀`), { status: 413, code: 'payload_too_large' });
  assert.throws(() => server.parseText('x'.repeat(limits.MAX_MESSAGE_LENGTH + 1)), { status: 413 });
});

test('client ids follow the shared pattern on the server', () => {
  assert.equal(server.parseClientId('abcd_EF-12'), 'abcd_EF-12');
  assert.throws(() => server.parseClientId('short'), { status: 400, code: 'bad_request' });
  assert.throws(() => server.parseClientId('x'.repeat(65)), { status: 400 });
});
