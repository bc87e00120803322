import { expect } from '@open-wc/testing';
import { nanoid } from 'nanoid';
import { ChatService, type ChatServiceEvent } from '../../src/services/chat-service.js';
import { ChatStore } from '../../src/services/store.js';
import { FakeClock, FakeWebSocket, SESSION, fakeFetch, flush, wireMessage } from '../helpers/fakes.js';
import { until } from '../helpers/until.js';

function setup(dbName = `amoiq-test-${nanoid(8)}`) {
  FakeWebSocket.reset();
  const clock = new FakeClock();
  let seq = 0;
  const http = fakeFetch({
    'POST /api/chat/session': ({ body }) => ({
      status: 200,
      body: { ...SESSION, visitorId: body.visitorId, expiresAt: new Date(clock.now() + 900_000).toISOString(), lastSeq: seq },
    }),
    'GET /api/chat/messages': () => ({ status: 200, body: { messages: [], hasMore: false, lastSeq: seq } }),
  });
  const service = new ChatService({
    gatewayUrl: 'http://backend.test',
    apiKey: 'pk',
    tenantId: 't1',
    dbName,
    fetch: http.fetch,
    WebSocket: FakeWebSocket,
    clock,
    transport: { backoff: { base: 500, cap: 4000, random: () => 0.5 } },
  });
  const events: ChatServiceEvent[] = [];
  service.onEvent((e) => events.push(e));
  return { service, clock, http, events, dbName, nextSeq: () => ++seq };
}

