import { expect } from '@open-wc/testing';
import { LitElement, html } from 'lit';
import { nanoid } from 'nanoid';
import { ChatController } from '../../src/controllers/chat-controller.js';
import { ChatStateController } from '../../src/controllers/chat-state-controller.js';
import { FakeClock, FakeWebSocket, SESSION, fakeFetch, wireMessage } from '../helpers/fakes.js';
import { until } from '../helpers/until.js';

/** Provides the service (ChatController) to the part inside it. */
class StateHost extends LitElement {
  open = false;
  readonly chat = new ChatController(this);
  override render() {
    return html`<test-state-part></test-state-part>`;
  }
}
customElements.define('test-state-host', StateHost);

/** A part that shows the connection only: selects it, and counts its renders. */
class StatePart extends LitElement {
  renders = 0;
  readonly chat = new ChatStateController(this, (s) => [s.connection]);
  override render() {
    this.renders++;
    return this.chat.state?.connection ?? '';
  }
}
customElements.define('test-state-part', StatePart);

describe('ChatStateController', () => {
  it('with a selector, re-renders its part only when a selected field changes, and keeps state the newest snapshot', async () => {
    FakeWebSocket.reset();
    const http = fakeFetch({
      'POST /api/chat/session': ({ body }) => ({ status: 200, body: { ...SESSION, visitorId: body.visitorId } }),
      'GET /api/chat/messages': () => ({ status: 200, body: { messages: [], hasMore: false, lastSeq: 0 } }),
    });
    const host = document.createElement('test-state-host') as StateHost;
    document.body.append(host);
    await host.updateComplete;
    host.chat.configure({
      gatewayUrl: 'http://backend.test',
      tenantId: 't1',
      dbName: `amoiq-state-${nanoid(8)}`,
      fetch: http.fetch,
      WebSocket: FakeWebSocket,
      clock: new FakeClock(),
      tabs: false,
    });
    const part = host.shadowRoot!.querySelector('test-state-part') as StatePart;
    await until(() => FakeWebSocket.instances.length === 1, 'socket');
    FakeWebSocket.last.accept();
    await until(() => part.shadowRoot!.textContent === 'online', 'the part shows online');
    await part.updateComplete;
    const renders = part.renders;
    for (let seq = 1; seq <= 3; seq++) FakeWebSocket.last.frame({ type: 'message', message: wireMessage(seq) });
    await until(() => part.chat.state?.messages.length === 3, 'the part holds the newest state');
    await part.updateComplete;
    expect(part.renders, 'messages are not a field it selects').to.equal(renders);
    FakeWebSocket.last.serverClose(1006);
    await until(() => part.renders > renders && part.shadowRoot!.textContent !== 'online', 'rendered for the new connection state');
    host.remove();
  });
});
