import { expect } from '@open-wc/testing';
import { nanoid } from 'nanoid';
import { ChatService } from '../../src/services/chat-service.js';
import { ChatStore } from '../../src/services/store.js';
import { FakeClock, FakeWebSocket, SESSION, fakeFetch } from '../helpers/fakes.js';
import { until } from '../helpers/until.js';

// The assistant's state that must outlive a reload: the site's assistant (config.assistant, from a
// stored session as much as from a renewed one), the feedback sent on answers, and when the
// queue's estimate was given (it counts down from then).

const ROBIN = { name: 'Robin', greeting: 'Hi! I am Robin.', avatar: 'https://shop.example/robin.png' };

function setup(dbName = `amoiq-test-${nanoid(8)}`) {
  FakeWebSocket.reset();
  const clock = new FakeClock();
  const http = fakeFetch({
    'POST /api/chat/session': ({ body }) => ({
      status: 200,
      body: {
        ...SESSION,
        config: { assistant: ROBIN },
        visitorId: body.visitorId,
        expiresAt: new Date(clock.now() + 900_000).toISOString(),
      },
    }),
    'GET /api/chat/messages': () => ({ status: 200, body: { messages: [], hasMore: false, lastSeq: 0 } }),
    'POST /api/chat/feedback': () => ({ status: 204 }),
  });
  const service = new ChatService({
    ...{ gatewayUrl: 'http://backend.test', apiKey: 'pk', tenantId: 't1', dbName },
    ...{ fetch: http.fetch, WebSocket: FakeWebSocket, clock, tabs: false as const },
  });
  return { service, clock, http, dbName };
}

describe('assistant state across a reload', () => {
  it('a stored session brings the site assistant at start, before any session request', async () => {
    const dbName = `amoiq-test-${nanoid(8)}`;
    // The token is valid for hours: a reload uses it and asks for no new session.
    await new ChatStore('t1', dbName).setSession({
      ...SESSION,
      config: { assistant: ROBIN },
      expiresAt: new Date(Date.now() + 3600_000).toISOString(),
    });
    const { service, http } = setup(dbName);
    await service.start();
    expect(service.state.assistant).to.deep.equal(ROBIN);
    await until(() => FakeWebSocket.instances.length > 0, 'the socket');
    expect(http.calls.filter((c) => c.url.pathname === '/api/chat/session')).to.have.length(0);
    service.stop();
  });

  it('feedback sent on an answer is kept per conversation and shown again after a reload', async () => {
    const first = setup();
    await first.service.start();
    await until(() => FakeWebSocket.instances.length > 0, 'the socket');
    await first.service.feedback('m1', true);
    await first.service.feedback('m2', false, 'It did not say how long.');
    expect(first.http.calls.filter((c) => c.url.pathname === '/api/chat/feedback').map((c) => c.body)).to.deep.equal([
      { conversationId: 'c1', messageId: 'm1', helpful: true },
      { conversationId: 'c1', messageId: 'm2', helpful: false, comment: 'It did not say how long.' },
    ]);
    const expected = { m1: { helpful: true }, m2: { helpful: false, comment: 'It did not say how long.' } };
    expect(first.service.state.feedback).to.deep.equal(expected);
    first.service.stop();

    const second = setup(first.dbName);
    await second.service.start();
    expect(second.service.state.feedback).to.deep.equal(expected);
    second.service.stop();
  });

  it('feedback the server refused is not kept', async () => {
    const { service, http, dbName } = setup();
    await service.start();
    http.setDown(true);
    await service.feedback('m1', true).then(
      () => expect.fail('should reject'),
      () => undefined,
    );
    expect(service.state.feedback).to.equal(undefined);
    expect(await new ChatStore('t1', dbName).getFeedback('c1')).to.deep.equal({});
    service.stop();
  });

  it('the queue estimate keeps the time it was first given while the server repeats it', async () => {
    const { service, clock } = setup();
    await service.start();
    await until(() => FakeWebSocket.instances.length > 0, 'the socket');
    const ws = FakeWebSocket.last;
    ws.accept();
    const queued = (position: number, estimatedWaitSeconds: number) => ({
      type: 'handoff',
      conversationId: 'c1',
      handoff: { state: 'queued', position, estimatedWaitSeconds, agentsOnline: true, withinHours: true },
    });
    ws.frame(queued(2, 240));
    await until(() => service.state.handoff?.state === 'queued', 'queued');
    const given = clock.now();
    expect(service.state.handoffAt).to.equal(given);
    clock.time += 60_000;
    ws.frame({ ...queued(2, 240), handoff: { ...queued(2, 240).handoff, reason: 'refund' } }); // the same estimate again
    await until(() => service.state.handoff?.reason === 'refund', 'the repeated state');
    expect(service.state.handoffAt).to.equal(given);
    clock.time += 60_000;
    ws.frame(queued(1, 120)); // a new position and estimate count from now
    await until(() => service.state.handoff?.position === 1, 'the new position');
    expect(service.state.handoffAt).to.equal(clock.now());
    service.stop();
  });
});
