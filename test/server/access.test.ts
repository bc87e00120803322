import { expect } from '@open-wc/testing';
import { SignJWT } from 'jose';
import {
  acmeSession,
  agentSocket,
  agentToken,
  api,
  backend,
  fromNode,
  newId,
  newSession,
  postVisitor,
  RecordingSocket,
  sleep,
  visitorSocket,
  wsFromNode,
} from './helpers.js';

// Tenant and access control of the reference backend (docs/security.md): origins, per-visitor and
// per-tenant scoping, rate limits, sizes, agent token lifetime.

describe('allowed origins', () => {
  const session = (origin: string, ip = '198.51.100.1') =>
    backend().then(({ other }) =>
      fromNode([{ path: '/api/chat/session', auth: other.apiKey, origin, ip, body: { tenantId: other.tenantId, visitorId: newId() } }]),
    );

  it('lets listed origins and wildcard subdomains of the acme tenant in', async () => {
    for (const origin of ['https://acme.example', 'https://shop.acme.example', 'https://a.b.acme.example', 'http://localhost:5173']) {
      const [res] = await session(origin);
      expect(res.status, origin).to.equal(200);
      expect(res.body.tenantId).to.equal('acme');
    }
  });

  it('refuses every other origin with 403 origin_not_allowed', async () => {
    const refused = [
      'https://evil.example',
      'http://acme.example', // wrong scheme
      'https://acme.example:8443', // wrong port
      'https://acme.example.evil.test', // suffix trick
      'https://evilacme.example', // no dot before the wildcard base
      'http://localhost:5174',
      'null',
      'not an origin',
    ];
    for (const origin of refused) {
      const [res] = await session(origin);
      expect(res.status, origin).to.equal(403);
      expect(res.body.error.code, origin).to.equal('origin_not_allowed');
    }
  });

  it('checks the origin on every visitor endpoint, not only on session creation', async () => {
    const { other } = await backend();
    const acme = await acmeSession();
    const [list, post] = await fromNode([
      {
        path: `/api/chat/messages?conversationId=${acme.conversationId}`,
        auth: other.apiKey,
        origin: 'https://evil.example',
        headers: { 'X-Amoiq-Session': acme.token },
      },
      {
        path: '/api/chat/messages',
        auth: other.apiKey,
        origin: 'https://evil.example',
        headers: { 'X-Amoiq-Session': acme.token },
        body: { conversationId: acme.conversationId, clientId: newId(), text: 'from a foreign page' },
      },
    ]);
    expect([list.status, list.body.error.code]).to.deep.equal([403, 'origin_not_allowed']);
    expect([post.status, post.body.error.code]).to.deep.equal([403, 'origin_not_allowed']);
    const [fine] = await fromNode([
      {
        path: `/api/chat/messages?conversationId=${acme.conversationId}`,
        auth: other.apiKey,
        origin: 'https://acme.example',
        headers: { 'X-Amoiq-Session': acme.token },
      },
    ]);
    expect(fine.status).to.equal(200);
    expect(fine.body.messages).to.deep.equal([]);
  });

  it('refuses a WebSocket upgrade from a wrong origin with 403 and accepts a listed one', async () => {
    const acme = await acmeSession();
    const path = `/ws/chat?token=${encodeURIComponent(acme.token)}`;
    const refused = await wsFromNode(path, 'https://evil.example');
    expect(refused.status).to.equal(403);
    expect(JSON.parse(refused.body!).error.code).to.equal('origin_not_allowed');
    const accepted = await wsFromNode(path, 'https://shop.acme.example');
    expect(accepted.status).to.equal(101);
    expect(accepted.frame.type).to.equal('ready');
  });

  it('keeps the demo tenant open to the test runner’s own origin (and any other)', async () => {
    const session = await newSession();
    expect(session.tenantId).to.equal('demo');
    const [res] = await fromNode([{ path: '/api/chat/session', auth: 'tenant:demo', origin: 'https://anything.example', body: {} }]);
    expect(res.status).to.equal(200);
  });
});

