import { expect } from '@open-wc/testing';
import {
  RecordingSocket,
  agentSocket,
  agentToken,
  api,
  backend,
  newId,
  newSession,
  postVisitor,
  sleep,
  userToken,
  visitorSocket,
  type Session,
} from './helpers.js';

// docs/protocol.md, "Conversation lifecycle, presence, read receipts, contact details": status
// (close/reopen, system messages, 409 conversation_closed, newest conversation in the session
// answer), presence, read marks, long-poll wake-ups, contact details and agent quick replies.

const sockets: RecordingSocket[] = [];
const track = (socket: RecordingSocket) => (sockets.push(socket), socket);
afterEach(() => sockets.splice(0).forEach((s) => s.close()));

async function agentPost(token: string, conversationId: string, action: string, body?: unknown) {
  return api(`/api/agent/conversations/${conversationId}/${action}`, { auth: token, body: body ?? {} });
}

async function sessionFor(visitorId: string, extra: Record<string, unknown> = {}) {
  const { apiKey } = await backend();
  return api<Session>('/api/chat/session', { auth: apiKey, body: { tenantId: 'demo', visitorId, ...extra } });
}

async function visitorPage(session: Session, query = '') {
  const { apiKey } = await backend();
  return api(`/api/chat/messages?conversationId=${session.conversationId}${query}`, { auth: apiKey, session: session.token });
}

/** Waits until no agent socket of the demo tenant is open (sockets of earlier tests close asynchronously). */
async function agentsOffline() {
  for (let i = 0; i < 50; i++) {
    if (!(await newSession()).agentsOnline) return;
    await sleep(100);
  }
  throw new Error('an agent socket of the demo tenant stayed open');
}

