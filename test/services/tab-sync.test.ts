import { expect } from '@open-wc/testing';
import { nanoid } from 'nanoid';
import { ChatService, type ChatServiceEvent } from '../../src/services/chat-service.js';
import { ChatStore } from '../../src/services/store.js';
import { FakeWebSocket, SESSION, fakeFetch, wireMessage } from '../helpers/fakes.js';
import { until } from '../helpers/until.js';

// Two ChatService instances on one page with one database behave like two tabs of a visitor:
// real Web Locks, real BroadcastChannel, real IndexedDB; only the network is faked.
function tab(dbName: string) {
  const http = fakeFetch({
    'POST /api/chat/session': ({ body }) => ({ status: 200, body: { ...SESSION, visitorId: body.visitorId } }),
    'GET /api/chat/messages': () => ({ status: 200, body: { messages: [], hasMore: false, lastSeq: 0 } }),
  });
  const service = new ChatService({
    gatewayUrl: 'http://backend.test',
    apiKey: 'pk',
    tenantId: 't1',
    dbName,
    fetch: http.fetch,
    WebSocket: FakeWebSocket,
  });
  const events: ChatServiceEvent[] = [];
  service.onEvent((e) => events.push(e));
  return { service, events };
}

async function seeded(): Promise<string> {
  const dbName = `amoiq-tabs-${nanoid(8)}`;
  await new ChatStore('t1', dbName).setSession({ ...SESSION });
  return dbName;
}

/** Tab A connects (its socket accepted), then tab B starts and follows it. */
async function leaderAndFollower() {
  const dbName = await seeded();
  const a = tab(dbName);
  await a.service.start();
  await until(() => FakeWebSocket.instances.length === 1, 'leader socket');
  const ws = FakeWebSocket.last;
  ws.accept();
  const b = tab(dbName);
  await b.service.start();
  await until(() => b.service.state.connection === 'online', 'follower online through the leader');
  return { a, b, ws, dbName };
}

describe('ChatService across tabs', () => {
  beforeEach(() => FakeWebSocket.reset());

  it('opens one connection for two tabs, and both see every message', async () => {
    const { a, b } = await leaderAndFollower();
    expect(a.service.isLeader).to.equal(true);
    expect(b.service.isLeader).to.equal(false);

    FakeWebSocket.last.frame({ type: 'message', message: wireMessage(1, { text: 'from the agent' }) });
    await until(() => b.service.state.messages.some((m) => m.text === 'from the agent'), 'message in the follower');
    expect(a.service.state.messages.map((m) => m.seq)).to.deep.equal([1]);
    expect(FakeWebSocket.instances).to.have.length(1);
    a.service.stop();
    b.service.stop();
  });

  it('sends a follower’s message through the leader’s socket, and both show it sent', async () => {
    const { a, b, ws, dbName } = await leaderAndFollower();

    const queued = b.service.send('typed in tab B');
    await until(() => ws.sent.some((f) => f.type === 'message'), 'frame on the leader socket');
    ws.frame({
      type: 'ack',
      clientId: queued.clientId,
      message: wireMessage(1, { clientId: queued.clientId, text: 'typed in tab B', sender: { type: 'visitor' } }),
    });
    await until(() => b.service.state.messages.at(-1)?.status === 'delivered', 'delivered in tab B');
    expect(a.service.state.messages.at(-1)?.status).to.equal('delivered');
    expect(b.service.state.messages).to.have.length(1);
    expect(await new ChatStore('t1', dbName).getOutbox('c1')).to.deep.equal([]);
    a.service.stop();
    b.service.stop();
  });

  it('takes over when the leader’s tab goes away, and sends what was queued meanwhile exactly once', async () => {
    const { a, b } = await leaderAndFollower();

    a.service.stop(); // the leader's tab closes: its lock is released
    const queued = b.service.send('sent while nobody led');
    const start = Date.now();
    await until(() => b.service.isLeader && FakeWebSocket.instances.length === 2, 'takeover');
    expect(Date.now() - start).to.be.below(1000);
    const ws = FakeWebSocket.last;
    ws.accept();
    await until(() => ws.sent.some((f) => f.type === 'message'), 'queued message sent by the new leader');
    expect(ws.sent.filter((f) => f.type === 'message')).to.deep.equal([
      { type: 'message', clientId: queued.clientId, text: 'sent while nobody led' },
    ]);
    b.service.stop();
  });

  it('opens and closes the panel in every tab', async () => {
    const dbName = await seeded();
    const a = tab(dbName);
    const b = tab(dbName);
    await a.service.start();
    await b.service.start();
    a.service.setPanelOpen(true);
    await until(() => b.events.some((e) => e.type === 'panel' && e.open), 'panel event in tab B');
    a.service.stop();
    b.service.stop();
  });
});