describe('ChatService', () => {
  it('creates a visitor id once and keeps it in IndexedDB', async () => {
    const { service, http, dbName } = setup();
    await service.start();
    await until(() => FakeWebSocket.instances.length > 0, 'socket');
    const visitorId = http.calls[0].body.visitorId as string;
    expect(visitorId).to.match(/^[\w-]{21}$/);
    expect(await new ChatStore('t1', dbName).getVisitorId()).to.equal(visitorId);
    service.stop();
  });

  it('queues a message in the IndexedDB outbox before sending, then marks it sent on ack', async () => {
    const { service, events, dbName, nextSeq } = setup();
    await service.start();
    await until(() => FakeWebSocket.instances.length > 0, 'socket');
    const queued = service.send('  Hello there  ');
    expect(queued.text).to.equal('Hello there');
    expect(service.state.messages.at(-1)).to.include({ status: 'pending', text: 'Hello there' });
    await flush();
    expect((await new ChatStore('t1', dbName).getOutbox('c1')).map((e) => e.clientId)).to.deep.equal([queued.clientId]);

    const ws = FakeWebSocket.last;
    ws.accept();
    await until(() => ws.sent.some((f) => f.type === 'message'), 'message frame');
    const frame = ws.sent.find((f) => f.type === 'message')!;
    expect(frame).to.deep.equal({ type: 'message', clientId: queued.clientId, text: 'Hello there' });
    ws.frame({
      type: 'ack',
      clientId: queued.clientId,
      message: wireMessage(nextSeq(), { clientId: queued.clientId, text: 'Hello there', sender: { type: 'visitor' } }),
    });
    await until(() => service.state.messages.at(-1)?.status === 'delivered', 'sent status');
    expect(service.state.messages).to.have.length(1);
    await flush();
    expect(await new ChatStore('t1', dbName).getOutbox('c1')).to.deep.equal([]);
    expect(events.some((e) => e.type === 'message' && e.direction === 'sent')).to.equal(true);
    service.stop();
  });

  it('refuses empty and over-long text without queueing anything', async () => {
    const { service } = setup();
    expect(() => service.send('   ')).to.throw(RangeError);
    expect(() => service.send('x'.repeat(4001))).to.throw(RangeError, /4000/);
    expect(service.state.messages).to.have.length(0);
    service.stop();
  });

  it('shows cached history at once on the next start, before any network answer', async () => {
    const dbName = `amoiq-test-${nanoid(8)}`;
    const store = new ChatStore('t1', dbName);
    await store.setSession({ ...SESSION });
    await store.setMessages('c1', [wireMessage(1), wireMessage(2)]);
    const { service } = setup(dbName);
    await service.start();
    expect(service.state.messages.map((m) => m.text)).to.deep.equal(['message 1', 'message 2']);
    await until(() => FakeWebSocket.instances.length > 0, 'socket');
    expect(FakeWebSocket.last.url).to.contain('after=2');
    service.stop();
  });

  it('keeps a rate-limited message pending, since sending it later can succeed', async () => {
    const { service } = setup();
    await service.start();
    await until(() => FakeWebSocket.instances.length > 0, 'socket');
    const ws = FakeWebSocket.last;
    ws.accept();
    const m = service.send('refused once');
    await until(() => ws.sent.some((f) => f.type === 'message'), 'frame');
    ws.frame({ type: 'error', code: 'rate_limited', message: 'slow down', clientId: m.clientId });
    // In flight ('sent') until the refusal is handled; then 429 is transient: pending, not failed.
    await until(() => service.state.messages.at(-1)?.status !== 'sent', 'the refusal handled');
    expect(service.state.messages.at(-1)?.status).to.equal('pending');
    service.stop();
  });

  it('marks a message refused by the server as failed, and Retry sends it again', async () => {
    const second = setup();
    await second.service.start();
    await until(() => FakeWebSocket.instances.length > 0, 'socket');
    const ws2 = FakeWebSocket.last;
    ws2.accept();
    const bad = second.service.send('bad');
    await until(() => ws2.sent.some((f) => f.type === 'message'), 'frame');
    ws2.frame({ type: 'error', code: 'bad_request', message: 'nope', clientId: bad.clientId });
    await until(() => second.service.state.messages.at(-1)?.status === 'failed', 'failed status');
    expect(second.events.some((e) => e.type === 'error' && e.code === 'bad_request')).to.equal(true);
    second.service.retry(bad.clientId!);
    await until(() => ws2.sent.filter((f) => f.type === 'message').length === 2, 'resend');
    ws2.frame({
      type: 'ack',
      clientId: bad.clientId,
      message: wireMessage(second.nextSeq(), { clientId: bad.clientId, text: 'bad', sender: { type: 'visitor' } }),
    });
    await until(() => second.service.state.messages.at(-1)?.status === 'delivered', 'sent');
    second.service.stop();
  });

  it('fetches the missing messages when a gap appears', async () => {
    const { service, http } = setup();
    await service.start();
    await until(() => FakeWebSocket.instances.length > 0, 'socket');
    const ws = FakeWebSocket.last;
    ws.accept();
    ws.frame({ type: 'message', message: wireMessage(1) });
    ws.frame({ type: 'message', message: wireMessage(3) });
    await until(() => http.calls.some((c) => c.method === 'GET' && c.url.searchParams.get('after') === '1'), 'gap fetch');
    expect(ws.sent.some((f) => f.type === 'sync' && f.after === 1)).to.equal(true);
    service.stop();
  });

  it('leaves no timer or open socket after stop()', async () => {
    const { service, clock } = setup();
    await service.start();
    await until(() => FakeWebSocket.instances.length > 0, 'socket');
    FakeWebSocket.last.accept();
    FakeWebSocket.last.frame({ type: 'typing', conversationId: 'c1', sender: { type: 'agent', name: 'Ada' }, typing: true });
    expect(service.state.typing?.name).to.equal('Ada');
    expect(clock.timers.size).to.be.greaterThan(0);
    service.stop();
    expect(service.pendingTimers).to.equal(0);
    expect(clock.timers.size).to.equal(0);
    expect(FakeWebSocket.instances.every((ws) => ws.readyState === 3)).to.equal(true);
  });
});

