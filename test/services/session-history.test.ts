import { expect } from '@open-wc/testing';
import { nanoid } from 'nanoid';
import type { WireMessage } from '../../src/protocol/v1.js';
import { ChatService, type ChatServiceEvent } from '../../src/services/chat-service.js';
import { FakeClock, FakeWebSocket, SESSION, fakeFetch, wireMessage } from '../helpers/fakes.js';
import { until } from '../helpers/until.js';

/**
 * A fresh profile of a visitor with `total` messages, on a server that answers the session with
 * the newest page when asked (`history`, docs/protocol.md) — or with `history` as given.
 */
function setup(total: number, { history }: { history?: (limit: number) => unknown } = {}) {
  FakeWebSocket.reset();
  const clock = new FakeClock();
  const stored: WireMessage[] = Array.from({ length: total }, (_, i) => wireMessage(i + 1));
  const newest = (limit: number) => ({ messages: stored.slice(-limit), hasMore: stored.length > limit, lastSeq: stored.length });
  let refuseNextPage = false;
  const http = fakeFetch({
    'POST /api/chat/session': ({ body }) => ({
      status: 200,
      body: {
        ...SESSION,
        visitorId: body.visitorId,
        expiresAt: new Date(clock.now() + 900_000).toISOString(),
        lastSeq: stored.length,
        ...(body.history ? { history: (history ?? newest)(body.history) } : {}),
      },
    }),
    'GET /api/chat/messages': ({ url }) => {
      if (refuseNextPage) {
        refuseNextPage = false;
        return { status: 401, body: { error: { code: 'token_expired', message: 'expired' } } };
      }
      const q = url.searchParams;
      const limit = Number(q.get('limit') ?? 50);
      const before = Number(q.get('before') ?? stored.length + 1);
      return {
        status: 200,
        body: { messages: stored.filter((m) => m.seq < before).slice(-limit), hasMore: false, lastSeq: stored.length },
      };
    },
  });
  const service = new ChatService({
    ...{ gatewayUrl: 'http://backend.test', apiKey: 'pk', tenantId: 't1', dbName: `amoiq-sh-${nanoid(8)}` },
    ...{ fetch: http.fetch, WebSocket: FakeWebSocket, clock, tabs: false as const },
  });
  const announced: number[] = [];
  service.onEvent((e: ChatServiceEvent) => {
    if (e.type === 'message') announced.push(e.message.seq!);
  });
  return { service, http, announced, refusePage: () => (refuseNextPage = true) };
}

describe('The session answer carries the newest page', () => {
  it('first load: one request, the page shown, the socket resumes after it, nothing old announced', async () => {
    const { service, http, announced } = setup(1000);
    await service.start();
    await until(() => FakeWebSocket.instances.length > 0, 'socket');
    expect(
      http.calls.map((c) => `${c.method} ${c.url.pathname}`),
      'the session only: no page request',
    ).to.deep.equal(['POST /api/chat/session']);
    expect(http.calls[0].body.history, 'asked for the newest page').to.equal(50);
    expect(service.state.messages.map((m) => m.seq)).to.deep.equal(Array.from({ length: 50 }, (_, i) => 951 + i));
    expect(FakeWebSocket.last.url, 'resumes from the page').to.contain('after=1000&batch=1');
    FakeWebSocket.last.accept(1000);
    expect(announced, 'history is not news').to.deep.equal([]);
    FakeWebSocket.last.frame({ type: 'message', message: wireMessage(1001) });
    expect(announced).to.deep.equal([1001]);
    await service.whenIdle();
    expect(http.calls).to.have.length(1);
    service.stop();
  });

  it('a renewed session does not ask for the page again once messages are held', async () => {
    const { service, http, refusePage } = setup(300);
    await service.start();
    await until(() => FakeWebSocket.instances.length > 0, 'socket');
    FakeWebSocket.last.accept(300);
    // The token is refused on the next page request: the session is renewed, without history.
    refusePage();
    expect(await service.loadOlder()).to.equal(200);
    const sessions = http.calls.filter((c) => c.url.pathname === '/api/chat/session');
    expect(sessions).to.have.length(2);
    expect(sessions[1].body).not.to.have.property('history');
    service.stop();
  });

  it('falls back to the page request when the answer has no page or a malformed one', async () => {
    for (const history of [() => undefined, () => ({ messages: [{ seq: 'x' }] })]) {
      const { service, http, announced } = setup(120, { history });
      await service.start();
      await until(() => FakeWebSocket.instances.length > 0, 'socket');
      expect(http.calls.map((c) => `${c.method} ${c.url.pathname}`)).to.deep.equal(['POST /api/chat/session', 'GET /api/chat/messages']);
      expect(service.state.messages.map((m) => m.seq)).to.deep.equal(Array.from({ length: 50 }, (_, i) => 71 + i));
      expect(FakeWebSocket.last.url).to.contain('after=120&batch=1');
      FakeWebSocket.last.accept(120);
      expect(announced).to.deep.equal([]);
      service.stop();
    }
  });
});
