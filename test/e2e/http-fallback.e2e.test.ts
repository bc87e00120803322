import { expect, fixture, html } from '@open-wc/testing';
import { nanoid } from 'nanoid';
import '../../src/define.js';
import type { AmoiqChat } from '../../src/components/chat/chat.js';
import { ChatStore } from '../../src/services/store.js';
import { part, until } from '../helpers/dom.js';
import { Agent, backendInfo, type BackendInfo } from './backend.js';

// The HTTP long-poll fallback end to end: the real element against the real backend, with every
// WebSocket refused (each one is pointed at a closed port), so the widget can only poll.

const transportTitle = (el: AmoiqChat) => part(el, 'amoiq-chat-header', '.dot').getAttribute('title') ?? '';
const typingLine = (el: AmoiqChat) => part(el, 'amoiq-message-list', '.typing').textContent?.trim() ?? '';

/** Every WebSocket the page opens fails to connect (as behind a proxy that refuses upgrades). */
function refuseWebSockets(): () => void {
  const Native = window.WebSocket;
  window.WebSocket = class extends Native {
    constructor(_url: string | URL, protocols?: string | string[]) {
      super('ws://127.0.0.1:9/refused', protocols);
    }
  };
  return () => {
    window.WebSocket = Native;
  };
}

async function agentToken(info: BackendInfo): Promise<string> {
  const res = await fetch(`${info.url}/api/agent/login`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify(info.agent),
  });
  expect(res.status).to.equal(200);
  return (await res.json()).token;
}

describe('e2e: over the HTTP long-poll fallback', () => {
  let info: BackendInfo;
  let restore: () => void;

  before(async () => {
    info = await backendInfo();
  });
  beforeEach(() => {
    restore = refuseWebSockets();
  });
  afterEach(() => restore());

  it('the visitor sees the agent typing, and it ends when the agent stops or replies (issue 15, bug 1)', async () => {
    const dbName = `amoiq-e2e-${nanoid(8)}`;
    const el = await fixture<AmoiqChat>(
      html`<amoiq-chat gateway-url=${info.url} api-key=${info.apiKey} tenant-id=${info.tenantId} db-name=${dbName} open></amoiq-chat>`,
    );
    await until(() => el.connectionState === 'online' && transportTitle(el).includes('HTTP'), 'online over HTTP', 10_000);
    el.send(`Over HTTP ${nanoid(6)}`);
    await until(() => el.messages.some((m) => m.sender.type === 'visitor' && m.status === 'delivered'), 'the message stored');

    const visitorId = (await new ChatStore(info.tenantId, dbName).getVisitorId())!;
    const agent = await Agent.login(info);
    const conversation = await agent.conversationOf(visitorId);
    const token = await agentToken(info);
    const typing = async (value: boolean) => {
      const res = await fetch(`${info.url}/api/agent/conversations/${conversation.id}/typing`, {
        method: 'POST',
        headers: { Authorization: `Bearer ${token}`, 'Content-Type': 'application/json' },
        body: JSON.stringify({ typing: value }),
      });
      expect(res.status).to.equal(204);
    };

    await typing(true);
    // The long poll is waiting: the typing signal has to wake it (the next poll is 25 s away).
    await until(() => /typing/.test(typingLine(el)), 'the agent typing over HTTP', 5_000);
    expect(typingLine(el)).to.contain('Ada');

    await typing(false);
    // Well before the indicator's own 6 s timeout: the poll said the agent stopped.
    await until(() => typingLine(el) === '', 'the indicator gone when the agent stops', 4_000);

    await typing(true);
    await until(() => /typing/.test(typingLine(el)), 'the agent typing again', 5_000);
    await agent.reply(conversation.id, 'Answered over HTTP');
    await until(() => el.messages.some((m) => m.text === 'Answered over HTTP'), 'the reply over HTTP');
    await until(() => typingLine(el) === '', 'the indicator gone with the reply', 2_000);
    expect(transportTitle(el)).to.contain('HTTP');
    el.remove();
  });
});