describe('ChatService history paging', () => {
  it('loadOlder() fetches the page before the oldest message held', async () => {
    const dbName = `amoiq-test-${nanoid(8)}`;
    const store = new ChatStore('t1', dbName);
    await store.setSession({ ...SESSION });
    await store.setMessages('c1', [wireMessage(51), wireMessage(52)]);
    FakeWebSocket.reset();
    const http = fakeFetch({
      'POST /api/chat/session': () => ({ status: 200, body: { ...SESSION, lastSeq: 52 } }),
      'GET /api/chat/messages': ({ url }) => {
        const before = Number(url.searchParams.get('before'));
        const from = Math.max(1, before - 50);
        const messages = Array.from({ length: before - from }, (_, i) => wireMessage(from + i));
        return { status: 200, body: { messages, hasMore: from > 1, lastSeq: 52 } };
      },
    });
    const service = new ChatService({
      gatewayUrl: 'http://backend.test',
      apiKey: 'pk',
      tenantId: 't1',
      dbName,
      fetch: http.fetch,
      WebSocket: FakeWebSocket,
      clock: new FakeClock(),
    });
    await service.start();
    expect(service.state.hasOlder).to.equal(true);
    expect(await service.loadOlder()).to.equal(50);
    expect(service.state.messages[0].seq).to.equal(1);
    expect(service.state.messages).to.have.length(52);
    expect(service.state.hasOlder).to.equal(false);
    expect(await service.loadOlder()).to.equal(0);
    service.stop();
  });
});

describe('ChatService bounded attempts', () => {
  it('marks a message failed after 5 transient server errors, and not before', async function () {
    this.timeout(40_000);
    FakeWebSocket.reset();
    FakeWebSocket.refuse = true; // HTTP fallback: sends go through POST
    const clock = new FakeClock();
    let posts = 0;
    const http = fakeFetch({
      'POST /api/chat/session': ({ body }) => ({
        status: 200,
        body: { ...SESSION, visitorId: body.visitorId, expiresAt: new Date(clock.now() + 3_600_000).toISOString() },
      }),
      'GET /api/chat/messages': ({ url }) =>
        url.searchParams.get('wait') === '0'
          ? { status: 200, body: { messages: [], hasMore: false, lastSeq: 0 } }
          : new Promise(() => undefined),
      'POST /api/chat/messages': () => {
        posts++;
        return { status: 503, body: { error: { code: 'internal', message: 'busy' } } };
      },
    });
    const service = new ChatService({
      gatewayUrl: 'http://backend.test',
      apiKey: 'pk',
      tenantId: 't1',
      dbName: `amoiq-test-${nanoid(8)}`,
      fetch: http.fetch,
      WebSocket: FakeWebSocket,
      clock,
      tabs: false,
    });
    await service.start();
    await until(() => service.state.transport === 'http', 'HTTP fallback');
    service.send('never stored');
    // Step fake time (retries wait 1 s, 2 s, 4 s, 8 s) until the message fails, noting its status
    // after each number of attempts; bounded in real time.
    const statusAfter = new Map<number, string | undefined>();
    const end = Date.now() + 20_000;
    while (service.state.messages.at(-1)?.status !== 'failed' && Date.now() < end) {
      if (posts < 5) statusAfter.set(posts, service.state.messages.at(-1)?.status);
      await clock.advance(250);
    }
    const where = `connection ${service.state.connection}/${service.state.transport}, ${posts} attempts`;
    for (const [attempts, status] of statusAfter) expect(status, `after ${attempts} attempts`).to.be.oneOf(['pending', 'sent']);
    expect(statusAfter.size, where).to.be.greaterThan(1);
    expect(posts, where).to.equal(5);
    expect(service.state.messages.at(-1)?.status).to.equal('failed');
    expect(service.state.messages.at(-1)?.error).to.match(/after 5 attempts/);
    service.stop();
  });
});