describe('visitor isolation', () => {
  it('visitor A cannot read, post to or long-poll visitor B’s conversation', async () => {
    const { apiKey } = await backend();
    const a = await newSession();
    const b = await newSession();
    await postVisitor(b, 'B’s secret');
    const read = await api(`/api/chat/messages?conversationId=${b.conversationId}`, { auth: apiKey, session: a.token });
    const poll = await api(`/api/chat/messages?conversationId=${b.conversationId}&wait=1`, { auth: apiKey, session: a.token });
    const post = await api('/api/chat/messages', {
      auth: apiKey,
      session: a.token,
      body: { conversationId: b.conversationId, clientId: newId(), text: 'intrusion' },
    });
    const typing = await api('/api/chat/typing', {
      auth: apiKey,
      session: a.token,
      body: { conversationId: b.conversationId, typing: true },
    });
    for (const res of [read, poll, post, typing]) {
      expect(res.status).to.equal(403);
      expect(JSON.stringify(res.body)).not.to.contain('secret');
    }
    const bView = await api(`/api/chat/messages?conversationId=${b.conversationId}`, { auth: apiKey, session: b.token });
    expect(bView.body.messages.map((m: any) => m.text)).to.deep.equal(['B’s secret']);
  });

  it('a socket only ever carries its own conversation, whatever `sync` it asks for', async () => {
    const a = await newSession();
    const b = await newSession();
    const socketA = await visitorSocket(a, '&after=0');
    socketA.send({ type: 'sync', after: 0 });
    await postVisitor(b, 'only for B');
    await postVisitor(a, 'for A');
    await socketA.next((f) => f.type === 'message' && f.message.text === 'for A');
    await sleep(100);
    expect(socketA.frames.filter((f) => f.type === 'message').map((f) => f.message.conversationId)).to.deep.equal([a.conversationId]);
    socketA.close();
  });

  it('a forged token (other conversation id, wrong key, alg none) cannot open B’s socket', async () => {
    const { url } = await backend();
    const b = await newSession();
    const wrongKey = await new SignJWT({ typ: 'visitor', tid: 'demo', cid: b.conversationId })
      .setProtectedHeader({ alg: 'HS256' })
      .setSubject(b.visitorId)
      .setExpirationTime('5m')
      .sign(new TextEncoder().encode('guessed-secret'));
    const body = btoa(JSON.stringify({ typ: 'visitor', tid: 'demo', cid: b.conversationId, sub: b.visitorId, exp: 2e9 })).replace(
      /=+$/,
      '',
    );
    const algNone = `${btoa('{"alg":"none"}').replace(/=+$/, '')}.${body}.`;
    for (const token of [wrongKey, algNone]) {
      const socket = new RecordingSocket(`${url.replace(/^http/, 'ws')}/ws/chat?token=${encodeURIComponent(token)}`);
      expect((await socket.closed).code).to.equal(4001);
      expect(socket.frames).to.deep.equal([]);
    }
  });

  it('conversation ids are not guessable and an unknown one tells nothing', async () => {
    const { apiKey } = await backend();
    const a = await newSession();
    const ids = new Set((await Promise.all([1, 2, 3].map(() => newSession()))).map((s) => s.conversationId));
    for (const id of ids) expect(id).to.match(/^c_[A-Za-z0-9_-]{21}$/);
    const guess = await api(`/api/chat/messages?conversationId=c_${newId()}`, { auth: apiKey, session: a.token });
    expect(guess.status).to.equal(404);
    expect(guess.body.error.code).to.equal('not_found');
  });
});

describe('tenant isolation', () => {
  it('an agent sees, reads and writes only its own tenant’s conversations', async () => {
    const acme = await acmeSession();
    // Listed once the visitor wrote (an empty session is not in the agents' list).
    const [said] = await fromNode([
      {
        path: '/api/chat/messages',
        auth: (await backend()).other.apiKey,
        origin: 'https://acme.example',
        headers: { 'X-Amoiq-Session': acme.token },
        body: { conversationId: acme.conversationId, clientId: newId(), text: 'hello acme' },
      },
    ]);
    expect(said.status).to.equal(201);
    const demoAgent = await agentToken();
    const list = await api('/api/agent/conversations', { auth: demoAgent });
    expect(list.body.conversations.map((c: any) => c.id)).not.to.include(acme.conversationId);
    for (const res of [
      await api(`/api/agent/conversations/${acme.conversationId}/messages`, { auth: demoAgent }),
      await api(`/api/agent/conversations/${acme.conversationId}/messages`, { auth: demoAgent, body: { text: 'hi', clientId: newId() } }),
    ]) {
      expect(res.status).to.equal(404);
      expect(res.body.error.code).to.equal('not_found');
    }
    const acmeAgent = await agentToken((await backend()).other);
    const acmeList = await api('/api/agent/conversations', { auth: acmeAgent });
    expect(acmeList.body.conversations.map((c: any) => c.id)).to.include(acme.conversationId);
  });

  it('a demo agent socket gets no event of an acme conversation', async () => {
    const { other } = await backend();
    const socket = await agentSocket(await agentToken());
    const acme = await acmeSession();
    await fromNode([
      {
        path: '/api/chat/messages',
        auth: other.apiKey,
        origin: 'https://acme.example',
        headers: { 'X-Amoiq-Session': acme.token },
        body: { conversationId: acme.conversationId, clientId: newId(), text: 'acme only' },
      },
    ]);
    const demo = await newSession();
    await postVisitor(demo, 'demo marker');
    await socket.next((f) => f.type === 'message' && f.message.text === 'demo marker');
    expect(JSON.stringify(socket.frames)).not.to.contain(acme.conversationId);
    socket.close();
  });
});

