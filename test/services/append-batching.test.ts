import { expect } from '@open-wc/testing';
import { nanoid } from 'nanoid';
import type { ChatMessage } from '../../src/services/chat-types.js';
import { ChatService } from '../../src/services/chat-service.js';
import { Snapshot } from '../../src/services/snapshot.js';
import { ChatStore } from '../../src/services/store.js';
import type { TabMessage } from '../../src/services/tab-messages.js';
import { TabSync } from '../../src/services/tab-sync.js';
import { Tasks } from '../../src/services/tasks.js';
import { Timeline } from '../../src/services/timeline.js';
import { FakeClock, FakeWebSocket, SESSION, fakeFetch, wireMessage } from '../helpers/fakes.js';
import { until } from '../helpers/until.js';

// Issue 17, item 2: what a burst of received messages costs — behaviour, not timings (those are in
// bench/load-history.bench.mjs): places found by binary search, one BroadcastChannel post and one
// IndexedDB cache write per burst, one state for a follower.

/** A BroadcastChannel that records what it posts (the real one, so tabs still hear each other). */
function recordingChannel() {
  const posts: unknown[] = [];
  class Recording extends BroadcastChannel {
    override postMessage(message: unknown): void {
      posts.push(message);
      super.postMessage(message);
    }
  }
  return { posts, BroadcastChannel: Recording };
}

function tab(dbName: string, channel?: ReturnType<typeof recordingChannel>, clock?: FakeClock) {
  const http = fakeFetch({
    'POST /api/chat/session': ({ body }) => ({ status: 200, body: { ...SESSION, visitorId: body.visitorId } }),
    'GET /api/chat/messages': () => ({ status: 200, body: { messages: [], hasMore: false, lastSeq: 0 } }),
  });
  return new ChatService({
    gatewayUrl: 'http://backend.test',
    apiKey: 'pk',
    tenantId: 't1',
    dbName,
    fetch: http.fetch,
    WebSocket: FakeWebSocket,
    ...(clock ? { clock } : {}),
    ...(channel ? { tabs: { locks: navigator.locks, BroadcastChannel: channel.BroadcastChannel } } : {}),
  });
}

/** The message tab messages inside whatever was posted (a batch is an array). */
const messagesIn = (posts: unknown[]) =>
  posts.flatMap((p) => (Array.isArray(p) ? p : [p]) as TabMessage[]).filter((m) => m.type === 'message');

