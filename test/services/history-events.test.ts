import { expect } from '@open-wc/testing';
import { nanoid } from 'nanoid';
import type { WireMessage } from '../../src/protocol/v1.js';
import { ChatService, type ChatServiceEvent } from '../../src/services/chat-service.js';
import { FakeClock, FakeWebSocket, SESSION, fakeFetch, wireMessage } from '../helpers/fakes.js';
import { until } from '../helpers/until.js';

/**
 * A visitor with a long conversation on a fresh profile (nothing cached): `total` messages on the
 * fake server, pages answered from them as the reference backend does.
 */
function setup(total: number) {
  FakeWebSocket.reset();
  const clock = new FakeClock();
  const stored: WireMessage[] = Array.from({ length: total }, (_, i) => wireMessage(i + 1));
  const http = fakeFetch({
    'POST /api/chat/session': ({ body }) => ({
      status: 200,
      body: { ...SESSION, visitorId: body.visitorId, expiresAt: new Date(clock.now() + 900_000).toISOString(), lastSeq: stored.length },
    }),
    'GET /api/chat/messages': ({ url }) => {
      const q = url.searchParams;
      const limit = Number(q.get('limit') ?? 50);
      const before = q.get('before');
      const after = Number(q.get('after') ?? 0);
      const page =
        before !== null ? stored.filter((m) => m.seq < Number(before)).slice(-limit) : stored.filter((m) => m.seq > after).slice(0, limit);
      return { status: 200, body: { messages: page, hasMore: false, lastSeq: stored.length } };
    },
  });
  const service = new ChatService({
    ...{ gatewayUrl: 'http://backend.test', apiKey: 'pk', tenantId: 't1', dbName: `amoiq-hist-${nanoid(8)}` },
    ...{ fetch: http.fetch, WebSocket: FakeWebSocket, clock, tabs: false as const },
    transport: { backoff: { base: 500, cap: 4000, random: () => 0.5 } },
  });
  const announced: number[] = [];
  service.onEvent((e: ChatServiceEvent) => {
    if (e.type === 'message') announced.push(e.message.seq!);
  });
  return { service, http, stored, announced, clock };
}

describe('History and the message event', () => {
  it('first load: shows the newest page, connects after it (never after=0), announces nothing old', async () => {
    const { service, http, announced } = setup(1000);
    await service.start();
    await until(() => FakeWebSocket.instances.length > 0, 'socket');
    const ws = FakeWebSocket.last;
    expect(ws.url, 'resumes from the newest page').to.contain('after=1000&batch=1');
    expect(service.state.messages.map((m) => m.seq)).to.deep.equal(Array.from({ length: 50 }, (_, i) => 951 + i));
    const pages = http.calls.filter((c) => c.method === 'GET');
    expect(pages, 'one page, not the whole history').to.have.length(1);
    ws.accept(1000);
    expect(announced, 'history is not news').to.deep.equal([]);
    // A message that happens now is.
    ws.frame({ type: 'message', message: wireMessage(1001) });
    expect(announced).to.deep.equal([1001]);
    service.stop();
  });

  it('paging back loads 200 at a time and announces none of them', async () => {
    const { service, announced } = setup(1000);
    await service.start();
    await until(() => FakeWebSocket.instances.length > 0, 'socket');
    FakeWebSocket.last.accept(1000);
    expect(await service.loadOlder()).to.equal(200);
    expect(service.state.messages[0].seq).to.equal(751);
    expect(service.state.messages.map((m) => m.seq!)).to.deep.equal(Array.from({ length: 250 }, (_, i) => 751 + i));
    expect(announced).to.deep.equal([]);
    service.stop();
  });

  it('reconnect: a replayed page announces only what was stored while the page was open', async () => {
    const { service, announced, clock } = setup(100);
    await service.start();
    await until(() => FakeWebSocket.instances.length > 0, 'socket');
    const first = FakeWebSocket.last;
    first.accept(100);
    first.frame({ type: 'message', message: wireMessage(101) });
    expect(announced).to.deep.equal([101]);
    // The socket drops; three messages are stored meanwhile; the replay comes as one frame.
    first.serverClose(1006);
    await until(() => service.state.connection === 'offline', 'offline');
    await clock.advance(1000);
    await until(() => FakeWebSocket.instances.length > 1, 'second socket');
    const second = FakeWebSocket.last;
    expect(second.url).to.contain('after=101');
    second.accept(104);
    // The server's replay overlaps what the page holds (a client from a stale cursor would do that too).
    second.frame({ type: 'messages', messages: [99, 100, 101, 102, 103, 104].map((s) => wireMessage(s)) });
    expect(
      service.state.messages.at(-1)?.seq,
      JSON.stringify([service.state.connection, second.readyState, FakeWebSocket.instances.length, second.url]),
    ).to.equal(104);
    expect(announced, 'each new one once; nothing old again').to.deep.equal([101, 102, 103, 104]);
    service.stop();
  });

  it('a replay right after connecting is history: not announced', async () => {
    const { service, announced } = setup(60);
    await service.start();
    await until(() => FakeWebSocket.instances.length > 0, 'socket');
    const ws = FakeWebSocket.last;
    ws.accept(60);
    ws.frame({ type: 'messages', messages: [58, 59, 60].map((s) => wireMessage(s)) });
    expect(announced).to.deep.equal([]);
    service.stop();
  });
});
