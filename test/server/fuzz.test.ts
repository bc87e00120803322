import { expect } from '@open-wc/testing';
import {
  agentToken,
  api,
  backend,
  fromNode,
  newId,
  newSession,
  postVisitor,
  rawHttp,
  RecordingSocket,
  requestText,
  type NodeRequest,
  type Session,
} from './helpers.js';

// Fuzz-style robustness of the reference backend: well over 1,000 random and mutated inputs
// (HTTP bodies, headers, query strings, raw request lines, WebSocket frames) from a seeded
// generator, so a failure can be replayed. Every input must get a protocol answer (an error body
// with a code, or an error frame), never a 500, and the server must serve a normal session after.

/** Mulberry32: small, seeded, good enough to pick mutations. */
function prng(seed: number) {
  let a = seed >>> 0;
  const next = () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const int = (n: number) => Math.floor(next() * n);
  const pick = <T>(list: readonly T[]): T => list[int(list.length)];
  return { next, int, pick };
}

export const SEED = 20261122;
const rnd = prng(SEED);

const ODD_STRINGS = [
  '',
  ' ',
  '\u0000',
  '\uFEFF',
  '\u202E',
  '💥'.repeat(50),
  'a'.repeat(5000),
  '<script>x</script>',
  '${7*7}',
  '../../etc/passwd',
  '%00',
  '"',
  '\\',
  "'; DROP TABLE chat_messages; --",
  'null',
  'undefined',
  '__proto__',
  'constructor',
  '-1',
  '1e309',
  'NaN',
];
const ODD_VALUES: unknown[] = [null, true, false, 0, -1, 1.5, 2 ** 53, -0, [], {}, [1, 2], { nested: { deeper: [null] } }, ...ODD_STRINGS];

function randomValue(depth = 0): unknown {
  const r = rnd.int(depth > 3 ? 3 : 5);
  if (r === 0) return rnd.pick(ODD_VALUES);
  if (r === 1) return rnd.pick(ODD_STRINGS) + newId().slice(0, rnd.int(22));
  if (r === 2) return rnd.int(1000) - 500;
  if (r === 3) return Array.from({ length: rnd.int(4) }, () => randomValue(depth + 1));
  return Object.fromEntries(
    Array.from({ length: rnd.int(4) }, () => [
      rnd.pick([
        'text',
        'clientId',
        'conversationId',
        'visitorId',
        'typing',
        'type',
        '__proto__',
        'x',
        'seq',
        'attachments',
        'quickReplies',
        'fields',
      ]),
      randomValue(depth + 1),
    ]),
  );
}

/** A valid body with one or two fields replaced, removed or retyped. */
function mutate(valid: Record<string, unknown>): Record<string, unknown> | unknown {
  if (rnd.next() < 0.1) return randomValue();
  const out: Record<string, unknown> = { ...valid };
  const keys = Object.keys(out);
  for (let i = 0; i <= rnd.int(2); i++) {
    const key = rnd.pick(keys);
    const op = rnd.int(3);
    if (op === 0) delete out[key];
    else out[key] = randomValue();
  }
  return out;
}

/** Text-level damage: truncation, a flipped character, a doubled slice. */
function damage(text: string): string {
  const at = rnd.int(text.length + 1);
  switch (rnd.int(3)) {
    case 0:
      return text.slice(0, at);
    case 1:
      return text.slice(0, at) + String.fromCharCode(rnd.int(256)) + text.slice(at + 1);
    default:
      return text + text.slice(at);
  }
}

const randomIp = () => `10.${rnd.int(256)}.${rnd.int(256)}.${rnd.int(256)}`;

/** Checks one HTTP answer: a known status, and a protocol error body when it is an error. */
function checkAnswer(answer: { status: number; body: any }, input: unknown) {
  const where = JSON.stringify(input).slice(0, 300);
  expect([200, 201, 204, 400, 401, 403, 404, 405, 409, 413, 415, 429, 431], where).to.include(answer.status);
  if (answer.status >= 400) {
    expect(answer.body?.error?.code, where).to.be.a('string');
    expect(answer.body?.error?.message, where).to.be.a('string');
  }
}

