import { expect } from '@open-wc/testing';
import { ApiError, ChatApi } from '../../src/services/api.js';
import { ChatTransport, type ConnectionState, type TransportKind } from '../../src/services/transport.js';
import type { SessionInfo, WireMessage } from '../../src/protocol/v1.js';
import { FakeClock, FakeWebSocket, SESSION, fakeFetch, flush, wireMessage } from '../helpers/fakes.js';
import { until } from '../helpers/until.js';

function setup(routes: Parameters<typeof fakeFetch>[0] = {}) {
  FakeWebSocket.reset();
  const clock = new FakeClock();
  const http = fakeFetch(routes);
  const api = new ChatApi({ gatewayUrl: 'http://backend.test', apiKey: 'pk', fetch: http.fetch });
  let session: SessionInfo = { ...SESSION };
  let invalidated = 0;
  const received: WireMessage[] = [];
  const states: Array<[ConnectionState, TransportKind | undefined]> = [];
  const warnings: string[] = [];
  let cursor = 0;
  const transport = new ChatTransport({
    api,
    session: {
      get: async () => session,
      invalidate: () => {
        invalidated++;
        session = { ...session, token: `tok${invalidated}` };
      },
    },
    cursor: () => cursor,
    listener: {
      message: (m) => {
        received.push(m);
        cursor = Math.max(cursor, m.seq);
      },
      typing: () => undefined,
      state: (s, k) => states.push([s, k]),
      warning: (w) => warnings.push(w),
    },
    WebSocket: FakeWebSocket,
    clock,
    backoff: { base: 500, cap: 4000, random: () => 0.999999 },
    heartbeatMs: 1000,
    probeMs: 5000,
    pollWaitSeconds: 25,
  });
  return { transport, clock, http, received, states, warnings, invalidated: () => invalidated };
}

describe('ChatTransport over WebSocket', () => {
  it('connects with the session token and the cursor, and goes online on ready', async () => {
    const { transport, states } = setup();
    transport.start();
    await flush();
    const ws = FakeWebSocket.last;
    expect(ws.url).to.equal('ws://backend.test/ws/chat?token=tok&after=0&batch=1');
    expect(transport.state).to.equal('connecting');
    ws.accept();
    expect(transport.state).to.equal('online');
    expect(transport.kind).to.equal('websocket');
    expect(states.at(-1)).to.deep.equal(['online', 'websocket']);
    transport.stop();
  });

  it('sends a message frame and resolves with the acknowledged message', async () => {
    const { transport, received } = setup();
    transport.start();
    await flush();
    const ws = FakeWebSocket.last;
    ws.accept();
    const sending = transport.send('client-1', 'Hello');
    expect(ws.sent[0]).to.deep.equal({ type: 'message', clientId: 'client-1', text: 'Hello' });
    const stored = wireMessage(1, { clientId: 'client-1', sender: { type: 'visitor' }, text: 'Hello' });
    ws.frame({ type: 'ack', clientId: 'client-1', message: stored });
    expect(await sending).to.deep.equal(stored);
    expect(received).to.deep.equal([stored]);
    transport.stop();
  });

  it('passes pushed messages on and ignores malformed frames with a warning', async () => {
    const { transport, received, warnings } = setup();
    transport.start();
    await flush();
    const ws = FakeWebSocket.last;
    ws.accept();
    ws.frame('not json {');
    ws.frame({ type: 'message', message: { id: 'x' } });
    ws.frame({ type: 'party' });
    ws.frame({ type: 'message', message: wireMessage(1) });
    expect(received.map((m) => m.seq)).to.deep.equal([1]);
    expect(warnings).to.have.length(3);
    expect(transport.state).to.equal('online');
    transport.stop();
  });

  it('rejects a send refused by an error frame as permanent', async () => {
    const { transport } = setup();
    transport.start();
    await flush();
    FakeWebSocket.last.accept();
    const sending = transport.send('c-big', 'x');
    FakeWebSocket.last.frame({ type: 'error', code: 'payload_too_large', message: 'too long', clientId: 'c-big' });
    const err = await sending.catch((e: ApiError) => e);
    expect(err).to.be.instanceOf(ApiError);
    expect((err as ApiError).status).to.equal(413);
    expect((err as ApiError).isPermanent).to.equal(true);
    transport.stop();
  });

  it('reconnects after a drop, resuming after the last sequence it holds', async () => {
    const { transport, clock } = setup();
    transport.start();
    await flush();
    FakeWebSocket.last.accept();
    FakeWebSocket.last.frame({ type: 'message', message: wireMessage(1) });
    FakeWebSocket.last.frame({ type: 'message', message: wireMessage(2) });
    FakeWebSocket.last.serverClose(1006);
    expect(transport.state).to.equal('offline');
    await clock.advance(500);
    expect(FakeWebSocket.instances).to.have.length(2);
    expect(FakeWebSocket.last.url).to.contain('after=2');
    FakeWebSocket.last.accept();
    expect(transport.state).to.equal('online');
    transport.stop();
  });

  it('renews the token when the server closes with 4001', async () => {
    const { transport, clock, invalidated } = setup();
    transport.start();
    await flush();
    FakeWebSocket.last.accept();
    FakeWebSocket.last.serverClose(4001);
    expect(invalidated()).to.equal(1);
    await clock.advance(500);
    expect(FakeWebSocket.last.url).to.contain('token=tok1');
    transport.stop();
  });

  it('treats a socket silent for two heartbeat intervals as dead', async () => {
    const { transport, clock } = setup();
    transport.start();
    await flush();
    const ws = FakeWebSocket.last;
    ws.accept();
    await clock.advance(1000);
    expect(ws.sent.at(-1)).to.include({ type: 'ping' });
    await clock.advance(1000);
    expect(transport.state).to.equal('offline');
    expect(ws.closedWith).to.equal(4000);
    transport.stop();
  });
});

