import { expect } from '@open-wc/testing';
import { LitElement } from 'lit';
import { nanoid } from 'nanoid';
import { ChatController } from '../../src/controllers/chat-controller.js';
import type { ChatServiceOptions } from '../../src/services/chat-service.js';
import { ChatStore } from '../../src/services/store.js';
import { FakeClock, FakeWebSocket, SESSION, fakeFetch, wireMessage } from '../helpers/fakes.js';
import { until } from '../helpers/until.js';

/** The smallest host a ChatController needs: an element with an `open` property. */
class ChatHost extends LitElement {
  open = false;
  readonly chat = new ChatController(this);
}
customElements.define('test-chat-controller-host', ChatHost);

/** A host that shows only the connection (selector): counts its renders and the states it was not rendered for. */
class SelectiveHost extends LitElement {
  open = false;
  renders = 0;
  unselected = 0;
  readonly chat = new ChatController(
    this,
    (s) => [s.connection],
    () => this.unselected++,
  );
  override render() {
    this.renders++;
    return this.chat.service?.state.connection ?? '';
  }
}
customElements.define('test-chat-controller-selective', SelectiveHost);

function setup() {
  FakeWebSocket.reset();
  const dbName = `amoiq-ctl-${nanoid(8)}`;
  const http = fakeFetch({
    'POST /api/chat/session': ({ body }) => ({
      status: 200,
      body: { ...SESSION, visitorId: body.visitorId, ...(body.userToken ? { user: { id: body.userId } } : {}) },
    }),
    'GET /api/chat/messages': () => ({ status: 200, body: { messages: [], hasMore: false, lastSeq: 0 } }),
    'POST /api/chat/forget': () => ({ status: 204 }),
  });
  const base: ChatServiceOptions = {
    gatewayUrl: 'http://backend.test',
    tenantId: 't1',
    dbName,
    fetch: http.fetch,
    WebSocket: FakeWebSocket,
    clock: new FakeClock(),
    tabs: false,
  };
  const host = document.createElement('test-chat-controller-host') as ChatHost;
  document.body.append(host);
  const sessions = () => http.calls.filter((c) => c.url.pathname === '/api/chat/session').map((c) => c.body);
  return { host, base, dbName, http, sessions, store: new ChatStore('t1', dbName) };
}

const identity = { userId: 'u1', userToken: 'a.b.c' };

describe('ChatController', () => {
  it('keeps the service running when only the storage mode changes, and moves the chat into IndexedDB', async () => {
    const { host, base, store } = setup();
    host.chat.configure({ ...base, storage: 'memory' });
    const first = host.chat.service!;
    await until(() => FakeWebSocket.instances.length === 1, 'socket');
    await first.whenIdle();
    expect(await store.getVisitorId(), 'nothing in IndexedDB before consent').to.equal(undefined);

    host.chat.configure({ ...base, storage: 'persistent' });
    expect(host.chat.service).to.equal(first);
    await until(async () => (await store.getVisitorId()) !== undefined, 'the visitor moved into IndexedDB');
    expect(FakeWebSocket.instances, 'no reconnect').to.have.length(1);
    host.remove();
  });

  it('restarts the service when the identity changes, opening the session as the user', async () => {
    const { host, base, sessions } = setup();
    host.chat.configure(base);
    const first = host.chat.service!;
    await until(() => sessions().length === 1, 'anonymous session');
    host.chat.configure({ ...base, identity });
    expect(host.chat.service).not.to.equal(first);
    await until(() => sessions().length === 2, 'the user’s session');
    expect(sessions()[1]).to.include({ userId: 'u1', userToken: 'a.b.c' });
    host.remove();
  });

  it('reset() forgets the visitor, drops the identity and starts again with a fresh visitor id', async () => {
    const { host, base, http, sessions, store } = setup();
    host.chat.configure({ ...base, identity });
    const first = host.chat.service!;
    await until(() => sessions().length === 1, 'the user’s session');
    const before = await store.getVisitorId();
    const resetting = host.chat.reset();
    // The element clears its user-* properties meanwhile: those options apply after the reset.
    host.chat.configure(base);
    await resetting;
    expect(http.calls.some((c) => c.url.pathname === '/api/chat/forget')).to.equal(true);
    expect(host.chat.service).to.exist.and.not.equal(first);
    const after = await store.getVisitorId();
    expect(after).to.be.a('string').and.not.equal(before);
    await until(() => sessions().length === 2, 'a new session');
    expect(sessions()[1]).to.include({ visitorId: after });
    expect(sessions()[1]).not.to.have.property('userToken');
    host.remove();
  });

  it('with a selector, re-renders the host only when a selected field changes: a message arriving calls unselected instead', async () => {
    const { base } = setup();
    const host = document.createElement('test-chat-controller-selective') as SelectiveHost;
    document.body.append(host);
    host.chat.configure(base);
    await until(() => FakeWebSocket.instances.length === 1, 'socket');
    FakeWebSocket.last.accept();
    await until(() => host.chat.service!.state.connection === 'online', 'online');
    await until(() => host.shadowRoot!.textContent === 'online', 'the host rendered the new connection state');
    await host.updateComplete;
    const renders = host.renders;
    const unselected = host.unselected;
    for (let seq = 1; seq <= 3; seq++) FakeWebSocket.last.frame({ type: 'message', message: wireMessage(seq) });
    await until(() => host.chat.service!.state.messages.length === 3, 'three messages in the state');
    await host.updateComplete;
    expect(host.renders, 'no render for messages').to.equal(renders);
    expect(host.unselected, 'told of each state it was not rendered for').to.be.above(unselected);
    FakeWebSocket.last.serverClose(1006);
    await until(() => host.renders > renders, 'rendered when the connection changed');
    expect(host.shadowRoot!.textContent).to.not.equal('online');
    host.remove();
  });
});