describe('A burst of received messages', () => {
  beforeEach(() => FakeWebSocket.reset());

  it('places an out-of-order message by binary search: a few comparisons, no sort', () => {
    const clock = new FakeClock();
    const holder: { part?: Timeline } = {};
    const state = new Snapshot(() => ({ stored: holder.part!.messages, local: [] }));
    state.patch({ conversationId: 'c1' });
    const part = (holder.part = new Timeline({
      ...{ state, clock, tasks: new Tasks(), store: new ChatStore('t1', `amoiq-burst-${nanoid(8)}`) },
      fetchPage: async () => ({ messages: [], hasMore: false, lastSeq: 0 }),
      ...{
        requestReplay: () => undefined,
        settle: () => false,
        settled: () => undefined,
        arrived: () => undefined,
        added: () => undefined,
        warn: () => undefined,
      },
    }));
    // 2,048 messages with every odd seq missing, then odd ones arriving one by one, in random order.
    part.acceptAll(
      Array.from({ length: 2048 }, (_, i) => wireMessage(2 * (i + 1))),
      'history',
    );
    // Count every read of a stored message's seq: the comparisons of the search.
    let reads = 0;
    const list = part.messages as ChatMessage[];
    for (let i = 0; i < list.length; i++) {
      const m = list[i];
      list[i] = new Proxy(m, { get: (t, k) => (k === 'seq' && reads++, Reflect.get(t, k)) });
    }
    const sort = Array.prototype.sort;
    let sorts = 0;
    Array.prototype.sort = function (this: unknown[], ...args) {
      sorts++;
      return sort.apply(this, args as []);
    };
    const odd = [2001, 7, 4095, 1023, 3, 2999, 1, 511];
    const perMessage: number[] = [];
    try {
      for (const seq of odd) {
        const before = reads;
        part.accept(wireMessage(seq), true);
        perMessage.push(reads - before);
      }
    } finally {
      Array.prototype.sort = sort;
    }
    expect(sorts, 'sorts').to.equal(0);
    // log2(2048) = 11 comparisons to find the place, a few more for the cursor and the state: far from 2,048.
    for (const n of perMessage) expect(n).to.be.below(40);
    const seqs = part.messages.map((m) => m.seq!);
    expect(seqs).to.have.length(2048 + odd.length);
    expect(seqs.every((s, i) => i === 0 || seqs[i - 1] < s)).to.equal(true);
  });

  it('is one IndexedDB cache write in the leader, and reaches the other tabs in order', async () => {
    const dbName = `amoiq-burst-${nanoid(8)}`;
    await new ChatStore('t1', dbName).setSession({ ...SESSION });
    const channel = recordingChannel();
    const clock = new FakeClock();
    const service = tab(dbName, channel, clock);
    await service.start();
    await until(() => FakeWebSocket.instances.length === 1, 'socket');
    FakeWebSocket.last.accept();
    await until(() => service.state.connection === 'online', 'online');
    await service.whenIdle();

    const writes: number[] = [];
    const setMessages = ChatStore.prototype.setMessages;
    ChatStore.prototype.setMessages = function (this: ChatStore, id, messages) {
      writes.push(messages.length);
      return setMessages.call(this, id, messages);
    };
    try {
      const postsBefore = channel.posts.length;
      // 200 frames in one go, as a burst arrives: each frame is handled on its own.
      for (let seq = 1; seq <= 200; seq++) {
        FakeWebSocket.last.frame({ type: 'message', message: wireMessage(seq) });
        await clock.advance(4); // 4 ms between frames: 0.8 s for the burst
      }
      expect(service.state.messages).to.have.length(200);
      expect(writes, 'no cache write while the burst lasts').to.deep.equal([]);
      await until(() => channel.posts.length > postsBefore, 'posted to the other tabs');
      await clock.advance(100);
      await service.whenIdle();
      await clock.advance(5000);
      await service.whenIdle();
      const posts = channel.posts.slice(postsBefore);
      expect(messagesIn(posts).map((m) => (m as Extract<TabMessage, { type: 'message' }>).message.seq)).to.deep.equal(
        Array.from({ length: 200 }, (_, i) => i + 1),
      );
      expect(writes, 'one cache write, of the newest 200').to.deep.equal([200]);
    } finally {
      ChatStore.prototype.setMessages = setMessages;
      service.stop();
    }
  });

  it('arriving in one task is one BroadcastChannel post, and one state (one publish) in a follower tab', async () => {
    const dbName = `amoiq-burst-${nanoid(8)}`;
    await new ChatStore('t1', dbName).setSession({ ...SESSION });
    const channel = recordingChannel();
    const a = tab(dbName, channel);
    await a.start();
    await until(() => FakeWebSocket.instances.length === 1, 'leader socket');
    FakeWebSocket.last.accept();
    const b = tab(dbName);
    await b.start();
    await until(() => b.state.connection === 'online', 'follower online through the leader');
    const sizes: number[] = [];
    b.subscribe((s) => sizes.push(s.messages.length));

    const postsBefore = channel.posts.length;
    for (let seq = 1; seq <= 100; seq++) FakeWebSocket.last.frame({ type: 'message', message: wireMessage(seq) });
    await until(() => b.state.messages.length === 100, 'all 100 in the follower');
    expect(channel.posts.slice(postsBefore), 'one post carrying the 100').to.have.length(1);
    expect(messagesIn(channel.posts.slice(postsBefore))).to.have.length(100);
    expect(b.state.messages.map((m) => m.seq)).to.deep.equal(Array.from({ length: 100 }, (_, i) => i + 1));
    expect(
      sizes.filter((n) => n > 0),
      'states the follower published with messages',
    ).to.deep.equal([100]);
    a.stop();
    b.stop();
  });

  it('TabSync hands a batch over in order and sends nothing more once stopped', async () => {
    const name = `amoiq-batch-${nanoid(8)}`;
    const sent: unknown[] = [];
    const queued: Array<() => void> = [];
    const deps = { locks: navigator.locks, BroadcastChannel, afterTasks: (fn: () => void) => queued.push(fn) };
    const a = new TabSync<number>(name, deps);
    const b = new TabSync<number>(name);
    const heard: number[] = [];
    b.onMessage((n) => heard.push(n));
    const post = BroadcastChannel.prototype.postMessage;
    for (let i = 1; i <= 5; i++) a.post(i);
    expect(queued, 'one flush scheduled for five posts').to.have.length(1);
    BroadcastChannel.prototype.postMessage = function (this: BroadcastChannel, m: unknown) {
      sent.push(m);
      post.call(this, m);
    };
    try {
      queued[0]();
    } finally {
      BroadcastChannel.prototype.postMessage = post;
    }
    expect(sent).to.deep.equal([[1, 2, 3, 4, 5]]);
    await until(() => heard.length === 5, 'heard in the other tab');
    expect(heard).to.deep.equal([1, 2, 3, 4, 5]);
    a.stop();
    b.stop();
  });
});
