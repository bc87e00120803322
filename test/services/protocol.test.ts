import { expect } from '@open-wc/testing';
import * as limits from '../../src/protocol/limits.js';
import {
  ApiError,
  ChatSendError,
  MAX_MESSAGE_LENGTH,
  decodeErrorBody,
  decodeServerFrame,
  decodeSession,
  errorFromAnswer,
  textLength,
} from '../../src/protocol/v1.js';
import { SESSION } from '../helpers/fakes.js';

// The protocol module is the one source of the wire types, limits and error codes: these tests
// pin what it decodes and how it counts.

describe('protocol: limits', () => {
  it('counts text in code points, as the server does: an emoji is one character', () => {
    expect(textLength('👋 hi')).to.equal(4);
    expect('👋 hi'.length).to.equal(5);
    expect(textLength('😀'.repeat(MAX_MESSAGE_LENGTH))).to.equal(MAX_MESSAGE_LENGTH);
    expect(textLength('x'.repeat(10), 3), 'stops counting past the cap').to.equal(4);
  });

  it('v1.ts re-exports the very values of limits.js (the module the server and the agent console import)', async () => {
    const v1 = await import('../../src/protocol/v1.js');
    for (const [name, value] of Object.entries(limits)) expect((v1 as Record<string, unknown>)[name], name).to.equal(value);
    expect(limits.CLIENT_ID_PATTERN.test('abcdefgh')).to.equal(true);
    expect(limits.CLIENT_ID_PATTERN.test('short')).to.equal(false);
  });
});

describe('protocol: decodeSession', () => {
  it('passes on only the fields it decoded', () => {
    const decoded = decodeSession({ ...SESSION, debug: { secret: 1 }, user: { id: 'u1', name: 'Grace', role: 'admin' } });
    expect(decoded.ok).to.equal(true);
    const value = decoded.ok ? (decoded.value as unknown as Record<string, unknown>) : {};
    expect(value).not.to.have.property('debug');
    expect(value.user).to.deep.equal({ id: 'u1', name: 'Grace' });
  });

  it('leaves out a malformed user (the session is then anonymous) and refuses a session without an expiry date', () => {
    const anonymous = decodeSession({ ...SESSION, user: { id: 42 } });
    expect(anonymous.ok && anonymous.value).not.to.have.property('user');
    expect(decodeSession({ ...SESSION, expiresAt: 'soon' }).ok).to.equal(false);
    expect(decodeSession({ ...SESSION, expiresAt: undefined }).ok).to.equal(false);
  });
});

describe('protocol: errors', () => {
  it('keeps the protocol’s codes and turns unknown ones into http_error (HTTP) or internal (frames)', () => {
    expect(decodeErrorBody({ error: { code: 'rate_limited', message: 'slow' } })).to.deep.equal({ code: 'rate_limited', message: 'slow' });
    expect(decodeErrorBody({ error: { code: 'teapot', message: 'short and stout' } })).to.deep.equal({
      code: 'http_error',
      message: 'short and stout',
    });
    const error = errorFromAnswer(429, { error: { code: 'rate_limited', message: 'slow' } }, '3');
    expect(error).to.be.instanceOf(ApiError);
    expect(error).to.include({ status: 429, code: 'rate_limited', retryAfter: 3, isPermanent: false });
    const frame = decodeServerFrame(JSON.stringify({ type: 'error', code: 'brand_new', message: 'x', clientId: 'c' }));
    expect(frame.ok && frame.value).to.include({ type: 'error', code: 'internal' });
    const known = decodeServerFrame(JSON.stringify({ type: 'error', code: 'payload_too_large', message: 'x', clientId: 'c' }));
    expect(known.ok && known.value.type === 'error' && ApiError.fromFrame(known.value)).to.include({ status: 413, isPermanent: true });
  });

  it('ChatSendError is a RangeError with a code', () => {
    const error = new ChatSendError('payload_too_large', 'too long');
    expect(error).to.be.instanceOf(RangeError);
    expect(error.code).to.equal('payload_too_large');
  });
});
