import { expect, fixture, html } from '@open-wc/testing';
import { sendKeys } from '@web/test-runner-commands';
import { nanoid } from 'nanoid';
import '../../src/define.js';
import type { AmoiqChat } from '../../src/components/chat/chat.js';
import { ChatStore } from '../../src/services/store.js';
import { deepActiveElement, expectAccessible, part, serviceOf, until } from '../helpers/dom.js';
import { backendInfo, visitorConversationId, type BackendInfo } from './backend.js';

// End to end: conversation status, read receipts, presence (away mode) and contact details with
// the real element against the real reference backend (test/plugins/backend.mjs). The agent side
// goes through the documented agent protocol only. Nothing is mocked.

interface AgentConversation {
  id: string;
  visitorRef: string;
  status: 'open' | 'closed';
  visitorReadSeq: number;
  agentReadSeq: number;
  lastSeq: number;
  contact?: { name?: string; email?: string; fields?: Record<string, string> };
}

/** The agent protocol calls these tests need. */
class AgentApi {
  private constructor(
    private readonly info: BackendInfo,
    readonly token: string,
  ) {}

  static async login(info: BackendInfo): Promise<AgentApi> {
    const res = await fetch(`${info.url}/api/agent/login`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify(info.agent),
    });
    if (!res.ok) throw new Error(`agent login: ${res.status}`);
    return new AgentApi(info, (await res.json()).token);
  }

  /** The agents' inbox (the newest 200 conversations someone wrote in). */
  async conversations(): Promise<AgentConversation[]> {
    return (await (await this.call('GET', '/api/agent/conversations?limit=200')).json()).conversations;
  }

  /**
   * The visitor's conversations as agents see them. Agents never see the visitor id, only an
   * opaque `visitorRef`: the visitor's own session names its newest conversation, whose reference
   * finds the others.
   */
  async conversationsOf(visitorId: string): Promise<AgentConversation[]> {
    const newest = await this.conversationOf(visitorId);
    return (await this.conversations()).filter((c) => c.visitorRef === newest.visitorRef);
  }

  async conversationOf(visitorId: string): Promise<AgentConversation> {
    const id = await visitorConversationId(this.info, visitorId);
    return this.conversationById(id);
  }

  async conversationById(id: string): Promise<AgentConversation> {
    const found = (await this.conversations()).find((c) => c.id === id);
    if (!found) throw new Error(`conversation ${id} is not in the agents' list`);
    return found;
  }

  async messages(conversationId: string): Promise<Array<{ text: string; sender: { type: string } }>> {
    return (await (await this.call('GET', `/api/agent/conversations/${conversationId}/messages?limit=200`)).json()).messages;
  }

  async close(conversationId: string): Promise<void> {
    await this.call('POST', `/api/agent/conversations/${conversationId}/close`);
  }

  async read(conversationId: string, seq: number): Promise<void> {
    await this.call('POST', `/api/agent/conversations/${conversationId}/read`, { seq });
  }

  async reply(conversationId: string, text: string): Promise<void> {
    await this.call('POST', `/api/agent/conversations/${conversationId}/messages`, { text, clientId: nanoid() });
  }

  /** Opens the agent WebSocket: the tenant has an agent online while it is open. */
  async goOnline(): Promise<WebSocket> {
    const ws = new WebSocket(`${this.info.url.replace(/^http/, 'ws')}/ws/agent?token=${encodeURIComponent(this.token)}`);
    await new Promise<void>((resolve, reject) => {
      ws.onopen = () => resolve();
      ws.onerror = () => reject(new Error('agent socket failed'));
    });
    return ws;
  }

  private async call(method: string, path: string, body?: unknown): Promise<Response> {
    const res = await fetch(`${this.info.url}${path}`, {
      method,
      headers: { Authorization: `Bearer ${this.token}`, ...(body ? { 'Content-Type': 'application/json' } : {}) },
      body: body ? JSON.stringify(body) : undefined,
    });
    if (!res.ok) throw new Error(`${method} ${path}: ${res.status} ${await res.text()}`);
    return res;
  }
}