describe('fuzz: the backend survives hostile input', () => {
  let session: Session;
  let apiKey: string;
  let agent: string;
  const counts = { httpBody: 0, headers: 0, query: 0, rawLines: 0, wsFrames: 0 };

  before(async () => {
    ({ apiKey } = await backend());
    session = await newSession();
    agent = await agentToken();
  });

  after(() => {
    const total = Object.values(counts).reduce((a, b) => a + b, 0);
    console.log(`[fuzz] seed ${SEED}: ${total} inputs ${JSON.stringify(counts)}`);
  });

  it('answers 400 mutated JSON bodies on every POST endpoint with protocol errors', async function () {
    // A fifth of these are agent logins: each well-formed one costs a scrypt check at OWASP's cost
    // (about half a second), two at a time (docs/security.md, "Agent login").
    this.timeout(120_000);
    const requests: NodeRequest[] = [];
    for (let i = 0; i < 400; i++) {
      const target = rnd.int(5);
      const ip = randomIp();
      const valid =
        target === 0
          ? { tenantId: 'demo', visitorId: newId() }
          : target === 1 || target === 4
            ? { conversationId: session.conversationId, clientId: newId(), text: `fuzz ${i}` }
            : target === 2
              ? { conversationId: session.conversationId, typing: true }
              : { email: 'agent@demo.test', password: 'nope' };
      const path = [
        '/api/chat/session',
        '/api/chat/messages',
        '/api/chat/typing',
        '/api/agent/login',
        `/api/agent/conversations/${session.conversationId}/messages`,
      ][target];
      const headers: Record<string, string> = target === 4 ? { Authorization: `Bearer ${agent}` } : { 'X-Amoiq-Session': session.token };
      const body = rnd.next() < 0.3 ? damage(JSON.stringify(valid)) : JSON.stringify(mutate(valid));
      requests.push({ path, auth: target === 4 ? undefined : target === 3 ? undefined : apiKey, headers, body, ip });
    }
    // A login may wait its turn for a password check: more than the default 3 s per answer.
    const answers = await fromNode(requests, 'main', { timeoutMs: 20_000 });
    counts.httpBody += answers.length;
    answers.forEach((a, i) => checkAnswer(a, requests[i]));
    expect(answers.filter((a) => a.status === 400).length).to.be.greaterThan(100);
  });

  it('answers 400 mutated requests to the lifecycle, read, contact, upload and relink endpoints', async () => {
    const lifecycle = await newSession();
    const uploaded = await fromNode([
      {
        path: `/api/chat/uploads?conversationId=${lifecycle.conversationId}&name=seed.txt`,
        auth: apiKey,
        ip: randomIp(),
        headers: { 'X-Amoiq-Session': lifecycle.token, 'Content-Type': 'text/plain' },
        body: 'seed',
      },
    ]);
    const fileId = uploaded[0].body.attachment.id;
    const visitorHeaders = { 'X-Amoiq-Session': lifecycle.token };
    const agentHeaders = { Authorization: `Bearer ${agent}` };
    const c = lifecycle.conversationId;
    const requests: NodeRequest[] = [];
    for (let i = 0; i < 400; i++) {
      const target = rnd.int(9);
      const ip = randomIp();
      const fuzzBody = (valid: Record<string, unknown>) =>
        rnd.next() < 0.3 ? damage(JSON.stringify(valid)) : JSON.stringify(mutate(valid));
      if (target === 7) {
        const name = rnd.pick([...ODD_STRINGS, 'a.png', 'b.pdf', 'c.txt']);
        const type = rnd.pick(['image/png', 'text/plain', 'application/pdf', 'text/html', 'image/svg+xml', '', ';', 'a/b/c', 'IMAGE/PNG']);
        requests.push({
          path: `/api/chat/uploads?conversationId=${rnd.pick([c, '', 'x', `c_${newId()}`])}&name=${encodeURIComponent(name)}`,
          auth: apiKey,
          ip,
          headers: { ...visitorHeaders, 'Content-Type': type },
          body: rnd.pick(['', 'x', damage('hello world'), '\u0000'.repeat(10)]),
        });
        continue;
      }
      const targets: Array<[string, Record<string, unknown>, Record<string, string>, string | undefined]> = [
        ['/api/chat/read', { conversationId: c, seq: 1 }, visitorHeaders, apiKey],
        ['/api/chat/contact', { conversationId: c, name: 'Fuzz', email: 'f@example.com', fields: { a: 'b' } }, visitorHeaders, apiKey],
        ['/api/chat/forget', { x: 1 }, visitorHeaders, apiKey],
        [`/api/agent/conversations/${c}/read`, { seq: 1 }, agentHeaders, undefined],
        [`/api/agent/conversations/${c}/${rnd.pick(['close', 'reopen'])}`, {}, agentHeaders, undefined],
        ['/api/chat/messages', { conversationId: c, clientId: newId(), text: '', attachments: [fileId] }, visitorHeaders, apiKey],
        [
          `/api/agent/conversations/${c}/messages`,
          { clientId: newId(), text: 'q', quickReplies: ['a', 'b'], attachments: [fileId] },
          agentHeaders,
          undefined,
        ],
        ['/api/chat/session', { tenantId: 'demo', visitorId: newId(), fingerprint: 'a'.repeat(64), newConversation: true }, {}, apiKey],
      ];
      const [path, valid, headers, auth] = targets[Math.min(target, 7)];
      requests.push({ path, auth, headers, body: fuzzBody(valid), ip });
    }
    const answers = await fromNode(requests);
    counts.httpBody += answers.length;
    answers.forEach((a, i) => checkAnswer(a, requests[i]));
    expect(answers.filter((a) => a.status === 400).length).to.be.greaterThan(100);
  });

  it('answers 250 requests with hostile header values', async () => {
    const requests: NodeRequest[] = [];
    const headerValue = () =>
      rnd.pick([
        '',
        'Bearer',
        'Bearer ',
        'Bearer  x y',
        `Bearer ${'a'.repeat(3000)}`,
        'Basic Zm9vOmJhcg==',
        'tenant:',
        'Bearer tenant:',
        'Bearer tenant:acme',
        `Bearer ${session.token.slice(0, -3)}abc`,
        'bearer pk_demo_amoiq_public_key',
        '\t',
        'null',
        '%',
        'ünïcödé',
      ]);
    for (let i = 0; i < 250; i++) {
      const headers: Record<string, string> = {};
      headers[rnd.pick(['Authorization', 'X-Amoiq-Session', 'Content-Type', 'Origin', 'Accept', 'X-Forwarded-Proto'])] = headerValue();
      if (rnd.next() < 0.5) headers.Authorization ??= `Bearer ${apiKey}`;
      const get = rnd.next() < 0.5;
      requests.push({
        method: get ? 'GET' : 'POST',
        path: get ? `/api/chat/messages?conversationId=${session.conversationId}` : '/api/chat/session',
        headers,
        body: get ? undefined : { visitorId: newId() },
        ip: randomIp(),
      });
    }
    // Header values must be latin1 on the wire; encode the request ourselves.
    const answers = await rawHttp(requests.map((r) => latin1(requestText(r))));
    counts.headers += answers.length;
    answers.forEach((a, i) => checkAnswer({ status: a.status, body: safeJson(a.body) }, requests[i]));
  });

  it('answers 250 mutated query strings', async () => {
    const requests: NodeRequest[] = [];
    const params = ['conversationId', 'after', 'before', 'limit', 'wait', 'x'];
    const values = [
      '',
      '-1',
      '0',
      '1',
      '201',
      '31',
      '1e3',
      '0x10',
      'NaN',
      '9'.repeat(30),
      '%',
      '%zz',
      '%00',
      session.conversationId,
      `c_${newId()}`,
      '[]',
      '{}',
    ];
    for (let i = 0; i < 250; i++) {
      const query = Array.from({ length: 1 + rnd.int(4) }, () => `${rnd.pick(params)}=${rnd.pick(values)}`).join('&');
      const agentSide = rnd.next() < 0.3;
      requests.push(
        agentSide
          ? { path: `/api/agent/conversations/${rnd.pick([session.conversationId, '%2e%2e', 'x'])}/messages?${query}`, auth: agent }
          : { path: `/api/chat/messages?${query}`, auth: apiKey, headers: { 'X-Amoiq-Session': session.token } },
      );
    }
    const answers = await fromNode(requests);
    counts.query += answers.length;
    answers.forEach((a, i) => checkAnswer(a, requests[i]));
  });

  it('answers 60 malformed raw requests with 400 and a protocol body', async () => {
    const lines = [
      'GARBAGE\r\n\r\n',
      'GET\r\n\r\n',
      'GET / HTTP/9.9\r\n\r\n',
      'POST /api/chat/session HTTP/1.1\r\nHost: x\r\nContent-Length: -5\r\n\r\n',
      'POST /api/chat/session HTTP/1.1\r\nHost: x\r\nContent-Length: 2\r\nContent-Length: 3\r\n\r\n{}',
      'GET /api/chat/messages HTTP/1.1\r\nHo st: x\r\n\r\n',
      'GET /api/chat/messages HTTP/1.1\r\nHost: x\r\nX: \u0001\r\n\r\n',
      `GET / HTTP/1.1\r\nHost: x\r\nX-Big: ${'a'.repeat(20000)}\r\n\r\n`,
      '\u0000\u0001\u0002\r\n\r\n',
      'POST /api/chat/messages HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n',
    ];
    const requests = Array.from({ length: 60 }, (_, i) => (i < lines.length ? lines[i] : damage(rnd.pick(lines))));
    const answers = await rawHttp(requests.map(latin1));
    counts.rawLines += answers.length;
    const answered = answers.filter((a) => a.status !== 0);
    // The parser may still be waiting for the rest of a truncated request: no answer is fine then,
    // a 5xx or a non-protocol body is not.
    for (const a of answered) checkAnswer({ status: a.status, body: safeJson(a.body) }, a.body);
    expect(answered.length).to.be.greaterThan(30);
  });

  it('answers 300 hostile WebSocket frames with error frames, and closes 4400 after too many', async () => {
    const { url } = await backend();
    const fuzzed = await newSession();
    const open = async () => {
      const socket = new RecordingSocket(`${url.replace(/^http/, 'ws')}/ws/chat?token=${encodeURIComponent(fuzzed.token)}`);
      await socket.next((f) => f.type === 'ready');
      return socket;
    };
    let errors = 0;
    // Rounds of 15 (under the 20 malformed frames a connection may send), each ended by a ping
    // whose pong proves the socket is still being served.
    for (let round = 0; round < 20; round++) {
      const socket = await open();
      for (let i = 0; i < 15; i++) {
        const valid = rnd.pick([
          { type: 'message', clientId: newId(), text: `ws fuzz ${round}.${i}` },
          { type: 'typing', typing: true },
          { type: 'sync', after: 0 },
          { type: 'ping', ts: 1 },
          { type: 'read', seq: 1 },
          { type: 'message', clientId: newId(), text: '', attachments: [`f_${newId()}`] },
        ]);
        const r = rnd.int(4);
        if (r === 0) socket.ws.send(new Uint8Array(Array.from({ length: rnd.int(64) }, () => rnd.int(256))));
        else if (r === 1) socket.send(damage(JSON.stringify(valid)));
        else socket.send(JSON.stringify(mutate(valid)));
        counts.wsFrames++;
      }
      socket.send({ type: 'ping', ts: 1000 + round });
      await socket.next((f) => f.type === 'pong' && f.ts === 1000 + round);
      errors += socket.frames.filter((f) => f.type === 'error').length;
      for (const frame of socket.frames)
        expect(frame.type).to.be.oneOf(['ready', 'presence', 'status', 'read', 'message', 'ack', 'error', 'pong']);
      socket.close();
    }
    expect(errors).to.be.greaterThan(100);
    const flooded = await open();
    for (let i = 0; i < 25; i++) flooded.send('{not json');
    expect((await flooded.closed).code).to.equal(4400);
    expect(flooded.frames.filter((f) => f.type === 'error')).to.have.length(20);
  });

  it('answers deeply nested JSON on every JSON endpoint, in every field, with 400, never a 5xx', async () => {
    // docs/security.md, Nested JSON: a recursive walk over such a value overflowed the stack (500).
    const nested = await newSession();
    const c = nested.conversationId;
    const visitor = { 'X-Amoiq-Session': nested.token };
    const agentAuth = { Authorization: `Bearer ${agent}` };
    const endpoints: Array<[string, Record<string, string>, string | undefined, Record<string, unknown>]> = [
      [
        '/api/chat/session',
        {},
        apiKey,
        { tenantId: 'demo', visitorId: newId(), userToken: null, userId: null, newConversation: false, fingerprint: null },
      ],
      ['/api/chat/messages', visitor, apiKey, { conversationId: c, clientId: newId(), text: 'x', attachments: [] }],
      ['/api/chat/typing', visitor, apiKey, { conversationId: c, typing: true }],
      ['/api/chat/read', visitor, apiKey, { conversationId: c, seq: 0 }],
      ['/api/chat/contact', visitor, apiKey, { conversationId: c, name: 'n', email: 'a@b.cd', fields: { a: 'b' } }],
      ['/api/chat/forget', visitor, apiKey, { x: 1 }],
      ['/api/agent/login', {}, undefined, { email: 'agent@demo.test', password: 'x' }],
      [`/api/agent/conversations/${c}/messages`, agentAuth, undefined, { clientId: newId(), text: 'x', quickReplies: [], attachments: [] }],
      [`/api/agent/conversations/${c}/typing`, agentAuth, undefined, { typing: true }],
      [`/api/agent/conversations/${c}/read`, agentAuth, undefined, { seq: 0 }],
      [`/api/agent/conversations/${c}/close`, agentAuth, undefined, { x: 1 }],
      [`/api/agent/conversations/${c}/reopen`, agentAuth, undefined, { x: 1 }],
    ];
    // Arrays and objects, 40 to 20,000 levels deep (the body limit is 64 KiB).
    const deep = (levels: number, kind: number) =>
      kind === 0 ? '['.repeat(levels) + ']'.repeat(levels) : '{"a":'.repeat(levels) + '1' + '}'.repeat(levels);
    const requests: NodeRequest[] = [];
    for (const [path, headers, auth, valid] of endpoints) {
      for (const levels of [40, 2000, 10_000]) {
        requests.push({ path, headers, auth, ip: randomIp(), body: deep(levels, requests.length % 2) });
        for (const field of [...Object.keys(valid), 'extra']) {
          const kind = rnd.int(2);
          const fields = Object.entries(valid)
            .filter(([k]) => k !== field)
            .map(([k, v]) => `${JSON.stringify(k)}:${JSON.stringify(v)}`);
          requests.push({
            path,
            headers,
            auth,
            ip: randomIp(),
            body: `{${[...fields, `${JSON.stringify(field)}:${deep(levels, kind)}`].join(',')}}`,
          });
        }
      }
      // Inside what an endpoint walks: contact fields' values, quick replies, attachments.
      requests.push({ path, headers, auth, ip: randomIp(), body: `{"conversationId":"${c}","fields":{"a":${deep(20_000, 0)}}}` });
    }
    const answers = await fromNode(requests);
    counts.httpBody += answers.length;
    answers.forEach((a, i) => checkAnswer(a, requests[i]));
    expect(answers.every((a) => a.status < 500)).to.equal(true);
    // Anything nested past 32 levels is refused as such by every endpoint that reads a body
    // (forget, close and reopen take none and ignore what is sent).
    const ignoresBody = /\/(forget|close|reopen)$/;
    const tooDeep = answers.filter(
      (_, i) =>
        !ignoresBody.test(requests[i].path) &&
        typeof requests[i].body === 'string' &&
        /\[{2000}|(\{"a":){2000}/.test(requests[i].body as string),
    );
    expect(tooDeep.length).to.be.greaterThan(80);
    for (const a of tooDeep) expect([400, 401, 403, 404, 413, 429]).to.include(a.status);

    // WebSocket frames: an error frame each, never `internal`, and the socket keeps serving.
    const { url } = await backend();
    const socket = new RecordingSocket(`${url.replace(/^http/, 'ws')}/ws/chat?token=${encodeURIComponent(nested.token)}`);
    await socket.next((f) => f.type === 'ready');
    const frames = ['ping', 'message', 'typing', 'sync', 'read'].map(
      (type) => `{"type":"${type}","ts":${deep(5000, 0)},"text":${deep(40, 1)}}`,
    );
    for (const frame of frames) socket.send(frame);
    socket.send({ type: 'ping', ts: 99 });
    await socket.next((f) => f.type === 'pong' && f.ts === 99);
    counts.wsFrames += frames.length;
    const errors = socket.frames.filter((f) => f.type === 'error');
    expect(errors.length).to.equal(frames.length);
    for (const e of errors) expect(e.code).to.equal('bad_request');
    socket.close();
  });

  it('still serves a normal visitor and agent afterwards', async () => {
    const fresh = await newSession();
    const posted = await postVisitor(fresh, 'after the storm');
    expect(posted.status).to.equal(201);
    const list = await api(`/api/chat/messages?conversationId=${fresh.conversationId}`, { auth: apiKey, session: fresh.token });
    expect(list.body.messages.map((m: any) => m.text)).to.deep.equal(['after the storm']);
    const conversations = await api('/api/agent/conversations', { auth: agent });
    expect(conversations.status).to.equal(200);
    const total = Object.values(counts).reduce((a, b) => a + b, 0);
    expect(total).to.be.at.least(1000);
  });
});

/** The request as latin1 bytes (what a raw client puts on the wire), for headers outside ASCII. */
function latin1(text: string): Uint8Array {
  return Uint8Array.from(text, (c) => c.charCodeAt(0) & 0xff);
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}
