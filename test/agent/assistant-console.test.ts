import { expect, fixture, html } from '@open-wc/testing';
import { nanoid } from 'nanoid';
import '../../demo/agent/src/main.js';
import type { AmoiqAgentApp } from '../../demo/agent/src/agent-app.js';
import { AmoiqAgentHandoff, AmoiqAgentQueue } from '../../demo/agent/src/queue-panel.js';
import { expectAccessible, until } from '../helpers/dom.js';
import { backendCommand, type BackendInfo } from '../e2e/backend.js';

/**
 * The console's assistant part (queue, handoff panel, live answer; docs/assistant.md, "The agent
 * console") against the reference backend with the demo tenant's assistant on
 * (`backend-assistant-*`: the knowledge base, deltas 250 ms apart). The visitors are driven
 * through the visitor HTTP API, the console through its DOM. Nothing is mocked; the first test
 * only routes the page's own origin to the backend, as when the backend serves the console.
 */
describe('agent console: queue, handoff and the live answer (assistant on)', function () {
  this.timeout(180_000);
  let info: BackendInfo;
  let token: string;

  const root = (el: AmoiqAgentApp) => el.shadowRoot!;
  const view = (el: AmoiqAgentApp) => root(el).querySelector('amoiq-agent-conversation')!.shadowRoot!;
  const queue = (el: AmoiqAgentApp) => root(el).querySelector('amoiq-agent-queue')!.shadowRoot!;
  const handoff = (el: AmoiqAgentApp) => root(el).querySelector('amoiq-agent-handoff')!.shadowRoot!;
  const handoffState = (el: AmoiqAgentApp) => handoff(el).querySelector('.state')?.textContent?.trim() ?? '';
  const handoffButtons = (el: AmoiqAgentApp) => [...handoff(el).querySelectorAll('button')].map((b) => b.textContent!.trim());
  const listItem = (el: AmoiqAgentApp, id: string) => root(el).querySelector<HTMLButtonElement>(`li button[data-id="${CSS.escape(id)}"]`);
  const queueRow = (el: AmoiqAgentApp, id: string) => queue(el).querySelector<HTMLElement>(`li[data-conversation="${CSS.escape(id)}"]`);

  async function agentCall(method: string, path: string, body?: unknown) {
    const res = await fetch(`${info.url}${path}`, {
      method,
      headers: { Authorization: `Bearer ${token}`, ...(body ? { 'Content-Type': 'application/json' } : {}) },
      body: body ? JSON.stringify(body) : undefined,
    });
    return { status: res.status, body: await res.json().catch(() => null) };
  }

  interface Visitor {
    conversationId: string;
    token: string;
  }

  async function visitorCall(v: Visitor | null, path: string, body: unknown) {
    const res = await fetch(`${info.url}${path}`, {
      method: 'POST',
      headers: { Authorization: `Bearer ${info.apiKey}`, 'Content-Type': 'application/json', ...(v ? { 'X-Amoiq-Session': v.token } : {}) },
      body: JSON.stringify(body),
    });
    const text = await res.text();
    return { status: res.status, body: text ? JSON.parse(text) : null };
  }

  async function newVisitor(): Promise<Visitor> {
    const res = await visitorCall(null, '/api/chat/session', { tenantId: info.tenantId, visitorId: nanoid() });
    expect(res.status, JSON.stringify(res.body)).to.equal(200);
    return res.body;
  }

  async function say(v: Visitor, text: string) {
    const res = await visitorCall(v, '/api/chat/messages', { conversationId: v.conversationId, clientId: nanoid(), text });
    expect(res.status, JSON.stringify(res.body)).to.equal(201);
  }

  const handoffOf = async (id: string) => (await agentCall('GET', `/api/agent/conversations/${id}/feedback`)).body?.handoff?.state;
  const adaLoad = async () => ((await agentCall('GET', '/api/agent/queue')).body.agents as Array<{ assigned: number }>)[0]?.assigned ?? 0;

  before(async function () {
    this.timeout(300_000);
    info = await backendCommand('backend-assistant-info');
    const login = await fetch(`${info.url}/api/agent/login`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify(info.agent),
    });
    token = (await login.json()).token;
    // The demo tenant assigns queued conversations round-robin to online agents below 3 open ones
    // (autoAssign). The console's agent is the tenant's only one: give her 3, so what these tests
    // put in the queue stays there while her console is online.
    while ((await adaLoad()) < 3) {
      const v = await newVisitor();
      await visitorCall(v, '/api/chat/escalate', { conversationId: v.conversationId });
      const accepted = await agentCall('POST', `/api/agent/conversations/${v.conversationId}/accept`);
      expect([200, 409], JSON.stringify(accepted.body)).to.include(accepted.status);
    }
  });

  beforeEach(() => sessionStorage.clear());

  async function loggedIn(apiBase: string | null = info.url) {
    const el = await fixture<AmoiqAgentApp>(
      apiBase === null ? html`<amoiq-agent-app></amoiq-agent-app>` : html`<amoiq-agent-app api-base=${apiBase}></amoiq-agent-app>`,
    );
    root(el).querySelector<HTMLInputElement>('input[name=email]')!.value = info.agent.email;
    root(el).querySelector<HTMLInputElement>('input[name=password]')!.value = info.agent.password;
    root(el).querySelector<HTMLInputElement>('input[name=remember]')!.checked = false;
    root(el).querySelector<HTMLButtonElement>('form button')!.click();
    await until(() => root(el).querySelector('.status')?.textContent === 'Live', 'the console live', 30_000);
    return el;
  }

  async function openConversation(el: AmoiqAgentApp, id: string) {
    await until(() => !!listItem(el, id), `conversation ${id} in the list`, 20_000);
    listItem(el, id)!.click();
    await until(() => !!handoffState(el), 'the handoff panel', 20_000);
  }

  it('served by the backend itself (api base ""), the console shows the answer being written as it grows', async () => {
    // The console's origin is the backend's: what the page asks of its own origin goes to it.
    const page = location.host;
    const backend = new URL(info.url);
    const toBackend = (url: string) => url.replace(`//${page}/`, `//${backend.host}/`);
    const nativeFetch = window.fetch;
    const NativeSocket = window.WebSocket;
    const sockets: Array<{ asked: string; socket: WebSocket }> = [];
    window.fetch = (input: RequestInfo | URL, init?: RequestInit) => {
      const url = typeof input === 'string' ? input : input instanceof URL ? input.href : input.url;
      const absolute = new URL(url, location.href).href;
      return nativeFetch(absolute.startsWith(`${location.origin}/api/`) ? toBackend(absolute) : input, init);
    };
    window.WebSocket = class extends NativeSocket {
      constructor(url: string | URL, protocols?: string | string[]) {
        const asked = new URL(url, location.href).href;
        super(toBackend(asked), protocols);
        sockets.push({ asked, socket: this });
      }
    };
    try {
      const el = await loggedIn(null);
      const v = await newVisitor();
      await say(v, 'How do I return an item?');
      const answered = async () =>
        (
          (await agentCall('GET', `/api/agent/conversations/${v.conversationId}/messages?limit=50`)).body.messages as Array<{
            sender: { type: string };
          }>
        ).some((m) => m.sender.type === 'ai');
      await until(answered, 'the first answer stored', 60_000, 200);
      await openConversation(el, v.conversationId);
      expect(handoffState(el)).to.equal('The assistant (AI) is answering');
      // Its own socket to this origin, as the console's live updates have.
      const feedOpen = () =>
        sockets.filter(({ asked, socket }) => asked.startsWith(`ws://${page}/ws/agent?token=`) && socket.readyState === NativeSocket.OPEN)
          .length >= 2;
      await until(feedOpen, 'the live answer’s socket to the console’s own origin', 20_000);
      await say(v, 'Can I cancel my order?');
      const live = () => handoff(el).querySelector('amoiq-agent-live-answer')?.shadowRoot?.querySelector('.text')?.textContent ?? '';
      await until(() => live().length > 0, 'the answer being written, in the console', 60_000, 20);
      expect(handoff(el).querySelector('amoiq-agent-live-answer')!.shadowRoot!.querySelector('.who')!.textContent).to.contain('Robin');
      await expectAccessible(el);
    } finally {
      window.fetch = nativeFetch;
      window.WebSocket = NativeSocket;
    }
  });

  it('the socket’s news updates the queue and the handoff panel at once, not at their next poll', async () => {
    // Polls ten minutes apart: whatever shows within the test came from the frames.
    const polls = [AmoiqAgentQueue.refreshMs, AmoiqAgentHandoff.refreshMs];
    AmoiqAgentQueue.refreshMs = AmoiqAgentHandoff.refreshMs = 600_000;
    try {
      const el = await loggedIn();
      const v = await newVisitor();
      await say(v, 'How do I return an item?');
      await openConversation(el, v.conversationId);
      await until(() => handoffState(el) !== '', 'the handoff panel read once');
      const before = handoffState(el);
      expect(queueRow(el, v.conversationId)).to.equal(null);
      expect((await visitorCall(v, '/api/chat/escalate', { conversationId: v.conversationId })).status).to.equal(200);
      await until(() => !!queueRow(el, v.conversationId), 'the queue to show it (a `queue` frame)', 20_000);
      await until(() => handoffState(el) !== before, 'the handoff panel to follow (a `handoff` frame)', 20_000);
    } finally {
      [AmoiqAgentQueue.refreshMs, AmoiqAgentHandoff.refreshMs] = polls;
    }
  });

  it('the queue says why in words and names visitors as the conversation list does', async () => {
    const el = await loggedIn();
    // Asked the assistant for a person (reason `requested`, by the assistant) …
    const asked = await newVisitor();
    await say(asked, 'I would like to talk to a person please');
    // … and pressed "Talk to a person" (no reason: the server's "requested by the visitor").
    const pressed = await newVisitor();
    await say(pressed, 'How do I return an item?');
    expect((await visitorCall(pressed, '/api/chat/escalate', { conversationId: pressed.conversationId })).status).to.equal(200);
    for (const v of [asked, pressed]) {
      await until(() => !!queueRow(el, v.conversationId) && !!listItem(el, v.conversationId), 'in the queue and the list', 30_000);
      const row = queueRow(el, v.conversationId)!;
      expect(row.querySelector('.reason')!.textContent!.trim()).to.equal('The visitor asked for a person');
      expect(row.textContent).to.not.match(/requested|\(by the|\bv_/);
      const name = row.querySelector('.name')!.textContent!;
      expect(name).to.equal(listItem(el, v.conversationId)!.querySelector('bdi')!.textContent);
      expect(name).to.match(/^Visitor \S{6}…$/);
    }
    // So do the list's preview of the newest message (the handoff notice) …
    const preview = () => listItem(el, asked.conversationId)?.querySelector('.preview')?.textContent ?? '';
    await until(() => preview().startsWith('Handed to the team'), 'the notice in words in the list', 20_000);
    expect(preview()).to.not.contain('(requested');
    // … and the conversation's own notice.
    await openConversation(el, asked.conversationId);
    await until(() => !!view(el).querySelector('.notice[data-event=escalated]'), 'the handoff notice', 20_000);
    const notice = view(el).querySelector('.notice[data-event=escalated]')!.textContent!;
    expect(notice).to.contain('The visitor asked for a person');
    expect(notice).to.not.contain('(requested)');
    // The console's buttons, inside the column's padding.
    const accept = queueRow(el, pressed.conversationId)!.querySelector('button')!;
    const style = getComputedStyle(accept);
    expect(style.backgroundColor).to.equal('rgb(11, 92, 173)');
    expect(style.borderRadius).to.equal('6px');
    expect(parseFloat(getComputedStyle(queueRow(el, pressed.conversationId)!).paddingInlineStart)).to.be.at.least(12);
    await expectAccessible(el);
  });

  it('offers only what the state allows (nothing once closed) and shows the rating under the conversation header', async () => {
    const el = await loggedIn();
    const v = await newVisitor();
    await say(v, 'I want to talk to a person');
    await until(async () => (await handoffOf(v.conversationId)) === 'queued', 'queued', 30_000, 100);
    await openConversation(el, v.conversationId);
    await until(() => handoffState(el).startsWith('Waiting for a person'), 'shown as waiting', 20_000);
    expect(handoffButtons(el)).to.deep.equal(['Accept', 'Return to assistant']);
    await expectAccessible(el);

    [...handoff(el).querySelectorAll('button')].find((b) => b.textContent!.trim() === 'Accept')!.click();
    await until(() => handoffState(el) === 'You have this conversation', 'accepted', 20_000);
    expect(handoffButtons(el)).to.deep.equal(['Return to assistant']);

    view(el).querySelector<HTMLButtonElement>('.status-button')!.click();
    await until(() => handoffState(el).startsWith('Closed'), 'shown as closed', 20_000);
    expect(handoffState(el)).to.equal('Closed · you had this conversation');
    expect(handoffButtons(el), 'no handoff action on a closed conversation').to.deep.equal([]);
    expect(handoff(el).querySelector('select')).to.equal(null);

    const rated = await visitorCall(v, '/api/chat/rating', { conversationId: v.conversationId, score: 4, comment: 'Quick and kind.' });
    expect(rated.status, JSON.stringify(rated.body)).to.equal(204);
    await until(() => !!handoff(el).querySelector('.rating'), 'the rating', 20_000);
    const rating = handoff(el).querySelector('.rating')!;
    expect(rating.textContent).to.contain('Quick and kind.');
    expect(rating.querySelector('[role=img]')!.getAttribute('aria-label')).to.equal('4 out of 5');
    const header = view(el).querySelector('.head')!.getBoundingClientRect();
    const log = view(el).querySelector('[role=log]')!.getBoundingClientRect();
    const at = rating.getBoundingClientRect();
    expect(at.top, 'the rating under the conversation header').to.be.at.least(header.bottom - 1);
    expect(at.bottom, 'the rating above the messages').to.be.at.most(log.top + 1);
    await expectAccessible(el);
  });

  it('the live answer’s socket is open only while it shows a conversation the assistant has', async () => {
    // Real sockets to the backend, only counted: the console's own (its first, at login) and the
    // live answer's (any other to /ws/agent).
    const NativeSocket = window.WebSocket;
    const sockets: WebSocket[] = [];
    window.WebSocket = class extends NativeSocket {
      constructor(url: string | URL, protocols?: string | string[]) {
        super(url, protocols);
        if (new URL(url, location.href).pathname === '/ws/agent') sockets.push(this);
      }
    };
    const feeds = () => sockets.slice(1).filter((s) => s.readyState !== NativeSocket.CLOSED).length;
    try {
      const el = await loggedIn();
      expect(sockets, 'the console’s own socket').to.have.length(1);
      const withAssistant = await newVisitor();
      await say(withAssistant, 'How do I return an item?');
      const waiting = await newVisitor();
      await say(waiting, 'I want to talk to a person');
      await until(async () => (await handoffOf(waiting.conversationId)) === 'queued', 'queued', 30_000, 100);

      await openConversation(el, withAssistant.conversationId);
      await until(() => handoffState(el) === 'The assistant (AI) is answering', 'with the assistant', 20_000);
      await until(() => feeds() === 1, 'the live answer’s socket open', 20_000);
      // Leaving it for a conversation in the queue: nothing to follow, the socket closes.
      await openConversation(el, waiting.conversationId);
      await until(() => handoffState(el).startsWith('Waiting for a person'), 'the queued one shown', 20_000);
      await until(() => feeds() === 0, 'the socket closed on leaving the conversation', 20_000);

      // Back to the assistant's conversation: one socket again (the earlier one stays closed) …
      await openConversation(el, withAssistant.conversationId);
      await until(() => handoffState(el) === 'The assistant (AI) is answering', 'with the assistant again', 20_000);
      await until(() => feeds() === 1, 'the live answer’s socket open again', 20_000);
      expect(sockets.filter((s) => s.readyState !== NativeSocket.CLOSED)).to.have.length(2);
      // … until a person takes it over: the assistant's answers end there, so does the socket.
      [...handoff(el).querySelectorAll('button')].find((b) => b.textContent!.trim() === 'Take over')!.click();
      await until(() => handoffState(el) === 'You have this conversation', 'taken over', 20_000);
      await until(() => feeds() === 0, 'the socket closed once a person has the conversation', 20_000);

      // Removed with the console (as after a logout): nothing stays open.
      const other = await newVisitor();
      await say(other, 'Can I cancel my order?');
      await openConversation(el, other.conversationId);
      await until(() => feeds() === 1, 'the live answer’s socket for another conversation', 20_000);
      el.remove();
      await until(() => sockets.every((s) => s.readyState === NativeSocket.CLOSED), 'every socket closed with the element', 20_000);
    } finally {
      window.WebSocket = NativeSocket;
    }
  });
});
