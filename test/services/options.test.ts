import { expect } from '@open-wc/testing';
import { createStore, keys } from 'idb-keyval';
import { nanoid } from 'nanoid';
import { ChatService, type ChatServiceOptions } from '../../src/services/chat-service.js';
import { ChatStore } from '../../src/services/store.js';
import { FakeClock, FakeWebSocket, SESSION, fakeFetch, wireMessage } from '../helpers/fakes.js';
import { until } from '../helpers/until.js';

// Storage mode and identity are options of the service, not state in a module that the element
// writes and the service reads: each service keeps to its own.

const idbKeys = async (dbName: string) => (await keys(createStore(dbName, 'state'))).map(String);

function backend() {
  return fakeFetch({
    'POST /api/chat/session': ({ body }) => ({
      status: 200,
      body: { ...SESSION, visitorId: body.visitorId, ...(body.userToken ? { user: { id: body.userId }, conversationId: 'c_user' } : {}) },
    }),
    'GET /api/chat/messages': () => ({ status: 200, body: { messages: [], hasMore: false, lastSeq: 0 } }),
  });
}

function chat(http: ReturnType<typeof fakeFetch>, options: Partial<ChatServiceOptions> & { dbName: string }) {
  return new ChatService({
    gatewayUrl: 'http://backend.test',
    tenantId: 't1',
    fetch: http.fetch,
    WebSocket: FakeWebSocket,
    clock: new FakeClock(),
    tabs: false,
    ...options,
  });
}

describe('ChatService options: storage', () => {
  beforeEach(() => FakeWebSocket.reset());

  it('memory keeps nothing in IndexedDB; setStorage("persistent") moves the chat there and it continues', async () => {
    const dbName = `amoiq-opt-${nanoid(8)}`;
    const http = backend();
    const service = chat(http, { dbName, storage: 'memory' });
    await service.start();
    await until(() => FakeWebSocket.instances.length > 0, 'socket');
    await service.whenIdle();
    expect(await idbKeys(dbName)).to.deep.equal([]);
    const visitorId = http.calls[0].body.visitorId as string;

    await service.setStorage('persistent');
    const store = new ChatStore('t1', dbName);
    expect(await store.getVisitorId()).to.equal(visitorId);
    expect((await store.getSession())?.conversationId).to.equal('c1');
    service.send('after consent');
    await service.whenIdle();
    expect((await store.getOutbox('c1')).map((e) => e.text)).to.deep.equal(['after consent']);
    service.stop();
  });

  it('is the service’s own: a store of the same tenant made elsewhere on the page keeps to IndexedDB', async () => {
    const dbName = `amoiq-opt-${nanoid(8)}`;
    const service = chat(backend(), { dbName, storage: 'memory' });
    await service.start();
    await new ChatStore('t1', dbName).setVisitorId('v_elsewhere');
    expect(await idbKeys(dbName)).to.deep.equal(['t1:visitor']);
    service.stop();
  });
});

describe('ChatService options: identity', () => {
  beforeEach(() => FakeWebSocket.reset());

  it('opens the session as the identified user and never shows a stored session of someone else', async () => {
    const dbName = `amoiq-opt-${nanoid(8)}`;
    const store = new ChatStore('t1', dbName);
    await store.setSession({ ...SESSION, user: { id: 'u_other' } });
    await store.setMessages('c1', [wireMessage(1, { text: 'not yours' })]);
    const http = backend();
    const service = chat(http, { dbName, identity: { userId: 'u1', userToken: 'a.b.c', name: 'Grace' } });
    await service.start();
    expect(service.state.messages, 'the other user’s cached history').to.deep.equal([]);
    await until(() => service.state.conversationId === 'c_user', 'the user’s conversation');
    expect(http.calls[0].body).to.include({ userId: 'u1', userToken: 'a.b.c', userName: 'Grace' });
    expect(service.state.messages.map((m) => m.text)).not.to.include('not yours');
    service.stop();
  });
});