describe('ChatTransport fallback to HTTP', () => {
  it('carries the chat over HTTP long-poll when WebSocket is refused', async () => {
    const polls: URL[] = [];
    let release: (() => void) | undefined;
    const { transport, received, http } = setup({
      'GET /api/chat/messages': async ({ url }) => {
        polls.push(url);
        if (polls.length === 1) return { status: 200, body: { messages: [wireMessage(1)], hasMore: false, lastSeq: 1 } };
        if (polls.length === 2) {
          await new Promise<void>((r) => (release = r));
          return { status: 200, body: { messages: [wireMessage(2)], hasMore: false, lastSeq: 2 } };
        }
        return new Promise(() => undefined);
      },
      'POST /api/chat/messages': ({ body }) => ({
        status: 201,
        body: { message: wireMessage(3, { clientId: body.clientId, text: body.text, sender: { type: 'visitor' } }) },
      }),
    });
    FakeWebSocket.refuse = true;
    transport.start();
    await flush();
    expect(transport.state).to.equal('online');
    expect(transport.kind).to.equal('http');
    expect(polls[0].searchParams.get('wait')).to.equal('0');
    expect(polls[1].searchParams.get('wait')).to.equal('25');
    expect(polls[1].searchParams.get('after')).to.equal('1');
    release!();
    await flush();
    expect(received.map((m) => m.seq)).to.deep.equal([1, 2]);

    const stored = await transport.send('c-http', 'over http');
    expect(stored.text).to.equal('over http');
    const post = http.calls.find((c) => c.method === 'POST')!;
    expect(post.headers.get('Authorization')).to.equal('Bearer pk');
    expect(post.headers.get('X-Amoiq-Session')).to.equal('tok');
    expect(post.body).to.deep.equal({ conversationId: 'c1', clientId: 'c-http', text: 'over http' });
    transport.stop();
  });

  it('goes back to WebSocket when a background probe succeeds', async () => {
    const { transport, clock } = setup({
      'GET /api/chat/messages': ({ url }) =>
        url.searchParams.get('wait') === '0'
          ? { status: 200, body: { messages: [], hasMore: false, lastSeq: 0 } }
          : new Promise(() => undefined),
    });
    FakeWebSocket.refuse = true;
    transport.start();
    await flush();
    expect(transport.kind).to.equal('http');
    FakeWebSocket.refuse = false;
    await clock.advance(5000);
    const probe = FakeWebSocket.last;
    expect(FakeWebSocket.instances).to.have.length(2);
    probe.accept();
    expect(transport.kind).to.equal('websocket');
    transport.stop();
  });
  it('renews a token the long poll had refused and goes on polling (withSession)', async () => {
    const tokens: Array<string | null> = [];
    const { transport, invalidated } = setup({
      'GET /api/chat/messages': ({ headers }) => {
        tokens.push(headers.get('X-Amoiq-Session'));
        if (tokens.length === 1) return { status: 401, body: { error: { code: 'token_expired', message: 'expired' } } };
        return tokens.length === 2 ? { status: 200, body: { messages: [], hasMore: false, lastSeq: 0 } } : new Promise(() => undefined);
      },
    });
    FakeWebSocket.refuse = true;
    transport.start();
    await until(() => tokens.length === 3, 'the next long poll');
    expect(invalidated()).to.equal(1);
    expect(tokens).to.deep.equal(['tok', 'tok1', 'tok1']);
    expect([transport.state, transport.kind]).to.deep.equal(['online', 'http']);
    transport.stop();
  });
});

