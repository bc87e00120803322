import { expect } from '@open-wc/testing';
import { nanoid } from 'nanoid';
import { ChatService } from '../../src/services/chat-service.js';
import { ChatStore } from '../../src/services/store.js';
import type { TabMessage } from '../../src/services/tab-messages.js';
import type { TabSyncDeps } from '../../src/services/tab-sync.js';
import { FakeWebSocket, SESSION, fakeFetch, wireMessage } from '../helpers/fakes.js';
import { until } from '../helpers/until.js';

// A visitor's first visit with two tabs open: the store is empty when both tabs start, so the
// follower cannot restore a session; the leader creates the conversation later, and it has no
// messages yet. Real Web Locks, BroadcastChannel and IndexedDB; only the network is faked.

/** A session request that waits until the test opens the gate. */
function gatedSession() {
  let open!: () => void;
  const gate = new Promise<void>((resolve) => (open = resolve));
  const http = fakeFetch({
    'POST /api/chat/session': async ({ body }) => {
      await gate;
      return { status: 200, body: { ...SESSION, visitorId: body.visitorId } };
    },
    'GET /api/chat/messages': () => ({ status: 200, body: { messages: [], hasMore: false, lastSeq: 0 } }),
  });
  return { http, open };
}

/**
 * A BroadcastChannel for the follower that loses the incoming messages of the kinds in `drop`
 * and holds its `hello` until `release()`: lets a test choose which leader message tells the
 * follower its conversation.
 */
function filteredChannel(drop: ReadonlyArray<TabMessage['type']>) {
  let held: TabMessage[] | undefined = [];
  const channels: BroadcastChannel[] = [];
  class Filtered extends BroadcastChannel {
    constructor(name: string) {
      super(name);
      channels.push(this);
    }
    // TabSync posts batches (arrays of tab messages): filter and hold inside them.
    override set onmessage(fn: ((this: BroadcastChannel, ev: MessageEvent) => unknown) | null) {
      super.onmessage =
        fn &&
        ((ev: MessageEvent<TabMessage[]>) => {
          const kept = ev.data.filter((m) => !drop.includes(m.type));
          return kept.length ? fn.call(this, new MessageEvent('message', { data: kept })) : undefined;
        });
    }
    override get onmessage() {
      return super.onmessage;
    }
    override postMessage(batch: TabMessage[]): void {
      const hellos: TabMessage[] = held ? batch.filter((m) => m.type === 'hello') : [];
      held?.push(...hellos);
      const rest = batch.filter((m) => !hellos.includes(m));
      if (rest.length) super.postMessage(rest);
    }
  }
  return {
    deps: { locks: navigator.locks, BroadcastChannel: Filtered } as TabSyncDeps,
    release() {
      const messages = held ?? [];
      held = undefined;
      if (messages.length) channels[0].postMessage(messages);
    },
  };
}

function tab(dbName: string, http: ReturnType<typeof fakeFetch>, tabs?: TabSyncDeps) {
  return new ChatService({
    gatewayUrl: 'http://backend.test',
    apiKey: 'pk',
    tenantId: 't1',
    dbName,
    fetch: http.fetch,
    WebSocket: FakeWebSocket,
    ...(tabs ? { tabs } : {}),
  });
}

const typingFrames = (ws: FakeWebSocket) => ws.sent.filter((f) => f.type === 'typing').length;

/**
 * Waits until the leader has handled every tab message the follower posted so far, and both have
 * finished the work that started: tab messages of one sender arrive in order, so once the typing
 * report the follower posts last reaches the leader's socket, the earlier ones were handled.
 */
async function settled(a: ChatService, b: ChatService, ws: FakeWebSocket): Promise<void> {
  const before = typingFrames(ws);
  b.setTyping(false);
  await until(() => typingFrames(ws) > before, 'the follower’s last tab message handled by the leader');
  await a.whenIdle();
  await b.whenIdle();
}

const messageFrames = (ws: FakeWebSocket) => ws.sent.filter((f) => f.type === 'message');

