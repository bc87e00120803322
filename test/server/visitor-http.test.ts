import { expect } from '@open-wc/testing';
import { acmeSession, api, backend, expiredVisitorToken, newId, newSession, postVisitor, rawHttp, sleep } from './helpers.js';

describe('POST /api/chat/session', () => {
  it('creates a conversation and returns token, wsUrl and the tenant config', async () => {
    const { url } = await backend();
    const visitorId = newId();
    const session = await newSession(visitorId);
    expect(session.protocol).to.equal(1);
    expect(session.tenantId).to.equal('demo');
    expect(session.visitorId).to.equal(visitorId);
    expect(session.conversationId).to.match(/^c_/);
    expect(session.token.split('.')).to.have.length(3);
    expect(Date.parse(session.expiresAt)).to.be.greaterThan(Date.now());
    expect(session.wsUrl).to.equal(`${url.replace('http', 'ws')}/ws/chat`);
    expect(session.lastSeq).to.equal(0);
    // The demo tenant's team card and its texts per language (docs/protocol.md), then the rest.
    const { team, texts, ...config } = session.config as Record<string, unknown> & { team?: unknown; texts?: Record<string, unknown> };
    expect(team).to.deep.equal({ name: 'The demo team', replyTime: 'minutes' });
    expect(Object.keys(texts ?? {}).sort()).to.deep.equal(['ar', 'de', 'es', 'fr', 'ja']);
    expect(texts?.de).to.deep.include({ headerText: 'Schreiben Sie uns' });
    expect(config).to.deep.equal({
      headerText: 'Chat with us',
      welcomeMessage: 'Hello! How can I help you today?',
      themeColor: '#0088FF',
      awayMessage: "We're away right now. Leave your email and we'll get back to you.",
      attachments: {
        maxSize: 10 * 1024 * 1024,
        types: ['image/*', 'application/pdf', 'text/plain', 'audio/webm', 'audio/mp4', 'audio/ogg'],
      },
      // The demo tenant offers voice (docs/voice.md).
      voice: { callback: true, webrtc: true, iceServers: [], maxNoteSeconds: 120 },
    });
    expect(session).to.include({ status: 'open', agentReadSeq: 0, visitorReadSeq: 0 });
    expect(session.agentsOnline).to.be.a('boolean');
  });

  it('resumes the same conversation for the same visitor id', async () => {
    const visitorId = newId();
    const first = await newSession(visitorId);
    await postVisitor(first, 'hello');
    const second = await newSession(visitorId);
    expect(second.conversationId).to.equal(first.conversationId);
    expect(second.lastSeq).to.equal(1);
  });

  it('generates a visitor id when none is sent', async () => {
    const { apiKey } = await backend();
    const res = await api('/api/chat/session', { auth: apiKey, body: {} });
    expect(res.status).to.equal(200);
    expect(res.body.visitorId).to.match(/^[A-Za-z0-9_-]{21}$/);
  });

  it('answers 401 unauthorized without an API key, 401 unknown_api_key with an unknown one', async () => {
    const noKey = await api('/api/chat/session', { body: { visitorId: newId() } });
    expect(noKey.status).to.equal(401);
    expect(noKey.body.error.code).to.equal('unauthorized');
    const wrongKey = await api('/api/chat/session', { auth: 'pk_nope', body: { visitorId: newId() } });
    expect(wrongKey.status).to.equal(401);
    expect(wrongKey.body.error.code).to.equal('unknown_api_key');
    expect(wrongKey.body.error.message).to.be.a('string').and.not.empty;
  });

  it('accepts the keyless form tenant:<id> only for tenants that allow keyless embedding', async () => {
    const keyless = await api('/api/chat/session', { auth: 'tenant:demo', body: { tenantId: 'demo', visitorId: newId() } });
    expect(keyless.status).to.equal(200);
    expect(keyless.body.tenantId).to.equal('demo');
    const refused = await api('/api/chat/session', { auth: 'tenant:acme', body: { visitorId: newId() } });
    expect(refused.status).to.equal(401);
    expect(refused.body.error.code).to.equal('unknown_tenant');
  });

  it('answers 403 when tenantId does not match the API key', async () => {
    const { apiKey } = await backend();
    const res = await api('/api/chat/session', { auth: apiKey, body: { tenantId: 'acme', visitorId: newId() } });
    expect(res.status).to.equal(403);
    expect(res.body.error.code).to.equal('forbidden');
  });

  it('answers 400 for malformed JSON and for a bad visitor id', async () => {
    const { apiKey } = await backend();
    const malformed = await api('/api/chat/session', { auth: apiKey, raw: '{"visitorId":' });
    expect(malformed.status).to.equal(400);
    expect(malformed.body.error.code).to.equal('bad_request');
    const badId = await api('/api/chat/session', { auth: apiKey, body: { visitorId: 'no spaces allowed' } });
    expect(badId.status).to.equal(400);
    expect(badId.body.error.code).to.equal('bad_request');
  });
});