describe('conversation status', () => {
  it('an agent closes a conversation: system message, status frame, 409 for visitor sends', async () => {
    const token = await agentToken();
    const session = await newSession();
    await postVisitor(session, 'hi');
    const socket = track(await visitorSocket(session));
    const agents = track(await agentSocket(token));

    const closed = await agentPost(token, session.conversationId, 'close');
    expect(closed.status).to.equal(200);
    expect(closed.body.conversation).to.include({ id: session.conversationId, status: 'closed', lastSeq: 2 });
    expect(closed.body.conversation.lastMessage).to.include({ event: 'closed', text: 'Ada (demo agent) closed the conversation.' });
    expect(closed.body.conversation.lastMessage.sender).to.deep.equal({ type: 'system', name: 'Ada (demo agent)' });

    const status = await socket.next((f) => f.type === 'status' && f.status === 'closed');
    expect(status.conversationId).to.equal(session.conversationId);
    const notice = await socket.next((f) => f.type === 'message' && f.message.event === 'closed');
    expect(notice.message.seq).to.equal(2);
    const update = await agents.next(
      (f) => f.type === 'conversation' && f.conversation.id === session.conversationId && f.conversation.status === 'closed',
    );
    expect(update.conversation.lastSeq).to.equal(2);

    const http = await postVisitor(session, 'anyone?');
    expect(http.status).to.equal(409);
    expect(http.body.error.code).to.equal('conversation_closed');
    const clientId = newId();
    socket.send({ type: 'message', clientId, text: 'hello?' });
    const refused = await socket.next((f) => f.type === 'error' && f.clientId === clientId);
    expect(refused.code).to.equal('conversation_closed');

    const page = await visitorPage(session);
    expect(page.body.status).to.equal('closed');
    expect(page.body.messages.map((m: any) => m.event ?? m.text)).to.deep.equal(['hi', 'closed']);
  });

  it('a resend of a message stored before the close still answers the stored message', async () => {
    const token = await agentToken();
    const session = await newSession();
    const clientId = newId();
    const first = await postVisitor(session, 'sent before', clientId);
    await agentPost(token, session.conversationId, 'close');
    const again = await postVisitor(session, 'sent before', clientId);
    expect(again.status).to.equal(200);
    expect(again.body.message.id).to.equal(first.body.message.id);
  });

  it('closing twice changes nothing the second time; reopening stores a reopened message', async () => {
    const token = await agentToken();
    const session = await newSession();
    await agentPost(token, session.conversationId, 'close');
    const twice = await agentPost(token, session.conversationId, 'close');
    expect(twice.status).to.equal(200);
    expect(twice.body.conversation.lastSeq).to.equal(1);
    const socket = track(await visitorSocket(session));
    const reopened = await agentPost(token, session.conversationId, 'reopen');
    expect(reopened.status).to.equal(200);
    expect(reopened.body.conversation).to.include({ status: 'open', lastSeq: 2 });
    expect(reopened.body.conversation.lastMessage).to.include({ event: 'reopened', text: 'Ada (demo agent) reopened the conversation.' });
    await socket.next((f) => f.type === 'status' && f.status === 'open');
    const ok = await postVisitor(session, 'thanks');
    expect(ok.status).to.equal(201);
  });

  it('the session answers the newest conversation, closed included; newConversation starts a new one', async () => {
    const token = await agentToken();
    const visitorId = newId();
    const first = (await sessionFor(visitorId)).body;
    await postVisitor(first, 'first conversation');
    await agentPost(token, first.conversationId, 'close');

    const reload = (await sessionFor(visitorId)).body;
    expect(reload).to.include({ conversationId: first.conversationId, status: 'closed', lastSeq: 2 });

    const fresh = await sessionFor(visitorId, { newConversation: true });
    expect(fresh.status).to.equal(200);
    expect(fresh.body.conversationId).to.not.equal(first.conversationId);
    expect(fresh.body).to.include({ status: 'open', lastSeq: 0 });
    // The new conversation is now the one a reload finds, and asking again does not make a third.
    expect((await sessionFor(visitorId)).body.conversationId).to.equal(fresh.body.conversationId);
    expect((await sessionFor(visitorId, { newConversation: true })).body.conversationId).to.equal(fresh.body.conversationId);
    // The old token still reads the closed conversation (same visitor).
    expect((await visitorPage(first)).body.messages).to.have.length(2);

    const conflict = await agentPost(token, first.conversationId, 'reopen');
    expect(conflict.status).to.equal(409);
    expect(conflict.body.error.code).to.equal('conflict');
    const bad = await sessionFor(visitorId, { newConversation: 'yes' });
    expect(bad.status).to.equal(400);
  });

  it('keeps user conversations per user: newest closed, newConversation, reopen conflict', async () => {
    const token = await agentToken();
    const userId = `u_${newId()}`;
    const jwt = await userToken({ sub: userId });
    const first = (await sessionFor(newId(), { userToken: jwt })).body;
    await agentPost(token, first.conversationId, 'close');
    // Another browser of the same user sees the closed conversation, not a new one.
    const other = (await sessionFor(newId(), { userToken: jwt })).body;
    expect(other).to.include({ conversationId: first.conversationId, status: 'closed' });
    const fresh = (await sessionFor(other.visitorId, { userToken: jwt, newConversation: true })).body;
    expect(fresh.conversationId).to.not.equal(first.conversationId);
    expect(fresh.status).to.equal('open');
    // An anonymous session with that visitor id never gets the user's conversations.
    const anonymous = (await sessionFor(other.visitorId)).body;
    expect([first.conversationId, fresh.conversationId]).to.not.include(anonymous.conversationId);
    expect((await agentPost(token, first.conversationId, 'reopen')).status).to.equal(409);
  });

  it('another tenant’s agent gets 404 on close, reopen and read; visitors have no close endpoint', async () => {
    const { other, apiKey } = await backend();
    const acme = await agentToken(other);
    const session = await newSession();
    for (const action of ['close', 'reopen', 'read']) {
      const res = await agentPost(acme, session.conversationId, action, { seq: 0 });
      expect(res.status, action).to.equal(404);
      expect(res.body.error.code).to.equal('not_found');
    }
    // A visitor token is not an agent token.
    const visitor = await agentPost(session.token, session.conversationId, 'close');
    expect(visitor.status).to.equal(401);
    const viaChat = await api('/api/chat/close', {
      auth: apiKey,
      session: session.token,
      body: { conversationId: session.conversationId },
    });
    expect(viaChat.status).to.equal(404);
    expect((await visitorPage(session)).body.status).to.equal('open');
  });

  it('stores a joined system message the first time an agent writes in a conversation', async () => {
    const token = await agentToken();
    const session = await newSession();
    await postVisitor(session, 'hello');
    for (const text of ['first reply', 'second reply']) {
      const res = await agentPost(token, session.conversationId, 'messages', { clientId: newId(), text });
      expect(res.status).to.equal(201);
    }
    const page = await visitorPage(session);
    expect(page.body.messages.map((m: any) => [m.sender.type, m.event ?? m.text])).to.deep.equal([
      ['visitor', 'hello'],
      ['system', 'joined'],
      ['agent', 'first reply'],
      ['agent', 'second reply'],
    ]);
    expect(page.body.messages[1].text).to.equal('Ada (demo agent) joined the conversation.');
  });
});