describe('rate limits', () => {
  it('limits new sessions per visitor with 429 and a Retry-After', async () => {
    const visitorId = newId();
    const requests = Array.from({ length: 31 }, () => ({
      path: '/api/chat/session',
      auth: 'tenant:demo',
      ip: '203.0.113.10',
      body: { visitorId },
    }));
    const answers = await fromNode(requests, 'main', { timeoutMs: 20_000 });
    const limited = answers.filter((a) => a.status === 429);
    expect(answers.filter((a) => a.status === 200)).to.have.length(30);
    expect(limited).to.have.length(1);
    expect(limited[0].body.error.code).to.equal('rate_limited');
    expect(Number(limited[0].headers['retry-after'])).to.be.within(1, 60);
  });

  it('limits new sessions per IP address, and other addresses are not affected', async () => {
    const make = (ip: string) => ({ path: '/api/chat/session', auth: 'tenant:demo', ip, body: {} });
    const answers = await fromNode(
      Array.from({ length: 301 }, () => make('203.0.113.77')),
      'main',
      { timeoutMs: 20_000 },
    );
    expect(answers.filter((a) => a.status === 200)).to.have.length(300);
    const last = answers.find((a) => a.status === 429)!;
    expect(last.body.error.code).to.equal('rate_limited');
    expect(Number(last.headers['retry-after'])).to.be.within(1, 60);
    const [other] = await fromNode([make('203.0.113.78')]);
    expect(other.status).to.equal(200);
  });

  it('limits sending per visitor (120 a minute) over HTTP with 429', async () => {
    const session = await newSession();
    const results = [];
    for (let i = 0; i < 120; i++) results.push((await postVisitor(session, `flood ${i}`)).status);
    expect(results.every((s) => s === 201)).to.equal(true);
    const limited = await postVisitor(session, 'one too many');
    expect([limited.status, limited.body.error.code]).to.deep.equal([429, 'rate_limited']);
    expect(Number(limited.headers.get('Retry-After'))).to.be.within(1, 60);
  });
});

describe('sizes and agent sessions', () => {
  it('answers 413 for an over-long message and an over-large body, HTTP and WebSocket', async () => {
    const session = await newSession();
    const long = await postVisitor(session, 'x'.repeat(4001));
    expect([long.status, long.body.error.code]).to.deep.equal([413, 'payload_too_large']);
    const { apiKey } = await backend();
    const huge = await api('/api/chat/messages', {
      auth: apiKey,
      session: session.token,
      raw: JSON.stringify({ pad: 'y'.repeat(70_000) }),
    });
    expect([huge.status, huge.body.error.code]).to.deep.equal([413, 'payload_too_large']);
    const socket = await visitorSocket(session);
    const clientId = newId();
    socket.send({ type: 'message', clientId, text: 'z'.repeat(4001) });
    const error = await socket.next((f) => f.type === 'error');
    expect([error.code, error.clientId]).to.deep.equal(['payload_too_large', clientId]);
    socket.close();
  });

  it('agent tokens last 8 hours and an expired one is refused with token_expired', async () => {
    const { agent, jwtSecret } = await backend();
    const login = await api('/api/agent/login', { body: agent });
    const [, payload] = login.body.token.split('.');
    const claims = JSON.parse(atob(payload.replace(/-/g, '+').replace(/_/g, '/')));
    expect(claims.exp - claims.iat).to.equal(8 * 3600);
    const now = Math.floor(Date.now() / 1000);
    const expired = await new SignJWT({ typ: 'agent', tid: 'demo' })
      .setProtectedHeader({ alg: 'HS256' })
      .setSubject(login.body.agent.id)
      .setIssuedAt(now - 8 * 3600 - 60)
      .setExpirationTime(now - 60)
      .sign(new TextEncoder().encode(jwtSecret));
    const res = await api('/api/agent/conversations', { auth: expired });
    expect([res.status, res.body.error.code]).to.deep.equal([401, 'token_expired']);
  });

  it('stores agent passwords as scrypt hashes: a wrong password is refused', async () => {
    const { agent } = await backend();
    const res = await api('/api/agent/login', { body: { email: agent.email, password: `${agent.password}x` } });
    expect([res.status, res.body.error.code]).to.deep.equal([401, 'unauthorized']);
  });
});