describe('POST /api/chat/messages', () => {
  it('stores a message with seq 1, 2, 3 and trimmed text', async () => {
    const session = await newSession();
    const results = [];
    for (const text of ['  one  ', 'two', 'three']) results.push(await postVisitor(session, text));
    expect(results.map((r) => r.status)).to.deep.equal([201, 201, 201]);
    expect(results.map((r) => r.body.message.seq)).to.deep.equal([1, 2, 3]);
    const first = results[0].body.message;
    expect(first.text).to.equal('one');
    expect(first.sender.type).to.equal('visitor');
    expect(first.conversationId).to.equal(session.conversationId);
    expect(first.id).to.match(/^m_/);
    expect(Number.isNaN(Date.parse(first.createdAt))).to.equal(false);
  });

  it('returns the stored message for a duplicate clientId and does not store a second', async () => {
    const session = await newSession();
    const clientId = newId();
    const first = await postVisitor(session, 'only once', clientId);
    const again = await postVisitor(session, 'only once', clientId);
    expect(first.status).to.equal(201);
    expect(again.status).to.equal(200);
    expect(again.body.message).to.deep.equal(first.body.message);
    const { apiKey } = await backend();
    const list = await api(`/api/chat/messages?conversationId=${session.conversationId}`, { auth: apiKey, session: session.token });
    expect(list.body.messages).to.have.length(1);
    expect(list.body.lastSeq).to.equal(1);
  });

  it('answers 401 invalid_token without, or with a garbage, session token', async () => {
    const session = await newSession();
    const { apiKey } = await backend();
    const body = { conversationId: session.conversationId, clientId: newId(), text: 'hi' };
    const missing = await api('/api/chat/messages', { auth: apiKey, body });
    expect(missing.status).to.equal(401);
    expect(missing.body.error.code).to.equal('invalid_token');
    const garbage = await api('/api/chat/messages', { auth: apiKey, session: `${session.token}x`, body });
    expect(garbage.status).to.equal(401);
    expect(garbage.body.error.code).to.equal('invalid_token');
  });

  it('answers 401 token_expired for an expired session token', async () => {
    const session = await newSession();
    const { apiKey } = await backend();
    const res = await api('/api/chat/messages', {
      auth: apiKey,
      session: await expiredVisitorToken(session),
      body: { conversationId: session.conversationId, clientId: newId(), text: 'hi' },
    });
    expect(res.status).to.equal(401);
    expect(res.body.error.code).to.equal('token_expired');
  });

  it('answers 401 when the API key is missing even with a valid session', async () => {
    const session = await newSession();
    const res = await api('/api/chat/messages', {
      session: session.token,
      body: { conversationId: session.conversationId, clientId: newId(), text: 'hi' },
    });
    expect(res.status).to.equal(401);
    expect(res.body.error.code).to.equal('unauthorized');
  });

  it('answers 403 when the session token is from another tenant', async () => {
    const { apiKey } = await backend();
    const acme = await acmeSession();
    const res = await api('/api/chat/messages', {
      auth: apiKey,
      session: acme.token,
      body: { conversationId: acme.conversationId, clientId: newId(), text: 'hi' },
    });
    expect(res.status).to.equal(403);
    expect(res.body.error.code).to.equal('forbidden');
  });

  it('answers 400 for missing text, empty text, a bad clientId and malformed JSON', async () => {
    const session = await newSession();
    const { apiKey } = await backend();
    const post = (body: unknown) => api('/api/chat/messages', { auth: apiKey, session: session.token, body });
    const cases = [
      await post({ conversationId: session.conversationId, clientId: newId() }),
      await post({ conversationId: session.conversationId, clientId: newId(), text: '   ' }),
      await post({ conversationId: session.conversationId, clientId: 'short', text: 'hi' }),
      await post({ conversationId: session.conversationId, text: 'hi' }),
      await api('/api/chat/messages', { auth: apiKey, session: session.token, raw: 'not json' }),
    ];
    expect(cases.map((r) => r.status)).to.deep.equal([400, 400, 400, 400, 400]);
    expect(cases.every((r) => r.body.error.code === 'bad_request')).to.equal(true);
  });

  it('answers 413 for text over 4000 characters and accepts exactly 4000', async () => {
    const session = await newSession();
    const tooLong = await postVisitor(session, 'x'.repeat(4001));
    expect(tooLong.status).to.equal(413);
    expect(tooLong.body.error.code).to.equal('payload_too_large');
    const exact = await postVisitor(session, '😀'.repeat(4000)); // characters, not UTF-16 units
    expect(exact.status).to.equal(201);
  });

  it('answers 413 for a body over 64 KiB', async () => {
    const session = await newSession();
    const { apiKey } = await backend();
    const res = await api('/api/chat/messages', {
      auth: apiKey,
      session: session.token,
      body: { conversationId: session.conversationId, clientId: newId(), text: 'hi', padding: 'p'.repeat(70 * 1024) },
    });
    expect(res.status).to.equal(413);
    expect(res.body.error.code).to.equal('payload_too_large');
  });

  it('answers 404 for an unknown conversation and 403 for another visitor’s', async () => {
    const mine = await newSession();
    const theirs = await newSession();
    const { apiKey } = await backend();
    const post = (conversationId: string) =>
      api('/api/chat/messages', { auth: apiKey, session: mine.token, body: { conversationId, clientId: newId(), text: 'hi' } });
    const unknown = await post('c_does_not_exist');
    expect(unknown.status).to.equal(404);
    expect(unknown.body.error.code).to.equal('not_found');
    const foreign = await post(theirs.conversationId);
    expect(foreign.status).to.equal(403);
    expect(foreign.body.error.code).to.equal('forbidden');
  });
});