describe('presence', () => {
  it('sends presence after ready and when the tenant’s agents come and go', async () => {
    await agentsOffline();
    const session = await newSession();
    expect(session.agentsOnline).to.equal(false);
    const socket = track(await visitorSocket(session));
    const initial = await socket.next((f) => f.type === 'presence');
    expect(initial.agentsOnline).to.equal(false);
    expect(socket.frames.indexOf(initial)).to.equal(1);

    const agent = await agentSocket(await agentToken());
    await socket.next((f) => f.type === 'presence' && f.agentsOnline === true);
    expect((await newSession()).agentsOnline).to.equal(true);
    expect((await visitorPage(session)).body.agentsOnline).to.equal(true);

    // A second agent socket changes nothing; closing one of two keeps agents online.
    const second = await agentSocket(await agentToken());
    second.close();
    await second.closed;
    agent.close();
    await agent.closed;
    await socket.next((f) => f.type === 'presence' && f.agentsOnline === false && f !== initial);
    expect(socket.frames.filter((f) => f.type === 'presence').map((f) => f.agentsOnline)).to.deep.equal([false, true, false]);
  });

  it('another tenant’s agents do not count', async () => {
    await agentsOffline();
    const { other } = await backend();
    const session = await newSession();
    const socket = track(await visitorSocket(session));
    track(await agentSocket(await agentToken(other)));
    await sleep(300);
    expect(socket.frames.filter((f) => f.type === 'presence').map((f) => f.agentsOnline)).to.deep.equal([false]);
    expect((await newSession()).agentsOnline).to.equal(false);
  });
});