/** The leader sends the follower's message once; it is in the stored outbox until acknowledged. */
async function expectSentOnce(a: ChatService, b: ChatService, ws: FakeWebSocket, dbName: string, clientId: string, text: string) {
  await until(() => messageFrames(ws).length > 0, 'the follower’s message on the leader’s socket');
  expect(messageFrames(ws)).to.deep.equal([{ type: 'message', clientId, text }]);
  // Written to IndexedDB before the network: a reload now would not lose it.
  expect((await new ChatStore('t1', dbName).getOutbox('c1')).map((e) => e.clientId)).to.deep.equal([clientId]);
  expect(b.state.conversationId).to.equal('c1');

  ws.frame({ type: 'ack', clientId, message: wireMessage(1, { clientId, text, sender: { type: 'visitor' } }) });
  await until(() => b.state.messages.at(-1)?.status === 'delivered', 'delivered in the follower');
  await until(() => a.state.messages.at(-1)?.status === 'delivered', 'delivered in the leader');
  expect(b.state.messages).to.have.length(1);
  expect(a.state.messages).to.have.length(1);
  await settled(a, b, ws);
  expect(messageFrames(ws)).to.have.length(1);
  expect(await new ChatStore('t1', dbName).getOutbox('c1')).to.deep.equal([]);
}

describe('A follower tab on the first visit', () => {
  beforeEach(() => FakeWebSocket.reset());

  it('learns the new conversation from the leader and sends what was typed before, exactly once', async () => {
    const dbName = `amoiq-first-${nanoid(8)}`;
    const { http, open } = gatedSession();
    const a = tab(dbName, http);
    await a.start();
    await until(() => a.isLeader, 'tab A leads');
    const b = tab(dbName, http);
    await b.start(); // nothing stored yet: no session, no conversation
    expect(b.isLeader).to.equal(false);
    expect(b.state.conversationId).to.equal(undefined);

    const queued = b.send('hello from tab B');
    expect(b.state.messages.map((m) => m.status)).to.deep.equal(['pending']);
    await b.whenIdle(); // its look for a stored session found none
    expect(b.state.conversationId).to.equal(undefined);

    open(); // the leader's session arrives: conversation c1, no messages yet
    await until(() => FakeWebSocket.instances.length === 1, 'leader socket');
    const ws = FakeWebSocket.last;
    ws.accept();
    await expectSentOnce(a, b, ws, dbName, queued.clientId!, 'hello from tab B');
    expect(http.calls.filter((c) => c.url.pathname === '/api/chat/session')).to.have.length(1);
    a.stop();
    b.stop();
  });

  for (const only of ['state', 'lifecycle'] as const) {
    it(`learns the conversation from the leader’s ${only} message alone`, async () => {
      const dbName = `amoiq-first-${nanoid(8)}`;
      const { http, open } = gatedSession();
      const a = tab(dbName, http);
      await a.start();
      await until(() => a.isLeader, 'tab A leads');
      const channel = filteredChannel((['conversation', 'state', 'lifecycle'] as const).filter((t) => t !== only));
      const b = tab(dbName, http, channel.deps);
      await b.start();
      const queued = b.send('typed before anything was stored');
      await b.whenIdle();

      open();
      await until(() => FakeWebSocket.instances.length === 1, 'leader socket');
      const ws = FakeWebSocket.last;
      ws.accept();
      await until(() => a.state.connection === 'online' && a.state.conversationId === 'c1', 'leader online in c1');
      expect(b.state.conversationId).to.equal(undefined);
      expect(messageFrames(ws)).to.deep.equal([]);

      channel.release(); // the follower's hello reaches the leader only now: c1 has no messages
      await expectSentOnce(a, b, ws, dbName, queued.clientId!, 'typed before anything was stored');
      a.stop();
      b.stop();
    });
  }

  it('finds the conversation the leader stored when the visitor sends, having heard none of it', async () => {
    const dbName = `amoiq-first-${nanoid(8)}`;
    const { http, open } = gatedSession();
    const a = tab(dbName, http);
    await a.start();
    await until(() => a.isLeader, 'tab A leads');
    const channel = filteredChannel(['conversation', 'state', 'lifecycle']);
    const b = tab(dbName, http, channel.deps);
    await b.start(); // its hello stays held: the leader never answers it

    open();
    await until(() => FakeWebSocket.instances.length === 1, 'leader socket');
    const ws = FakeWebSocket.last;
    ws.accept();
    await until(() => a.state.connection === 'online' && a.state.conversationId === 'c1', 'leader online in c1');
    expect(b.state.conversationId).to.equal(undefined);

    const queued = b.send('sent by a follower that missed everything');
    await expectSentOnce(a, b, ws, dbName, queued.clientId!, 'sent by a follower that missed everything');
    a.stop();
    b.stop();
  });
});
