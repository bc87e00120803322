// @ts-check
// Bad input gets one clear 4xx, never a reset connection or a busy loop (an outside audit):
// a JSON body over the 64 KiB limit — also far over it, declared or chunked — is answered
// `413 payload_too_large` that the client reads on a plain socket, on every kind of endpoint
// (visitor, agent, webhook); the long poll's `stream=` is validated (`400`) instead of answering
// every wait at once.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { connect } from 'node:net';
import { AGENT, API_KEY, freshIp, startServer, until } from './chat-server.mjs';
import { STORE_NAME } from './test-store.mjs';

/** @type {Awaited<ReturnType<typeof startServer>>} */
let app;
before(async () => {
  app = await startServer();
});
after(() => app.close());

const MIB = 1024 * 1024;

/**
 * Sends a POST over a plain TCP socket and reads until the server closes: what a client really
 * receives (fetch would hide a reset behind a generic network error).
 * @param {string} path
 * @param {{ headers?: Record<string, string>, size: number, chunked?: boolean }} o the body is
 *   `size` bytes of a JSON string, sent in 64 KiB writes, with `Content-Length` or chunked
 * @returns {Promise<{ status: number, headers: string, body: string, error: string | null }>}
 */
function rawPost(path, { headers = {}, size, chunked = false }) {
  const url = new URL(app.url);
  return new Promise((resolve) => {
    const socket = connect(Number(url.port), url.hostname);
    /** @type {Buffer[]} */
    const received = [];
    /** @type {string | null} */
    let error = null;
    socket.on('data', (chunk) => received.push(chunk));
    socket.on('error', (e) => (error = /** @type {NodeJS.ErrnoException} */ (e).code ?? e.message));
    socket.on('close', () => {
      const text = Buffer.concat(received).toString('utf8');
      const split = text.indexOf('\r\n\r\n');
      const head = split < 0 ? text : text.slice(0, split);
      let body = split < 0 ? '' : text.slice(split + 4);
      // A chunked answer: the one chunk's data.
      if (/^transfer-encoding: chunked/im.test(head)) body = body.replace(/^[0-9a-f]+\r\n/i, '').replace(/\r\n0\r\n\r\n$/, '');
      resolve({ status: Number(/^HTTP\/1\.1 (\d{3})/.exec(head)?.[1] ?? 0), headers: head, body, error });
    });
    const lines = [
      `POST ${path} HTTP/1.1`,
      `Host: ${url.host}`,
      'Content-Type: application/json',
      `X-Forwarded-For: ${freshIp()}`,
      ...Object.entries(headers).map(([k, v]) => `${k}: ${v}`),
      chunked ? 'Transfer-Encoding: chunked' : `Content-Length: ${size}`,
    ];
    socket.write(`${lines.join('\r\n')}\r\n\r\n`);
    // `"xxxx…"`: a JSON string of `size` bytes.
    const piece = Buffer.alloc(64 * 1024, 'x');
    let left = size;
    let first = true;
    const pump = () => {
      while (left > 0) {
        const n = Math.min(piece.length, left);
        const data = Buffer.from(piece.subarray(0, n));
        if (first) data[0] = 0x22;
        if (left === n) data[n - 1] = 0x22;
        first = false;
        left -= n;
        const more = socket.write(chunked ? Buffer.concat([Buffer.from(`${n.toString(16)}\r\n`), data, Buffer.from('\r\n')]) : data);
        if (!more) return void socket.once('drain', pump);
      }
      if (chunked) socket.write('0\r\n\r\n');
    };
    pump();
  });
}

/**
 * Asserts the documented 413 was received in full, and the connection ended without a reset.
 * @param {Awaited<ReturnType<typeof rawPost>>} res
 * @param {string} what
 */
function assert413(res, what) {
  assert.equal(res.error, null, `${what}: the connection was ${res.error}`);
  assert.equal(res.status, 413, `${what}: ${res.headers}`);
  assert.match(res.headers, /^connection: close$/im, `${what}: the server says it closes`);
  assert.equal(JSON.parse(res.body).error.code, 'payload_too_large', what);
}

