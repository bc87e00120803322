import { expect } from '@open-wc/testing';
import { RecordingSocket, agentSocket, agentToken, api, backend, newId, newSession, postVisitor, sleep } from './helpers.js';

describe('POST /api/agent/login', () => {
  it('returns a token and the agent for good credentials', async () => {
    const { agent } = await backend();
    const res = await api('/api/agent/login', { body: agent });
    expect(res.status).to.equal(200);
    expect(res.body.token.split('.')).to.have.length(3);
    expect(Date.parse(res.body.expiresAt)).to.be.greaterThan(Date.now());
    // The demo agent is the tenant's admin (it manages the widget configurations, docs/protocol.md).
    expect(res.body.agent).to.deep.equal({
      id: 'agent_demo_ada',
      name: 'Ada (demo agent)',
      email: 'agent@demo.test',
      tenantId: 'demo',
      role: 'admin',
    });
  });

  it('answers 401 unauthorized for a wrong password or unknown email, 400 for a bad body', async () => {
    const wrong = await api('/api/agent/login', { body: { email: 'agent@demo.test', password: 'nope' } });
    expect(wrong.status).to.equal(401);
    expect(wrong.body.error.code).to.equal('unauthorized');
    const unknown = await api('/api/agent/login', { body: { email: 'nobody@demo.test', password: 'demo-password' } });
    expect(unknown.status).to.equal(401);
    const bad = await api('/api/agent/login', { body: { email: 'agent@demo.test' } });
    expect(bad.status).to.equal(400);
    expect(bad.body.error.code).to.equal('bad_request');
  });
});

