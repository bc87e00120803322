import { expect } from '@open-wc/testing';
import { nanoid } from 'nanoid';
// The lazy entry (what the drop-in and `amoiq-chat/lazy` run), against the real backend.
import '../../src/lazy.js';
import type { AmoiqChat } from '../../src/components/chat/chat.js';
import { ChatStore } from '../../src/services/store.js';
import { until } from '../helpers/dom.js';
import { Agent, backendInfo, type BackendInfo } from './backend.js';

const fetched = (name: string) => performance.getEntriesByType('resource').some((e) => e.name.includes(name));
const badge = (el: AmoiqChat) => el.shadowRoot!.querySelector('[part="badge"]')?.textContent?.trim();

describe('e2e: lazy start', () => {
  let info: BackendInfo;
  let agent: Agent;

  before(async function () {
    this.timeout(120_000); // the backend's cold start on a loaded machine
    info = await backendInfo();
    agent = await Agent.login(info);
  });

  afterEach(() => document.querySelectorAll('amoiq-chat').forEach((el) => el.remove()));

  function create(dbName: string): AmoiqChat {
    const el = document.createElement('amoiq-chat');
    for (const [k, v] of Object.entries({
      'gateway-url': info.url,
      'api-key': info.apiKey,
      'tenant-id': info.tenantId,
      'db-name': dbName,
    })) {
      el.setAttribute(k, v);
    }
    document.body.append(el);
    return el;
  }

  it('send() before the chat has loaded is queued and delivered', async () => {
    const el = create(`amoiq-e2e-${nanoid(8)}`);
    await el.updateComplete;
    const text = `queued before loading ${nanoid(6)}`;
    expect(el.send(text)).to.equal(undefined); // nothing to return yet: the runtime is loading
    await until(() => el.messages.some((m) => m.text === text && m.status === 'delivered'), 'the queued message to be delivered');
  });

  it('a returning visitor with a conversation gets the connection and the unread badge without any interaction', async () => {
    const dbName = `amoiq-e2e-${nanoid(8)}`;
    // First visit: the visitor writes (the conversation exists), and leaves.
    const first = create(dbName);
    first.show();
    const text = `first visit ${nanoid(6)}`;
    await until(() => first.connectionState === 'online', 'the first visit to connect');
    first.send(text);
    await until(() => first.messages.some((m) => m.text === text && m.status === 'delivered'), 'the message to be stored');
    first.remove();

    // Next page view: no pointer, focus or call; the element alone connects for the badge.
    const el = create(dbName);
    await until(() => el.connectionState === 'online', 'the returning visitor to connect without interaction');
    expect(el.open).to.equal(false);
    const visitorId = (await new ChatStore(info.tenantId, dbName).getVisitorId())!;
    const conversation = await agent.conversationOf(visitorId);
    await agent.reply(conversation.id, 'Are you still there?');
    await until(() => badge(el) === '1', 'the unread badge');
    expect(el.shadowRoot!.querySelector('.launcher')!.getAttribute('aria-label')).to.equal('Open chat, 1 unread message');
  });

  it('a new visitor stays unconnected until interest, even once another element loaded the chat', async () => {
    expect(fetched('chat-runtime')).to.equal(true); // by the tests above
    const el = create(`amoiq-e2e-${nanoid(8)}`);
    await el.updateComplete;
    // An eager start would be connecting by now: the service starts in the first update.
    for (let i = 0; i < 3; i++) await new Promise((r) => requestAnimationFrame(r));
    expect(el.connectionState).to.equal('idle');
    el.shadowRoot!.querySelector('.launcher')!.dispatchEvent(new PointerEvent('pointerenter'));
    await until(() => el.connectionState === 'online', 'interest to connect');
  });
});