describe('ChatTransport backoff and cleanup', () => {
  it('waits longer after each failed attempt, up to the cap', async () => {
    const { transport, clock } = setup(); // no HTTP routes: every request fails like a network error
    FakeWebSocket.refuse = true;
    transport.start();
    await flush();
    expect(transport.state).to.equal('offline');
    for (let i = 0; i < 5; i++) {
      const before = FakeWebSocket.instances.length;
      await clock.advance(4000);
      expect(FakeWebSocket.instances.length).to.be.greaterThan(before);
    }
    // Leave out the connect timeout (2500) and the WebSocket probe (5000) timers.
    const retryDelays = clock.scheduled.filter((ms) => ms !== 2500 && ms !== 5000);
    expect(retryDelays.slice(0, 6)).to.deep.equal([500, 1000, 2000, 4000, 4000, 4000]);
    transport.stop();
  });

  it('leaves no timer, socket or request behind after stop()', async () => {
    const { transport, clock } = setup({ 'GET /api/chat/messages': () => new Promise(() => undefined) });
    transport.start();
    await flush();
    FakeWebSocket.last.accept();
    void transport.send('c1', 'in flight').catch(() => undefined);
    expect(transport.pendingTimers).to.be.greaterThan(0);
    transport.stop();
    expect(transport.pendingTimers).to.equal(0);
    expect(clock.timers.size).to.equal(0);
    expect(FakeWebSocket.instances.every((ws) => ws.readyState === 3)).to.equal(true);
    expect(transport.state).to.equal('idle');
  });

  it('drops the socket and shows offline at once when the browser reports the network lost', async () => {
    const { transport } = setup();
    transport.start();
    await flush();
    const ws = FakeWebSocket.last;
    ws.accept();
    transport.networkLost();
    expect(transport.state).to.equal('offline');
    expect(ws.readyState).to.equal(3);
    transport.reconnectNow();
    await flush();
    expect(FakeWebSocket.instances).to.have.length(2);
    transport.stop();
  });

  it('reconnects at once on reconnectNow() instead of waiting for the backoff', async () => {
    const { transport } = setup();
    FakeWebSocket.refuse = true;
    transport.start();
    await flush();
    expect(transport.state).to.equal('offline');
    FakeWebSocket.refuse = false;
    const before = FakeWebSocket.instances.length;
    transport.reconnectNow();
    await flush();
    expect(FakeWebSocket.instances.length).to.equal(before + 1);
    FakeWebSocket.last.accept();
    expect(transport.state).to.equal('online');
    transport.stop();
  });
});
