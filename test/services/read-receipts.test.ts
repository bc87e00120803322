import { expect } from '@open-wc/testing';
import { nanoid } from 'nanoid';
import { ChatService } from '../../src/services/chat-service.js';
import { ChatStore } from '../../src/services/store.js';
import { decodeMessagePage, decodeServerFrame, decodeSession } from '../../src/protocol/v1.js';
import { FakeClock, FakeWebSocket, SESSION, fakeFetch, flush, wireMessage } from '../helpers/fakes.js';
import { until } from '../helpers/until.js';

// Read receipts, conversation status, presence and contact details in ChatService, against a
// faked network (FakeWebSocket, fakeFetch) and real IndexedDB, BroadcastChannel and Web Locks.

interface Options {
  tabs?: boolean;
  dbName?: string;
  /** Status of the conversation the session answer names. */
  status?: 'open' | 'closed';
  agentsOnline?: boolean;
  agentReadSeq?: number;
  /** Messages `GET /api/chat/messages` answers. */
  page?: Record<string, unknown>;
}

function setup(options: Options = {}) {
  const dbName = options.dbName ?? `amoiq-lifecycle-${nanoid(8)}`;
  const http = fakeFetch({
    'POST /api/chat/session': ({ body }) => ({
      status: 200,
      body: body.newConversation
        ? {
            ...SESSION,
            visitorId: body.visitorId,
            conversationId: 'c2',
            status: 'open',
            agentsOnline: options.agentsOnline,
            agentReadSeq: 0,
          }
        : {
            ...SESSION,
            visitorId: body.visitorId,
            status: options.status ?? 'open',
            agentsOnline: options.agentsOnline,
            agentReadSeq: options.agentReadSeq ?? 0,
          },
    }),
    'GET /api/chat/messages': () => ({ status: 200, body: { messages: [], hasMore: false, lastSeq: 0, ...options.page } }),
    'POST /api/chat/read': () => ({ status: 204 }),
    'POST /api/chat/contact': ({ body }) =>
      body.email === 'bad'
        ? { status: 400, body: { error: { code: 'bad_request', message: 'email is not an address' } } }
        : { status: 204 },
    'POST /api/chat/messages': ({ body }) => ({
      status: 200,
      body: {
        message: wireMessage(1, {
          clientId: body.clientId,
          text: body.text,
          conversationId: body.conversationId,
          sender: { type: 'visitor' },
        }),
      },
    }),
  });
  const service = new ChatService({
    gatewayUrl: 'http://backend.test',
    apiKey: 'pk',
    tenantId: 't1',
    dbName,
    fetch: http.fetch,
    WebSocket: FakeWebSocket,
    clock: options.tabs ? undefined : new FakeClock(),
    tabs: options.tabs ? undefined : false,
    transport: { backoff: { base: 500, cap: 4000, random: () => 0.5 } },
  });
  return { service, http, dbName };
}

/** Starts the service and accepts its socket. */
async function online(options: Options = {}) {
  const ctx = setup(options);
  await ctx.service.start();
  await until(() => FakeWebSocket.instances.length > 0, 'socket');
  const ws = FakeWebSocket.last;
  ws.accept();
  await until(() => ctx.service.state.connection === 'online', 'online');
  return { ...ctx, ws };
}

const reads = (ws: FakeWebSocket) => ws.sent.filter((f) => f.type === 'read');

