import { expect, fixture, html } from '@open-wc/testing';
import { nanoid } from 'nanoid';
import '../../src/define.js';
import type { AmoiqChat } from '../../src/components/chat/chat.js';
import type { ChatService } from '../../src/services/chat-service.js';
import { part, serviceOf, until } from '../helpers/dom.js';
import { backendCommand, type BackendInfo } from './backend.js';

// End to end (issue 12): the real element against the reference backend with the demo tenant's
// assistant on (test/plugins/backend.mjs, `backend-assistant-*`: the knowledge-base answerer, no
// key, no network). The agent side goes through the documented agent protocol. Nothing is mocked.

const assistantBackend = () => backendCommand('backend-assistant-info');

async function agentToken(info: BackendInfo): Promise<string> {
  const res = await fetch(`${info.url}/api/agent/login`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify(info.agent),
  });
  if (!res.ok) throw new Error(`agent login: ${res.status}`);
  return (await res.json()).token;
}

async function agentCall(info: BackendInfo, token: string, method: string, path: string, body?: unknown): Promise<Response> {
  return fetch(`${info.url}${path}`, {
    method,
    headers: { Authorization: `Bearer ${token}`, ...(body ? { 'Content-Type': 'application/json' } : {}) },
    body: body ? JSON.stringify(body) : undefined,
  });
}

async function chatOn(info: BackendInfo): Promise<AmoiqChat> {
  const el = await fixture<AmoiqChat>(
    html`<amoiq-chat gateway-url=${info.url} api-key=${info.apiKey} tenant-id=${info.tenantId} db-name=${`amoiq-e2e-${nanoid(8)}`} lang="en" open></amoiq-chat>`,
  );
  await until(() => serviceOf(el).state.connection === 'online', 'online', 20_000);
  return el;
}

/** Every assistant message of the conversation as the widget holds it. */
const aiMessages = (service: ChatService) => service.state.messages.filter((m) => m.sender.type === 'ai');

describe('e2e: the assistant (issue 12)', function () {
  this.timeout(120_000); // a cold start of the backend on a loaded machine
  it('a question gets a streamed answer that is replaced by exactly one final message', async () => {
    const info = await assistantBackend();
    const el = await chatOn(info);
    const service = serviceOf(el);
    await until(() => !!service.state.assistant, 'the site assistant from the session', 10_000);
    let appended = 0;
    let streamedText = '';
    service.streams.onChange((c) => {
      if (c.type === 'append') {
        appended++;
        streamedText = c.stream.text;
      }
    });
    el.send('How do I return an item?');
    await until(() => aiMessages(service).some((m) => m.streamId), 'the final answer', 20_000);
    const answers = aiMessages(service).filter((m) => m.streamId);
    expect(answers).to.have.length(1);
    expect(appended, 'deltas applied while it streamed').to.be.greaterThan(1);
    expect(answers[0].text.startsWith(streamedText.slice(0, 20))).to.equal(true);
    expect(service.streams.active).to.have.length(0);
    const list = part(el, 'amoiq-message-list').shadowRoot!;
    await until(() => !list.querySelector('amoiq-assistant-stream [data-stream]'), 'the stream gone from the list', 5_000);
    await until(() => !!list.querySelector(`[data-key="${CSS.escape(answers[0].key)}"]`), 'the answer in the list', 5_000);
  });

  it('talk to a person → queued → an agent accepts → the assistant is silent → close → rating stored → transcript', async () => {
    const info = await assistantBackend();
    const el = await chatOn(info);
    const service = serviceOf(el);
    await until(() => !!service.state.assistant, 'the site assistant', 10_000);
    el.send('Hello');
    await until(() => aiMessages(service).length > 0 || service.state.conversationStatus === 'closed', 'a first answer', 20_000);
    const events: string[] = [];
    el.addEventListener('amoiq-escalation', (e) => events.push(e.detail.handoff.state));
    // "Talk to a person" in the banner.
    const banner = () => part(el, 'amoiq-assistant-banner');
    await until(() => !!el.shadowRoot!.querySelector('amoiq-assistant-banner')?.shadowRoot?.querySelector('button'), 'the banner', 10_000);
    banner().shadowRoot!.querySelector<HTMLButtonElement>('button')!.click();
    await until(() => service.state.handoff?.state === 'queued' || service.state.handoff?.state === 'assigned', 'queued', 10_000);
    if (service.state.handoff?.state === 'queued') {
      expect(service.state.handoff.position).to.be.greaterThan(0);
      await until(() => /number \d+ in the queue/.test(banner().shadowRoot!.textContent ?? ''), 'the queue position', 5_000);
    }
    // The agent accepts.
    const token = await agentToken(info);
    const conversationId = service.state.conversationId!;
    const accepted = await agentCall(info, token, 'POST', `/api/agent/conversations/${conversationId}/accept`);
    expect([200, 409]).to.include(accepted.status);
    await until(() => service.state.handoff?.state === 'assigned', 'assigned', 10_000);
    await until(() => /joined the conversation/.test(banner().shadowRoot!.textContent ?? ''), '"… joined"', 5_000);
    expect(events).to.include('assigned');
    // The assistant is silent now: the visitor's next message gets the agent's reply, not an answer.
    const aiBefore = aiMessages(service).length;
    el.send('Are you a person?');
    await until(() => service.state.messages.some((m) => m.text === 'Are you a person?' && m.status === 'delivered'), 'stored', 10_000);
    const reply = await agentCall(info, token, 'POST', `/api/agent/conversations/${conversationId}/messages`, {
      text: 'Yes, Ada here.',
      clientId: nanoid(),
    });
    expect(reply.status).to.equal(201);
    await until(() => service.state.messages.some((m) => m.text === 'Yes, Ada here.'), 'the agent reply', 10_000);
    expect(aiMessages(service).length).to.equal(aiBefore);
    expect(service.streams.active).to.have.length(0);
    // Close → rating → stored.
    expect((await agentCall(info, token, 'POST', `/api/agent/conversations/${conversationId}/close`)).status).to.equal(200);
    await until(() => service.state.conversationStatus === 'closed', 'closed', 10_000);
    const closed = () => part(el, 'amoiq-conversation-closed');
    await until(
      () => !!closed().shadowRoot?.querySelector('amoiq-assistant-rating')?.shadowRoot?.querySelector('input'),
      'the rating form',
      10_000,
    );
    const rating = closed().shadowRoot!.querySelector('amoiq-assistant-rating')!.shadowRoot!;
    rating.querySelectorAll<HTMLInputElement>('input[type="radio"]')[3].click();
    rating.querySelector('textarea')!.value = 'Quick and kind.';
    await until(() => rating.querySelector('.star.on:nth-child(4)') !== null, 'four stars', 2_000);
    rating.querySelector<HTMLButtonElement>('button[type="submit"]')!.click();
    await until(() => rating.querySelector('[role="status"]')!.textContent === 'Thanks for your rating.', 'the rating sent', 10_000);
    const feedback = await (await agentCall(info, token, 'GET', `/api/agent/conversations/${conversationId}/feedback`)).json();
    expect(feedback.rating).to.include({ score: 4, comment: 'Quick and kind.' });
    // The transcript, as text and HTML.
    const text = await (await service.transcript('text')).blob.text();
    expect(text).to.contain('Are you a person?');
    expect(text).to.contain('Yes, Ada here.');
    const page = await service.transcript('html');
    expect(page.filename).to.match(/\.html$/);
    expect(await page.blob.text()).to.contain('Yes, Ada here.');
  });
});