test(`a JSON body over the limit is answered 413, read by the client, on every kind of endpoint, declared or chunked, up to many MiB (${STORE_NAME})`, async () => {
  const s = await app.session();
  const agent = await app.agentToken();
  const visitor = { Authorization: `Bearer ${API_KEY}`, 'X-Amoiq-Session': s.token };
  const endpoints = [
    ['/api/chat/session', { Authorization: `Bearer ${API_KEY}` }],
    ['/api/chat/messages', visitor],
    ['/api/chat/contact', visitor],
    ['/api/chat/escalate', visitor],
    ['/api/chat/feedback', visitor],
    ['/api/chat/transcript/email', visitor],
    ['/api/agent/login', {}],
    [`/api/agent/conversations/${s.conversationId}/messages`, { Authorization: `Bearer ${agent}` }],
    ['/api/voice/webhooks/twilio', {}],
  ];
  for (const [path, headers] of /** @type {Array<[string, Record<string, string>]>} */ (endpoints)) {
    // The audit's case: over 1 MiB reset the connection.
    assert413(await rawPost(path, { headers, size: 2 * MIB }), `${path}, 2 MiB declared`);
    assert413(await rawPost(path, { headers, size: 2 * MIB, chunked: true }), `${path}, 2 MiB chunked`);
  }
  // Just over the limit, and far over it.
  assert413(await rawPost('/api/chat/messages', { headers: visitor, size: 64 * 1024 + 1, chunked: true }), '64 KiB + 1 chunked');
  assert413(await rawPost('/api/chat/messages', { headers: visitor, size: 20 * MIB }), '20 MiB declared');
  // The server is fine: the same session still sends.
  assert.equal((await app.say(s, 'still here')).status, 201);
  assert.equal((await app.request('/api/agent/login', { body: AGENT })).status, 200);
});

test(`the long poll's stream= is validated: a malformed cursor is 400, not an answer at once (${STORE_NAME})`, async () => {
  const s = await app.session();
  const agent = await app.agentToken();
  const visitorPoll = (/** @type {string} */ stream) =>
    app.request(`/api/chat/messages?conversationId=${s.conversationId}&after=99&wait=5&stream=${encodeURIComponent(stream)}`, {
      auth: API_KEY,
      session: s.token,
      ip: freshIp(),
    });
  const agentPoll = (/** @type {string} */ stream) =>
    app.request(`/api/agent/conversations/${s.conversationId}/messages?after=99&wait=5&stream=${encodeURIComponent(stream)}`, {
      auth: agent,
      ip: freshIp(),
    });
  const bad = [
    'garbage',
    'x'.repeat(5000),
    's_a:notanumber,,,',
    's_a:1,',
    ':1',
    's_a',
    's_a:1.5',
    's_a:-2',
    's_a:01',
    's_a b:1',
    Array.from({ length: 9 }, (_, i) => `s_${i}:1`).join(','),
  ];
  for (const stream of bad) {
    for (const res of [await visitorPoll(stream), await agentPoll(stream)]) {
      assert.equal(res.status, 400, `${stream.slice(0, 40)}: ${JSON.stringify(res.body)}`);
      assert.equal(res.body.error.code, 'bad_request');
      assert.match(res.body.error.message, /`stream`/);
    }
  }

  // Well-formed cursors (and none) are taken: a poll with one waits until something changes.
  await app.say(s, 'first');
  const ip = freshIp();
  const waiting = app.request(`/api/chat/messages?conversationId=${s.conversationId}&after=1&wait=10&stream=`, {
    auth: API_KEY,
    session: s.token,
    ip,
  });
  await until(() => app.openConnections(`ip:${ip}`) === 1, 'the poll waiting');
  await app.say(s, 'second');
  const woken = await waiting;
  assert.equal(woken.status, 200);
  assert.deepEqual(
    woken.body.messages.map((/** @type {any} */ m) => m.text),
    ['second'],
    'the poll waited for the second message (an answer at once would have had none)',
  );
  for (const stream of ['s_V1StGXR8_Z5jdHi6B-myT:-1', 's_a:0,s_b:123456789']) {
    const res = await app.request(`/api/chat/messages?conversationId=${s.conversationId}&after=2&stream=${encodeURIComponent(stream)}`, {
      auth: API_KEY,
      session: s.token,
      ip: freshIp(),
    });
    assert.equal(res.status, 200, stream);
  }
});