describe('ChatService: read receipts', () => {
  beforeEach(() => FakeWebSocket.reset());

  it('reports the newest sequence number read, once per new one', async () => {
    const { service, ws } = await online();
    service.markRead();
    expect(reads(ws), 'nothing to report in an empty conversation').to.deep.equal([]);
    ws.frame({ type: 'message', message: wireMessage(1) });
    ws.frame({ type: 'message', message: wireMessage(2) });
    await flush();
    service.markRead();
    service.markRead();
    expect(reads(ws)).to.deep.equal([{ type: 'read', seq: 2 }]);
    ws.frame({ type: 'message', message: wireMessage(3) });
    await flush();
    service.markRead();
    expect(reads(ws)).to.deep.equal([
      { type: 'read', seq: 2 },
      { type: 'read', seq: 3 },
    ]);
    service.stop();
  });

  it('does not report again what this visitor read in another browser (visitor read frame)', async () => {
    const { service, ws } = await online();
    ws.frame({ type: 'message', message: wireMessage(1) });
    ws.frame({ type: 'read', conversationId: 'c1', reader: 'visitor', seq: 1 });
    await flush();
    service.markRead();
    expect(reads(ws)).to.deep.equal([]);
    service.stop();
  });

  it('posts /api/chat/read on the HTTP fallback', async () => {
    FakeWebSocket.refuse = true;
    const { service, http } = setup({ page: { messages: [wireMessage(1)], lastSeq: 1 } });
    await service.start();
    await until(() => service.state.transport === 'http' && service.state.messages.length === 1, 'HTTP fallback with a message');
    service.markRead();
    await until(() => http.calls.some((c) => c.url.pathname === '/api/chat/read'), 'read POST');
    const call = http.calls.find((c) => c.url.pathname === '/api/chat/read')!;
    expect(call.body).to.deep.equal({ conversationId: 'c1', seq: 1 });
    expect(call.headers.get('X-Amoiq-Session')).to.equal('tok');
    service.stop();
  });

  it('tries again later when the report could not be sent (offline)', async () => {
    const { service, ws } = await online();
    ws.frame({ type: 'message', message: wireMessage(1) });
    await flush();
    ws.serverClose(1006);
    await until(() => service.state.connection === 'offline', 'offline');
    service.markRead();
    await flush();
    expect(reads(ws)).to.deep.equal([]);
    service.wake();
    await until(() => FakeWebSocket.instances.length === 2, 'reconnect');
    FakeWebSocket.last.accept();
    await until(() => service.state.connection === 'online', 'online again');
    service.markRead();
    expect(reads(FakeWebSocket.last)).to.deep.equal([{ type: 'read', seq: 1 }]);
    service.stop();
  });

  it('shows the visitor’s own messages read up to the agent’s mark (frame and session answer)', async () => {
    const { service, ws } = await online({ agentReadSeq: 1 });
    for (const seq of [1, 2, 3])
      ws.frame({ type: 'message', message: wireMessage(seq, { sender: { type: 'visitor' }, clientId: `k${seq}` }) });
    await flush();
    expect(service.state.messages.map((m) => m.status)).to.deep.equal(['read', 'delivered', 'delivered']);
    ws.frame({ type: 'read', conversationId: 'c1', reader: 'agent', seq: 2 });
    await flush();
    expect(service.state.messages.map((m) => m.status)).to.deep.equal(['read', 'read', 'delivered']);
    ws.frame({ type: 'read', conversationId: 'other', reader: 'agent', seq: 3 });
    ws.frame({ type: 'read', conversationId: 'c1', reader: 'agent', seq: 1 });
    await flush();
    expect(
      service.state.messages.map((m) => m.status),
      'marks of other conversations, and going back, change nothing',
    ).to.deep.equal(['read', 'read', 'delivered']);
    service.stop();
  });

  it('a follower tab forwards the report to the leader, which sends it once', async () => {
    const dbName = `amoiq-lifecycle-${nanoid(8)}`;
    await new ChatStore('t1', dbName).setSession({ ...SESSION });
    const a = await online({ tabs: true, dbName });
    const b = setup({ tabs: true, dbName });
    await b.service.start();
    await until(() => b.service.state.connection === 'online', 'follower online through the leader');
    expect(b.service.isLeader).to.equal(false);
    a.ws.frame({ type: 'message', message: wireMessage(1) });
    await until(() => b.service.state.messages.length === 1, 'message in the follower');
    b.service.markRead();
    b.service.markRead();
    await until(() => reads(a.ws).length > 0, 'read frame from the leader');
    // Tab messages of one sender arrive in order: once the typing report posted after the reads
    // reached the leader's socket, the leader has handled both markRead() calls.
    b.service.setTyping(true);
    await until(() => a.ws.sent.some((f) => f.type === 'typing'), 'the follower’s typing report on the leader’s socket');
    await a.service.whenIdle();
    expect(reads(a.ws)).to.deep.equal([{ type: 'read', seq: 1 }]);
    // The leader knows it was reported: its own markRead sends nothing more.
    a.service.markRead();
    expect(reads(a.ws)).to.have.length(1);
    a.service.stop();
    b.service.stop();
  });
});

