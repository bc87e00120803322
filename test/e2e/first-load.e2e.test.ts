import { expect, fixture, html } from '@open-wc/testing';
import { nanoid } from 'nanoid';
import '../../src/define.js';
import type { AmoiqChat } from '../../src/components/chat/chat.js';
import { ChatStore } from '../../src/services/store.js';
import { part, until } from '../helpers/dom.js';
import { Agent, backendInfo, type BackendInfo } from './backend.js';

// End to end (issue 17): a fresh profile of a visitor with a history, the real element against the
// real reference backend. The session answer carries the newest page (docs/protocol.md, "The
// newest page with the session"): one request before the history shows, and none of it is
// announced as a new message. Requests are counted from the browser's resource timing, not mocked.

const HISTORY = 55;

/** Seeds a conversation of `count` visitor messages through the visitor protocol; its id. */
async function seed(info: BackendInfo, visitorId: string, count: number): Promise<string> {
  const auth = { Authorization: `Bearer ${info.apiKey}`, 'Content-Type': 'application/json' };
  const res = await fetch(`${info.url}/api/chat/session`, {
    method: 'POST',
    headers: auth,
    body: JSON.stringify({ tenantId: info.tenantId, visitorId }),
  });
  const session = await res.json();
  for (let i = 1; i <= count; i++) {
    const sent = await fetch(`${info.url}/api/chat/messages`, {
      method: 'POST',
      headers: { ...auth, 'X-Amoiq-Session': session.token },
      body: JSON.stringify({ conversationId: session.conversationId, clientId: nanoid(), text: `history ${i}` }),
    });
    if (sent.status !== 201) throw new Error(`seeding message ${i}: ${sent.status}`);
  }
  return session.conversationId;
}

describe('e2e: first load of a long conversation on a fresh profile', () => {
  let info: BackendInfo;

  before(async () => {
    info = await backendInfo();
  });

  it('one request before the history shows; amoiq-message only for what arrives afterwards', async function () {
    this.timeout(60_000);
    const visitorId = nanoid();
    const conversationId = await seed(info, visitorId, HISTORY);
    // A fresh profile: only the visitor id where the widget keeps it, nothing cached.
    const dbName = `amoiq-first-${nanoid(8)}`;
    await new ChatStore(info.tenantId, dbName).setVisitorId(visitorId);

    const requests: string[] = [];
    const observer = new PerformanceObserver((list) => {
      for (const entry of list.getEntries()) if (entry.name.startsWith(`${info.url}/api/chat/`)) requests.push(entry.name);
    });
    observer.observe({ type: 'resource' });
    const announced: string[] = [];
    const el = await fixture<AmoiqChat>(
      html`<amoiq-chat
        gateway-url=${info.url}
        api-key=${info.apiKey}
        tenant-id=${info.tenantId}
        db-name=${dbName}
        lang="en"
        open
        @amoiq-message=${(e: CustomEvent) => announced.push(e.detail.message.text)}
      ></amoiq-chat>`,
    );
    const listText = () => part(el, 'amoiq-message-list').shadowRoot!.textContent ?? '';
    await until(() => listText().includes(`history ${HISTORY}`), 'the newest message shown');
    // The session request's entry is in once its answer was read (the history came in it).
    await until(() => requests.length > 0, 'the session request in the resource timing');
    const before = requests.filter((url) => new URL(url).pathname !== '/api/chat/messages' || url.includes(`before=${HISTORY + 1}`));
    expect(
      before.map((url) => new URL(url).pathname),
      'the session only: no newest-page request',
    ).to.deep.equal(['/api/chat/session']);
    expect(el.messages.at(-1)?.text).to.equal(`history ${HISTORY}`);
    expect(el.messages.filter((m) => m.text.startsWith('history ')).length).to.be.at.least(50);

    // Live from here: an agent's reply is announced, none of the history ever was.
    await until(() => el.connectionState === 'online', 'online');
    const agent = await Agent.login(info);
    await agent.reply(conversationId, 'a live answer');
    await until(() => announced.includes('a live answer'), 'the live answer announced');
    expect(
      announced.filter((text) => text.startsWith('history ')),
      'history is not news',
    ).to.deep.equal([]);
    expect(
      requests.some((url) => url.includes(`before=${HISTORY + 1}`)),
      'the newest page was never fetched',
    ).to.equal(false);
    observer.disconnect();
  });
});