describe('read receipts', () => {
  it('visitor and agent marks move forward only, clamp to lastSeq, and reach both sides', async () => {
    const token = await agentToken();
    const session = await newSession();
    const { apiKey } = await backend();
    for (const text of ['one', 'two', 'three']) await postVisitor(session, text);
    const socket = track(await visitorSocket(session));
    const agents = track(await agentSocket(token));

    const agentRead = await agentPost(token, session.conversationId, 'read', { seq: 2 });
    expect(agentRead.status).to.equal(204);
    const toVisitor = await socket.next((f) => f.type === 'read' && f.reader === 'agent');
    expect(toVisitor).to.deep.equal({ type: 'read', conversationId: session.conversationId, reader: 'agent', seq: 2 });
    await agents.next((f) => f.type === 'read' && f.reader === 'agent' && f.seq === 2);

    // Backwards is ignored; past lastSeq is clamped.
    expect((await agentPost(token, session.conversationId, 'read', { seq: 1 })).status).to.equal(204);
    expect((await agentPost(token, session.conversationId, 'read', { seq: 99 })).status).to.equal(204);
    const clamped = await socket.next((f) => f.type === 'read' && f.reader === 'agent' && f.seq !== 2);
    expect(clamped.seq).to.equal(3);

    socket.send({ type: 'read', seq: 1 });
    const visitorRead = await agents.next((f) => f.type === 'read' && f.reader === 'visitor');
    expect(visitorRead).to.deep.equal({ type: 'read', conversationId: session.conversationId, reader: 'visitor', seq: 1 });
    const http = await api('/api/chat/read', {
      auth: apiKey,
      session: session.token,
      body: { conversationId: session.conversationId, seq: 3 },
    });
    expect(http.status).to.equal(204);
    await agents.next((f) => f.type === 'read' && f.reader === 'visitor' && f.seq === 3);

    const page = await visitorPage(session);
    expect(page.body).to.include({ agentReadSeq: 3, visitorReadSeq: 3 });
    const again = await sessionFor(session.visitorId);
    expect(again.body).to.include({ agentReadSeq: 3, visitorReadSeq: 3 });
    const list = await api('/api/agent/conversations', { auth: token });
    expect(list.body.conversations.find((c: any) => c.id === session.conversationId)).to.include({ agentReadSeq: 3, visitorReadSeq: 3 });

    // A reconnecting visitor gets the marks right after ready.
    const later = track(await visitorSocket(session));
    await later.next((f) => f.type === 'read' && f.reader === 'agent' && f.seq === 3);
  });

  it('agents can report read over their socket; bad seq values are 400 / error frames', async () => {
    const token = await agentToken();
    const session = await newSession();
    const { apiKey } = await backend();
    await postVisitor(session, 'one');
    const socket = track(await visitorSocket(session));
    const agents = track(await agentSocket(token));
    agents.send({ type: 'read', conversationId: session.conversationId, seq: 1 });
    await socket.next((f) => f.type === 'read' && f.reader === 'agent' && f.seq === 1);

    for (const seq of [-1, 1.5, '1', null]) {
      const res = await api('/api/chat/read', {
        auth: apiKey,
        session: session.token,
        body: { conversationId: session.conversationId, seq },
      });
      expect(res.status, String(seq)).to.equal(400);
      expect((await agentPost(token, session.conversationId, 'read', { seq })).status).to.equal(400);
    }
    socket.send({ type: 'read', seq: 'all' });
    const error = await socket.next((f) => f.type === 'error');
    expect(error.code).to.equal('bad_request');
    agents.send({ type: 'read', conversationId: 'c_unknown_conversation', seq: 1 });
    expect((await agents.next((f) => f.type === 'error')).code).to.equal('not_found');
  });

  it('a visitor cannot mark another visitor’s conversation read', async () => {
    const a = await newSession();
    const b = await newSession();
    const { apiKey } = await backend();
    await postVisitor(a, 'mine');
    const res = await api('/api/chat/read', { auth: apiKey, session: b.token, body: { conversationId: a.conversationId, seq: 1 } });
    expect(res.status).to.equal(403);
    expect((await visitorPage(a)).body.visitorReadSeq).to.equal(0);
  });
});

describe('agent socket start', () => {
  it('keeps a frame the console sends before the socket is ready (a read mark right after opening)', async () => {
    const token = await agentToken();
    const session = await newSession();
    await postVisitor(session, 'hi');
    const { url } = await backend();
    const socket = track(new RecordingSocket(`${url.replace(/^http/, 'ws')}/ws/agent?token=${encodeURIComponent(token)}`));
    await new Promise((resolve) => socket.ws.addEventListener('open', resolve, { once: true }));
    // Sent at once: the server is usually still checking the token.
    socket.ws.send(JSON.stringify({ type: 'read', conversationId: session.conversationId, seq: 1 }));
    await socket.next((f) => f.type === 'ready');
    for (let i = 0; i < 50 && (await visitorPage(session)).body.agentReadSeq !== 1; i++) await sleep(100);
    expect((await visitorPage(session)).body.agentReadSeq).to.equal(1);
  });
});

describe('long poll wake-ups', () => {
  it('ends early when the conversation is closed', async () => {
    const token = await agentToken();
    const session = await newSession();
    await postVisitor(session, 'one');
    // The close also stores a system message; the page that ends the poll carries the new status.
    const poll = visitorPage(session, '&after=1&wait=20');
    await sleep(300);
    await agentPost(token, session.conversationId, 'close');
    const res = await poll;
    expect(res.body.status).to.equal('closed');
  });

  it('ends early, without messages, when the agent read mark moves', async () => {
    const token = await agentToken();
    const session = await newSession();
    await postVisitor(session, 'one');
    const started = Date.now();
    const poll = visitorPage(session, '&after=1&wait=20');
    await sleep(300);
    await agentPost(token, session.conversationId, 'read', { seq: 1 });
    const res = await poll;
    expect(res.body.messages).to.deep.equal([]);
    expect(res.body.agentReadSeq).to.equal(1);
    expect(Date.now() - started).to.be.lessThan(15_000);
  });

  it('ends early when an agent comes online', async () => {
    await agentsOffline();
    const session = await newSession();
    const poll = visitorPage(session, '&after=0&wait=20');
    await sleep(300);
    const agent = track(await agentSocket(await agentToken()));
    const res = await poll;
    expect(res.body.messages).to.deep.equal([]);
    expect(res.body.agentsOnline).to.equal(true);
    agent.close();
  });
});