describe('GET /api/chat/messages', () => {
  async function seeded(count: number) {
    const session = await newSession();
    for (let i = 1; i <= count; i++) await postVisitor(session, `message ${i}`);
    const { apiKey } = await backend();
    const get = (query: string) =>
      api(`/api/chat/messages?conversationId=${session.conversationId}${query}`, { auth: apiKey, session: session.token });
    return { session, get };
  }

  it('pages forward with after and limit, oldest first', async () => {
    const { get } = await seeded(7);
    const page1 = await get('&limit=3');
    expect(page1.status).to.equal(200);
    expect(page1.body.messages.map((m: any) => m.seq)).to.deep.equal([1, 2, 3]);
    expect(page1.body.hasMore).to.equal(true);
    expect(page1.body.lastSeq).to.equal(7);
    const page3 = await get('&after=6&limit=3');
    expect(page3.body.messages.map((m: any) => m.text)).to.deep.equal(['message 7']);
    expect(page3.body.hasMore).to.equal(false);
  });

  it('pages backward with before', async () => {
    const { get } = await seeded(7);
    const newest = await get('&before=8&limit=3');
    expect(newest.body.messages.map((m: any) => m.seq)).to.deep.equal([5, 6, 7]);
    expect(newest.body.hasMore).to.equal(true);
    const oldest = await get('&before=3&limit=5');
    expect(oldest.body.messages.map((m: any) => m.seq)).to.deep.equal([1, 2]);
    expect(oldest.body.hasMore).to.equal(false);
  });

  it('answers 400 for bad query parameters and a missing conversationId', async () => {
    const { session, get } = await seeded(0);
    const { apiKey } = await backend();
    for (const query of ['&limit=0', '&limit=201', '&after=-1', '&after=abc', '&wait=31']) {
      const res = await get(query);
      expect(res.status, query).to.equal(400);
      expect(res.body.error.code).to.equal('bad_request');
    }
    const missing = await api('/api/chat/messages', { auth: apiKey, session: session.token });
    expect(missing.status).to.equal(400);
  });

  it('long-polls: returns as soon as a message is stored', async () => {
    const { session, get } = await seeded(1);
    const started = performance.now();
    const poll = get('&after=1&wait=10');
    await sleep(300);
    await postVisitor(session, 'wake up');
    const res = await poll;
    expect(res.status).to.equal(200);
    expect(res.body.messages.map((m: any) => m.text)).to.deep.equal(['wake up']);
    expect(res.body.lastSeq).to.equal(2);
    expect(performance.now() - started).to.be.lessThan(5000);
  });

  it('long-polls: times out with no messages', async () => {
    const { get } = await seeded(1);
    const started = performance.now();
    const res = await get('&after=1&wait=1');
    expect(res.status).to.equal(200);
    expect(res.body.messages).to.deep.equal([]);
    expect(res.body.lastSeq).to.equal(1);
    expect(performance.now() - started).to.be.greaterThan(900);
  });

  it('long-polls: answers at once when messages already exist', async () => {
    const { get } = await seeded(2);
    const started = performance.now();
    const res = await get('&after=0&wait=10');
    expect(res.body.messages).to.have.length(2);
    expect(performance.now() - started).to.be.lessThan(2000);
  });
});

describe('visitor typing and routing', () => {
  it('POST /api/chat/typing answers 204, and 400 without a boolean', async () => {
    const session = await newSession();
    const { apiKey } = await backend();
    const ok = await api('/api/chat/typing', {
      auth: apiKey,
      session: session.token,
      body: { conversationId: session.conversationId, typing: true },
    });
    expect(ok.status).to.equal(204);
    const bad = await api('/api/chat/typing', {
      auth: apiKey,
      session: session.token,
      body: { conversationId: session.conversationId, typing: 'yes' },
    });
    expect(bad.status).to.equal(400);
  });

  it('answers 404 for unknown routes and 405 for a wrong method', async () => {
    const unknown = await api('/api/nope');
    expect(unknown.status).to.equal(404);
    expect(unknown.body.error.code).to.equal('not_found');
    const wrong = await api('/api/chat/session', { method: 'GET' });
    expect(wrong.status).to.equal(405);
    expect(wrong.body.error.code).to.equal('method_not_allowed');
  });

  it('never serves the backend sources or files outside demo/', async () => {
    // From Node: static answers carry no CORS headers, so a page on another origin cannot read
    // even their status (test/server/static-paths.test.ts walks many more spellings).
    const answers = await rawHttp(
      ['/demo/server/tenants.json', '/demo/%2e%2e/package.json'].map(
        (path) => `GET ${path} HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n`,
      ),
    );
    expect(answers.map((a) => a.status)).to.deep.equal([404, 404]);
  });
});