describe('ChatService: status and presence', () => {
  beforeEach(() => FakeWebSocket.reset());

  it('takes status and presence from the session answer, then from frames', async () => {
    const { service, ws } = await online({ agentsOnline: true });
    expect(service.state.conversationStatus).to.equal('open');
    expect(service.state.agentsOnline).to.equal(true);
    ws.frame({ type: 'presence', agentsOnline: false });
    await flush();
    expect(service.state.agentsOnline).to.equal(false);
    ws.frame({ type: 'status', conversationId: 'c1', status: 'closed' });
    await flush();
    expect(service.state.conversationStatus).to.equal('closed');
    ws.frame({ type: 'status', conversationId: 'c1', status: 'open' });
    await flush();
    expect(service.state.conversationStatus).to.equal('open');
    service.stop();
  });

  it('ignores malformed status and presence frames with a warning', async () => {
    const { service, ws } = await online({ agentsOnline: true });
    const warn = console.warn;
    const warnings: string[] = [];
    console.warn = (text: string) => warnings.push(text);
    try {
      ws.frame({ type: 'presence', agentsOnline: 'no' });
      ws.frame({ type: 'status', conversationId: 'c1', status: 'archived' });
      await flush();
    } finally {
      console.warn = warn;
    }
    expect(service.state.agentsOnline).to.equal(true);
    expect(service.state.conversationStatus).to.equal('open');
    expect(warnings.join('\n'))
      .to.match(/presence frame/)
      .and.match(/status frame/);
    service.stop();
  });

  it('a live "closed" notice closes the conversation and keeps its event for a localized text', async () => {
    const { service, ws } = await online();
    ws.frame({
      type: 'message',
      message: wireMessage(1, { sender: { type: 'system', name: 'Ada' }, text: 'Ada closed the conversation.', event: 'closed' }),
    });
    await flush();
    expect(service.state.conversationStatus).to.equal('closed');
    expect(service.state.messages[0]).to.include({ event: 'closed' });
    service.stop();
  });

  it('reads status, presence and the read mark from long-poll pages', async () => {
    FakeWebSocket.refuse = true;
    const { service } = setup({
      page: {
        messages: [wireMessage(1, { sender: { type: 'visitor' }, clientId: 'k1' })],
        lastSeq: 1,
        status: 'closed',
        agentsOnline: false,
        agentReadSeq: 1,
      },
    });
    await service.start();
    await until(() => service.state.conversationStatus === 'closed', 'closed from the page');
    expect(service.state.agentsOnline).to.equal(false);
    expect(service.state.messages[0].status).to.equal('read');
    service.stop();
  });

  it('tells follower tabs about status, presence and the agent’s read mark', async () => {
    const dbName = `amoiq-lifecycle-${nanoid(8)}`;
    await new ChatStore('t1', dbName).setSession({ ...SESSION });
    const a = await online({ tabs: true, dbName, agentsOnline: true });
    const b = setup({ tabs: true, dbName });
    await b.service.start();
    await until(() => b.service.state.connection === 'online', 'follower online');
    a.ws.frame({ type: 'message', message: wireMessage(1, { sender: { type: 'visitor' }, clientId: 'k1' }) });
    a.ws.frame({ type: 'presence', agentsOnline: false });
    a.ws.frame({ type: 'read', conversationId: 'c1', reader: 'agent', seq: 1 });
    a.ws.frame({ type: 'status', conversationId: 'c1', status: 'closed' });
    await until(() => b.service.state.conversationStatus === 'closed', 'status in the follower');
    expect(b.service.state.agentsOnline).to.equal(false);
    await until(() => b.service.state.messages[0]?.status === 'read', 'read mark in the follower');
    a.service.stop();
    b.service.stop();
  });
});

describe('ChatService: closed conversation and a new one', () => {
  beforeEach(() => FakeWebSocket.reset());

  it('keeps a message refused with conversation_closed queued, not failed', async () => {
    const { service, ws } = await online();
    const queued = service.send('are you there?');
    await until(() => ws.sent.some((f) => f.type === 'message'), 'message frame');
    ws.frame({ type: 'error', code: 'conversation_closed', message: 'closed', clientId: queued.clientId });
    await until(() => service.state.conversationStatus === 'closed', 'closed');
    await flush();
    expect(service.state.messages.map((m) => [m.text, m.status])).to.deep.equal([['are you there?', 'pending']]);
    service.send('hello?');
    await flush();
    expect(
      ws.sent.filter((f) => f.type === 'message'),
      'nothing more is sent into a closed conversation',
    ).to.have.length(1);
    service.stop();
  });

  it('startNewConversation() asks for newConversation, clears the list and sends the queued messages there', async () => {
    const { service, ws, http, dbName } = await online({ status: 'closed' });
    ws.frame({ type: 'message', message: wireMessage(1, { text: 'old' }) });
    await flush();
    expect(service.state.conversationStatus).to.equal('closed');
    const queued = service.send('new question');
    const store = new ChatStore('t1', dbName);
    await until(async () => (await store.getOutbox('c1')).length === 1, 'queued in the closed conversation’s outbox');
    expect(ws.sent.filter((f) => f.type === 'message')).to.deep.equal([]);

    await service.startNewConversation();
    const sessionCalls = http.calls.filter((c) => c.url.pathname === '/api/chat/session');
    expect(sessionCalls.at(-1)!.body.newConversation).to.equal(true);
    expect(service.state.conversationId).to.equal('c2');
    expect(service.state.conversationStatus).to.equal('open');
    expect(service.state.messages.map((m) => m.text)).to.deep.equal(['new question']);
    await until(() => FakeWebSocket.instances.length === 2, 'new socket');
    const ws2 = FakeWebSocket.last;
    ws2.readyState = 1;
    ws2.frame({ type: 'ready', protocol: 1, conversationId: 'c2', visitorId: 'v1', lastSeq: 0 });
    await until(() => ws2.sent.some((f) => f.type === 'message'), 'queued message sent in the new conversation');
    expect(ws2.sent.find((f) => f.type === 'message')).to.include({ clientId: queued.clientId, text: 'new question' });
    expect(await store.getOutbox('c1'), 'nothing left in the old outbox').to.deep.equal([]);
    service.stop();
  });
});