describe('contact details', () => {
  const contact = async (session: Session, body: Record<string, unknown>) => {
    const { apiKey } = await backend();
    return api('/api/chat/contact', { auth: apiKey, session: session.token, body: { conversationId: session.conversationId, ...body } });
  };

  it('stores name, email and fields, merges later calls, and announces them to agents', async () => {
    const token = await agentToken();
    const session = await newSession();
    const agents = track(await agentSocket(token));
    const first = await contact(session, { name: 'Grace', email: 'grace@example.com', fields: { order: 'A-1', topic: 'billing' } });
    expect(first.status).to.equal(204);
    const frame = await agents.next(
      (f) => f.type === 'conversation' && f.conversation.id === session.conversationId && f.conversation.contact,
    );
    expect(frame.conversation.contact).to.deep.equal({
      name: 'Grace',
      email: 'grace@example.com',
      fields: { order: 'A-1', topic: 'billing' },
    });

    expect((await contact(session, { email: 'g@example.org', fields: { topic: 'refund' } })).status).to.equal(204);
    const list = await api('/api/agent/conversations', { auth: token });
    expect(list.body.conversations.find((c: any) => c.id === session.conversationId).contact).to.deep.equal({
      name: 'Grace',
      email: 'g@example.org',
      fields: { order: 'A-1', topic: 'refund' },
    });
  });

  it('answers 400 for invalid details and 403 for another visitor’s conversation', async () => {
    const session = await newSession();
    const bad: Array<Record<string, unknown>> = [
      { name: 'x'.repeat(101) },
      { name: 42 },
      { name: 'nul\u0000byte' },
      { email: 'not-an-email' },
      { email: 'a@b' },
      { email: `${'a'.repeat(250)}@example.com` },
      { fields: 'x' },
      { fields: ['a'] },
      { fields: { 'bad key': 'v' } },
      { fields: { ['k'.repeat(41)]: 'v' } },
      { fields: { k: 'v'.repeat(501) } },
      { fields: { k: 1 } },
      { fields: Object.fromEntries(Array.from({ length: 11 }, (_, i) => [`k${i}`, 'v'])) },
    ];
    for (const body of bad) {
      const res = await contact(session, body);
      expect(res.status, JSON.stringify(body).slice(0, 80)).to.equal(400);
      expect(res.body.error.code).to.equal('bad_request');
    }
    const other = await newSession();
    const { apiKey } = await backend();
    const res = await api('/api/chat/contact', {
      auth: apiKey,
      session: other.token,
      body: { conversationId: session.conversationId, name: 'Mallory' },
    });
    expect(res.status).to.equal(403);
  });
});

describe('agent quick replies', () => {
  it('stores valid quick replies and refuses malformed ones', async () => {
    const token = await agentToken();
    const session = await newSession();
    const ok = await agentPost(token, session.conversationId, 'messages', {
      clientId: newId(),
      text: 'Want a refund?',
      quickReplies: [' Yes, please ', 'No thanks'],
    });
    expect(ok.status).to.equal(201);
    expect(ok.body.message.quickReplies).to.deep.equal(['Yes, please', 'No thanks']);
    const page = await visitorPage(session);
    expect(page.body.messages.at(-1).quickReplies).to.deep.equal(['Yes, please', 'No thanks']);

    for (const quickReplies of ['yes', [''], ['  '], [1], ['x'.repeat(201)], Array.from({ length: 11 }, (_, i) => `r${i}`)]) {
      const res = await agentPost(token, session.conversationId, 'messages', { clientId: newId(), text: 'q', quickReplies });
      expect(res.status, JSON.stringify(quickReplies).slice(0, 60)).to.equal(400);
    }
  });
});