const listText = (el: AmoiqChat) => part(el, 'amoiq-message-list').shadowRoot!.textContent ?? '';
const isOnline = (el: AmoiqChat) => el.connectionState === 'online';
const has = (el: AmoiqChat, selector: string) => el.shadowRoot!.querySelector(selector) !== null;
const ownStatus = (el: AmoiqChat, text: string) => el.messages.find((m) => m.sender.type === 'visitor' && m.text === text)?.status;

describe('e2e: conversation lifecycle, read receipts, away mode, contact details', () => {
  let info: BackendInfo;
  let agent: AgentApi;

  before(async () => {
    info = await backendInfo();
    agent = await AgentApi.login(info);
  });

  async function widget(
    dbName = `amoiq-e2e-life-${nanoid(8)}`,
    extra: { preChat?: string } = {},
  ): Promise<{ el: AmoiqChat; dbName: string }> {
    const el = await fixture<AmoiqChat>(html`<amoiq-chat
      gateway-url=${info.url}
      api-key=${info.apiKey}
      tenant-id=${info.tenantId}
      db-name=${dbName}
      pre-chat-fields=${extra.preChat ?? ''}
      lang="en"
      open
    ></amoiq-chat>`);
    await until(() => isOnline(el), 'online', 15_000);
    return { el, dbName };
  }

  async function send(el: AmoiqChat, text: string): Promise<void> {
    part<HTMLTextAreaElement>(el, 'amoiq-chat-input', 'textarea').focus();
    await sendKeys({ type: text });
    await sendKeys({ press: 'Enter' });
    await until(() => ownStatus(el, text) === 'delivered' || ownStatus(el, text) === 'read', `"${text}" stored`);
  }

  const visitorIdOf = async (dbName: string) => (await new ChatStore(info.tenantId, dbName).getVisitorId())!;

  it('agent closes: the visitor sees the notice and the closed bar, a reload still shows it, and a new conversation takes the queued message', async () => {
    const { el, dbName } = await widget();
    await send(el, 'Question before closing');
    const visitorId = await visitorIdOf(dbName);
    const first = await agent.conversationOf(visitorId);

    await agent.close(first.id);
    await until(() => has(el, 'amoiq-conversation-closed'), 'closed bar');
    // The localized notice (with the agent's name when the server gives one), not the server's English text.
    await until(() => /Ada \(demo agent\) closed the conversation\./.test(listText(el)), 'closed notice');
    expect(has(el, 'amoiq-chat-input')).to.equal(false);
    await expectAccessible(el);

    // Written while closed (through the API, the box is gone): queued, not failed.
    el.send('Written after the close');
    await serviceOf(el).whenIdle(); // stored in the outbox, and nothing tried to send it
    expect(ownStatus(el, 'Written after the close')).to.equal('pending');

    // A reload shows the closed conversation, not a new one.
    el.remove();
    const again = (await widget(dbName)).el;
    await until(() => has(again, 'amoiq-conversation-closed'), 'closed bar after reload');
    // The list renders once per frame: the history follows the bar.
    await until(() => listText(again).includes('Question before closing'), 'the history after reload');

    const button = part<HTMLButtonElement>(again, 'amoiq-conversation-closed', 'button');
    button.focus();
    const started = new Promise<CustomEvent>((resolve) =>
      again.addEventListener('amoiq-new-conversation', (e) => resolve(e), { once: true }),
    );
    await sendKeys({ press: 'Enter' });
    const event = await started;
    expect(event.detail.conversationId).to.be.a('string').and.not.equal(first.id);
    await until(() => has(again, 'amoiq-chat-input'), 'message box back');
    await until(() => deepActiveElement()?.tagName === 'TEXTAREA', 'focus in the message box');
    // The list renders once per frame: the new conversation's (empty) history follows the box.
    await until(() => !listText(again).includes('Question before closing'), 'the old conversation gone from the list');
    await until(
      () => ownStatus(again, 'Written after the close') === 'delivered',
      'queued message delivered in the new conversation',
      15_000,
    );

    const conversations = await agent.conversationsOf(visitorId);
    expect(conversations).to.have.length(2);
    const second = conversations.find((c) => c.id !== first.id)!;
    expect(second.status).to.equal('open');
    expect((await agent.messages(second.id)).map((m) => m.text)).to.deep.equal(['Written after the close']);
    expect((await agent.messages(first.id)).map((m) => m.text)).to.not.include('Written after the close');
  });

  it('agent reads: the visitor’s message shows Read; the visitor’s reading is reported to the agent', async () => {
    const { el, dbName } = await widget();
    await send(el, 'Please read me');
    const conversation = await agent.conversationOf(await visitorIdOf(dbName));
    await agent.read(conversation.id, conversation.lastSeq);
    await until(() => ownStatus(el, 'Please read me') === 'read', 'read status');
    await until(
      () => part(el, 'amoiq-message-list').shadowRoot!.querySelector('.status.read')?.textContent?.trim() === 'Read',
      'Read shown',
    );

    await agent.reply(conversation.id, 'Seen it, answering');
    await until(() => listText(el).includes('Seen it, answering'), 'reply shown');
    // Panel open, page visible: the widget reports the reply read.
    await until(
      async () => (await agent.conversationById(conversation.id)).visitorReadSeq >= conversation.lastSeq + 1,
      'the reply reported read',
    );
  });

  it('no agent online: the away banner offers an e-mail field; the address is stored for agents; it goes when an agent comes online', async () => {
    const { el, dbName } = await widget();
    await until(() => has(el, 'amoiq-away-banner'), 'away banner');
    const banner = part(el, 'amoiq-away-banner');
    expect(banner.shadowRoot!.textContent).to.contain("We're away right now. Leave your email and we'll get back to you.");
    await expectAccessible(el);
    // Messages still go through.
    await send(el, 'Anyone there?');

    banner.shadowRoot!.querySelector('input')!.focus();
    await sendKeys({ type: 'visitor@example.com' });
    await sendKeys({ press: 'Enter' });
    await until(() => banner.shadowRoot!.textContent!.includes("We'll reply to visitor@example.com."), 'confirmation');
    const conversation = await agent.conversationOf(await visitorIdOf(dbName));
    expect(conversation.contact).to.deep.equal({ email: 'visitor@example.com' });

    const socket = await agent.goOnline();
    try {
      await until(() => !has(el, 'amoiq-away-banner'), 'banner gone with an agent online');
    } finally {
      socket.close();
    }
    await until(() => has(el, 'amoiq-away-banner'), 'banner back when the agent leaves');
  });

  it('pre-chat form: the details are stored for agents, then the message box appears; a reload does not ask again', async () => {
    const { el, dbName } = await widget(undefined, { preChat: 'name,email*,company' });
    await until(() => has(el, 'amoiq-pre-chat-form'), 'form');
    const inputs = [...part(el, 'amoiq-pre-chat-form').shadowRoot!.querySelectorAll('input')];
    inputs[0].focus();
    await sendKeys({ type: 'Grace Hopper' });
    await sendKeys({ press: 'Tab' });
    await sendKeys({ type: 'grace@example.com' });
    await sendKeys({ press: 'Tab' });
    await sendKeys({ type: 'Navy' });
    await sendKeys({ press: 'Enter' });
    await until(() => has(el, 'amoiq-chat-input'), 'message box');
    await until(() => deepActiveElement()?.tagName === 'TEXTAREA', 'focus in the message box');
    const conversation = await agent.conversationOf(await visitorIdOf(dbName));
    expect(conversation.contact).to.deep.equal({ name: 'Grace Hopper', email: 'grace@example.com', fields: { company: 'Navy' } });

    el.remove();
    const again = (await widget(dbName, { preChat: 'name,email*,company' })).el;
    // Once the stored details are back (from IndexedDB), the form is not asked for.
    await until(() => !!serviceOf(again).state.contact, 'the stored details');
    await again.updateComplete;
    expect(has(again, 'amoiq-pre-chat-form')).to.equal(false);
    expect(has(again, 'amoiq-chat-input')).to.equal(true);
  });
});