describe('agent conversations and messages', () => {
  it('lists the tenant’s conversations, newest activity first, with the last message', async () => {
    const token = await agentToken();
    const older = await newSession();
    await postVisitor(older, 'older');
    const newer = await newSession();
    await postVisitor(newer, 'newer');
    const res = await api('/api/agent/conversations', { auth: token });
    expect(res.status).to.equal(200);
    const ids = res.body.conversations.map((c: any) => c.id);
    expect(ids.indexOf(newer.conversationId)).to.be.lessThan(ids.indexOf(older.conversationId));
    const conversation = res.body.conversations[0];
    expect(conversation).to.include({ id: newer.conversationId, status: 'open', lastSeq: 1, awaitingReply: true });
    // Agents get an opaque reference, never the visitor id (it lets its holder write as the visitor).
    expect(conversation.visitorRef).to.match(/^v_[A-Za-z0-9_-]{16}$/);
    expect(JSON.stringify(res.body)).not.to.contain(newer.visitorId);
    expect(conversation.lastMessage.text).to.equal('newer');
    const stamps = res.body.conversations.map((c: any) => Date.parse(c.updatedAt));
    expect([...stamps].sort((a, b) => b - a)).to.deep.equal(stamps);
  });

  it('reads history and replies as the agent; the visitor sees the reply', async () => {
    const token = await agentToken();
    const session = await newSession();
    await postVisitor(session, 'I need help');
    const history = await api(`/api/agent/conversations/${session.conversationId}/messages`, { auth: token });
    expect(history.status).to.equal(200);
    expect(history.body.messages.map((m: any) => m.text)).to.deep.equal(['I need help']);

    const clientId = newId();
    const reply = await api(`/api/agent/conversations/${session.conversationId}/messages`, {
      auth: token,
      body: { clientId, text: 'On it!' },
    });
    expect(reply.status).to.equal(201);
    // seq 2 is the system message announcing that the agent joined (first message in this conversation).
    expect(reply.body.message).to.deep.include({ seq: 3, text: 'On it!', clientId });
    expect(reply.body.message.sender).to.deep.equal({ type: 'agent', id: 'agent_demo_ada', name: 'Ada (demo agent)' });
    const duplicate = await api(`/api/agent/conversations/${session.conversationId}/messages`, {
      auth: token,
      body: { clientId, text: 'On it!' },
    });
    expect(duplicate.status).to.equal(200);
    expect(duplicate.body.message.id).to.equal(reply.body.message.id);

    const { apiKey } = await backend();
    const visitorView = await api(`/api/chat/messages?conversationId=${session.conversationId}&after=1`, {
      auth: apiKey,
      session: session.token,
    });
    expect(visitorView.body.messages.map((m: any) => m.text)).to.deep.equal(['Ada (demo agent) joined the conversation.', 'On it!']);
  });

  it('answers 401 invalid_token without a token or with a visitor token', async () => {
    const session = await newSession();
    const none = await api('/api/agent/conversations');
    expect(none.status).to.equal(401);
    expect(none.body.error.code).to.equal('invalid_token');
    const visitorToken = await api('/api/agent/conversations', { auth: session.token });
    expect(visitorToken.status).to.equal(401);
    expect(visitorToken.body.error.code).to.equal('invalid_token');
  });

  it('keeps tenants apart: acme’s agent gets 404 for a demo conversation and never lists it', async () => {
    const { other } = await backend();
    const acmeToken = await agentToken(other);
    const session = await newSession();
    await postVisitor(session, 'demo secret');
    const path = `/api/agent/conversations/${session.conversationId}`;
    const read = await api(`${path}/messages`, { auth: acmeToken });
    expect(read.status).to.equal(404);
    expect(read.body.error.code).to.equal('not_found');
    expect(JSON.stringify(read.body)).not.to.contain('demo secret');
    const write = await api(`${path}/messages`, { auth: acmeToken, body: { clientId: newId(), text: 'hijack' } });
    expect(write.status).to.equal(404);
    const typing = await api(`${path}/typing`, { auth: acmeToken, body: { typing: true } });
    expect(typing.status).to.equal(404);
    const list = await api('/api/agent/conversations', { auth: acmeToken });
    expect(list.body.conversations.map((c: any) => c.id)).not.to.include(session.conversationId);
    const demoToken = await agentToken();
    const demoView = await api(`${path}/messages`, { auth: demoToken });
    expect(demoView.body.messages.map((m: any) => m.text)).to.deep.equal(['demo secret']);
  });

  it('answers 404 for an unknown conversation and 400/413 for bad replies', async () => {
    const token = await agentToken();
    const unknown = await api('/api/agent/conversations/c_nope/messages', { auth: token });
    expect(unknown.status).to.equal(404);
    const session = await newSession();
    const path = `/api/agent/conversations/${session.conversationId}/messages`;
    const bad = await api(path, { auth: token, body: { text: 'no client id' } });
    expect(bad.status).to.equal(400);
    const big = await api(path, { auth: token, body: { clientId: newId(), text: 'y'.repeat(4001) } });
    expect(big.status).to.equal(413);
  });
});