describe('ChatService: contact details', () => {
  beforeEach(() => FakeWebSocket.reset());

  it('submitContact() posts the details, keeps them per conversation and a restart still has them', async () => {
    const { service, http, dbName } = await online();
    await service.submitContact({ name: ' Grace ', email: 'grace@example.com', fields: { company: 'Acme', empty: ' ' } });
    const call = http.calls.find((c) => c.url.pathname === '/api/chat/contact')!;
    expect(call.body).to.deep.equal({ conversationId: 'c1', name: 'Grace', email: 'grace@example.com', fields: { company: 'Acme' } });
    expect(service.state.contact).to.deep.equal({ name: 'Grace', email: 'grace@example.com', fields: { company: 'Acme' } });
    await service.submitContact({ email: 'g@example.org' });
    expect(service.state.contact, 'merged key by key').to.deep.equal({
      name: 'Grace',
      email: 'g@example.org',
      fields: { company: 'Acme' },
    });
    service.stop();

    const again = setup({ dbName });
    await again.service.start();
    await until(() => again.service.state.contact?.email === 'g@example.org', 'contact after restart');
    again.service.stop();
  });

  it('details given in one tab reach the visitor’s other tabs', async () => {
    const dbName = `amoiq-lifecycle-${nanoid(8)}`;
    await new ChatStore('t1', dbName).setSession({ ...SESSION });
    const a = await online({ tabs: true, dbName });
    const b = setup({ tabs: true, dbName });
    await b.service.start();
    await until(() => b.service.state.connection === 'online', 'follower online');
    await b.service.submitContact({ email: 'tabs@example.com' });
    await until(() => a.service.state.contact?.email === 'tabs@example.com', 'contact in the leader');
    a.service.stop();
    b.service.stop();
  });

  it('rejects with the server’s ApiError and keeps nothing', async () => {
    const { service } = await online();
    let error: unknown;
    try {
      await service.submitContact({ email: 'bad' });
    } catch (err) {
      error = err;
    }
    expect(error).to.have.property('code', 'bad_request');
    expect(service.state.contact).to.equal(undefined);
    service.stop();
  });
});

describe('protocol v1: lifecycle fields and frames', () => {
  it('session answers default to open, no read mark, presence unknown', () => {
    const decoded = decodeSession({ ...SESSION, status: 'archived', agentReadSeq: -1, agentsOnline: 'yes', config: { awayMessage: 42 } });
    expect(decoded.ok && decoded.value).to.include({ status: 'open', agentReadSeq: 0, agentsOnline: undefined });
    expect(decoded.ok && decoded.value.config.awayMessage).to.equal(undefined);
    const closed = decodeSession({
      ...SESSION,
      status: 'closed',
      agentReadSeq: 4,
      agentsOnline: false,
      config: { awayMessage: 'Back soon' },
    });
    expect(closed.ok && closed.value).to.include({ status: 'closed', agentReadSeq: 4, agentsOnline: false });
    expect(closed.ok && closed.value.config.awayMessage).to.equal('Back soon');
  });

  it('checks status, presence and read frames, and a message’s event', () => {
    const ok = (v: unknown) => decodeServerFrame(JSON.stringify(v)).ok;
    expect(ok({ type: 'status', conversationId: 'c1', status: 'closed' })).to.equal(true);
    expect(ok({ type: 'status', conversationId: 'c1', status: 'paused' })).to.equal(false);
    expect(ok({ type: 'presence', agentsOnline: false })).to.equal(true);
    expect(ok({ type: 'presence' })).to.equal(false);
    expect(ok({ type: 'read', conversationId: 'c1', reader: 'agent', seq: 3 })).to.equal(true);
    expect(ok({ type: 'read', conversationId: 'c1', reader: 'bot', seq: 3 })).to.equal(false);
    expect(ok({ type: 'read', conversationId: 'c1', reader: 'agent', seq: -1 })).to.equal(false);
    expect(ok({ type: 'message', message: wireMessage(1, { sender: { type: 'system' }, event: 'closed' }) })).to.equal(true);
    expect(ok({ type: 'message', message: wireMessage(1, { sender: { type: 'system' }, event: 'deleted' }) })).to.equal(false);
    const page = decodeMessagePage({ messages: [], hasMore: false, lastSeq: 0, status: 'closed', agentsOnline: true, agentReadSeq: 2 });
    expect(page.ok && page.value).to.include({ status: 'closed', agentsOnline: true, agentReadSeq: 2 });
  });
});