describe('/ws/agent', () => {
  const sockets: RecordingSocket[] = [];
  afterEach(() => sockets.splice(0).forEach((s) => s.close()));

  it('sends ready with the agent', async () => {
    const socket = await agentSocket(await agentToken());
    sockets.push(socket);
    expect(socket.frames[0].agent).to.deep.include({ id: 'agent_demo_ada', tenantId: 'demo' });
  });

  it('receives new conversations and visitor messages live, from HTTP and WebSocket', async () => {
    const socket = await agentSocket(await agentToken());
    sockets.push(socket);
    const session = await newSession();
    await postVisitor(session, 'over http');
    const viaHttp = await socket.next((f) => f.type === 'message' && f.message.text === 'over http');
    expect(viaHttp.message.conversationId).to.equal(session.conversationId);
    // Agents hear of a conversation from its first message, not from the page view that opened it.
    const frames = socket.frames.filter((f) => f.type === 'conversation' && f.conversation.id === session.conversationId);
    const created = await socket.next((f) => f.type === 'conversation' && f.conversation.id === session.conversationId);
    expect(frames.every((f) => f.conversation.lastSeq >= 1)).to.equal(true);
    expect(created.conversation.lastSeq).to.equal(1);
    expect(created.conversation.lastMessage.text).to.equal('over http');

    const { url } = await backend();
    const visitor = new RecordingSocket(`${url.replace(/^http/, 'ws')}/ws/chat?token=${session.token}`);
    sockets.push(visitor);
    await visitor.next((f) => f.type === 'ready');
    visitor.send({ type: 'message', clientId: newId(), text: 'over ws' });
    const viaWs = await socket.next((f) => f.type === 'message' && f.message.text === 'over ws');
    expect(viaWs.message.seq).to.equal(2);
  });

  it('receives visitor typing (HTTP fallback and WebSocket)', async () => {
    const socket = await agentSocket(await agentToken());
    sockets.push(socket);
    const session = await newSession();
    const { apiKey, url } = await backend();
    await api('/api/chat/typing', { auth: apiKey, session: session.token, body: { conversationId: session.conversationId, typing: true } });
    const started = await socket.next((f) => f.type === 'typing' && f.typing === true);
    expect(started).to.deep.include({ conversationId: session.conversationId });
    expect(started.sender.type).to.equal('visitor');

    const visitor = new RecordingSocket(`${url.replace(/^http/, 'ws')}/ws/chat?token=${session.token}`);
    sockets.push(visitor);
    await visitor.next((f) => f.type === 'ready');
    visitor.send({ type: 'typing', typing: false });
    const stopped = await socket.next((f) => f.type === 'typing' && f.typing === false);
    expect(stopped.conversationId).to.equal(session.conversationId);
  });

  it('does not receive another tenant’s events', async () => {
    const { other } = await backend();
    const demo = await agentSocket(await agentToken());
    const acme = await agentSocket(await agentToken(other));
    sockets.push(demo, acme);
    const session = await newSession();
    await postVisitor(session, 'for demo only');
    await demo.next((f) => f.type === 'message' && f.message.text === 'for demo only');
    await sleep(200);
    // Its own tenant's queue (the assistant's handoff queue) may come; nothing of demo's.
    expect(acme.frames.filter((f) => f.type !== 'queue').map((f) => f.type)).to.deep.equal(['ready']);
    expect(JSON.stringify(acme.frames)).not.to.contain(session.conversationId);
  });

  it('sends agent typing frames to the visitor', async () => {
    const session = await newSession();
    const { url } = await backend();
    const visitor = new RecordingSocket(`${url.replace(/^http/, 'ws')}/ws/chat?token=${session.token}`);
    const agent = await agentSocket(await agentToken());
    sockets.push(visitor, agent);
    await visitor.next((f) => f.type === 'ready');
    agent.send({ type: 'typing', conversationId: session.conversationId, typing: true });
    const typing = await visitor.next((f) => f.type === 'typing');
    expect(typing.sender).to.deep.equal({ type: 'agent', id: 'agent_demo_ada', name: 'Ada (demo agent)' });
  });

  it('closes with 4001 for a bad token and answers malformed frames with error', async () => {
    const { url } = await backend();
    const bad = new RecordingSocket(`${url.replace(/^http/, 'ws')}/ws/agent?token=nope`);
    sockets.push(bad);
    expect((await bad.closed).code).to.equal(4001);
    const socket = await agentSocket(await agentToken());
    sockets.push(socket);
    socket.send('[1,2');
    const error = await socket.next((f) => f.type === 'error');
    expect(error.code).to.equal('bad_request');
    socket.send({ type: 'typing', conversationId: 'c_unknown', typing: true });
    const notFound = await socket.next((f) => f.type === 'error' && f.code === 'not_found');
    expect(notFound.message).to.be.a('string');
    socket.send({ type: 'ping', ts: 7 });
    expect((await socket.next((f) => f.type === 'pong')).ts).to.equal(7);
  });
});
