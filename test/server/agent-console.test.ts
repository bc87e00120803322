import { expect, fixture, html, waitUntil } from '@open-wc/testing';
import { sendKeys } from '@web/test-runner-commands';
import '../../demo/agent/src/main.js';
import type { AmoiqAgentApp } from '../../demo/agent/src/agent-app.js';
import { RecordingSocket, agentToken, api, backend, fillAgentLogin, newSession, postVisitor, visitorSocket } from './helpers.js';
import { expectAccessible } from '../helpers/dom.js';

/** The agent console against the real backend: login, live list, history, reply, typing. */
describe('agent console', function () {
  // Each test logs an agent in (scrypt) and drives the console against a shared backend: on a
  // loaded machine that takes longer than the suite's default 20 s; the waits inside are on state.
  this.timeout(60_000);
  const sockets: RecordingSocket[] = [];
  beforeEach(() => sessionStorage.clear());
  afterEach(() => sockets.splice(0).forEach((s) => s.close()));

  const root = (el: AmoiqAgentApp) => el.shadowRoot!;
  const view = (el: AmoiqAgentApp) => root(el).querySelector('amoiq-agent-conversation')!.shadowRoot!;

  async function loggedIn() {
    const { url, agent } = await backend();
    const el = await fixture<AmoiqAgentApp>(html`<amoiq-agent-app api-base=${url}></amoiq-agent-app>`);
    await expectAccessible(el);
    fillAgentLogin(root(el), agent);
    root(el).querySelector<HTMLButtonElement>('form button')!.click();
    await waitUntil(() => root(el).querySelector('.status')?.textContent === 'Live', 'console did not go live', { timeout: 20_000 });
    return el;
  }

  it('rejects wrong credentials with an alert', async () => {
    const { url, agent } = await backend();
    const el = await fixture<AmoiqAgentApp>(html`<amoiq-agent-app api-base=${url}></amoiq-agent-app>`);
    fillAgentLogin(root(el), { email: agent.email, password: 'wrong' });
    root(el).querySelector<HTMLButtonElement>('form button')!.click();
    await waitUntil(() => root(el).querySelector('[role=alert]'), 'no alert', { timeout: 20_000 });
    expect(root(el).querySelector('[role=alert]')!.textContent).to.contain('Wrong email or password');
    expect(sessionStorage.length).to.equal(0);
  });

  it('logs in, shows a new conversation live with an unread marker, and stays logged in', async () => {
    const el = await loggedIn();
    expect(JSON.parse(sessionStorage.getItem('amoiq-agent-session')!).agent.name).to.equal('Ada (demo agent)');
    const session = await newSession();
    await postVisitor(session, 'hello from the shop');
    // The shared backend holds other tests' conversations too (some unread): find this one.
    const mine = () => [...root(el).querySelectorAll('li')].find((li) => li.textContent!.includes('hello from the shop'));
    await waitUntil(() => mine()?.querySelector('.unread'), 'no unread marker on the new conversation', { timeout: 20_000 });
    const first = mine()!;
    // An opaque reference, never the visitor id (the visitor's bearer secret).
    const list = await api('/api/agent/conversations', { auth: await agentToken() });
    const ref: string = list.body.conversations.find((c: any) => c.id === session.conversationId).visitorRef;
    expect(first.textContent).to.contain(`Visitor ${ref.slice(2, 8)}`);
    expect(first.textContent).not.to.contain(session.visitorId.slice(0, 6));
    await expectAccessible(el);

    const { url } = await backend();
    const again = await fixture<AmoiqAgentApp>(html`<amoiq-agent-app api-base=${url}></amoiq-agent-app>`);
    await waitUntil(() => root(again).querySelector('.status')?.textContent === 'Live', 'reload did not stay logged in', {
      timeout: 20_000,
    });
    expect(root(again).querySelector('form.login')).to.equal(null);
  });

  it('opens a conversation, renders text as text, shows visitor typing and replies with Enter', async () => {
    const el = await loggedIn();
    const session = await newSession();
    await postVisitor(session, '<img src=x onerror="window.pwned=1">hi');
    const visitor = await visitorSocket(session);
    sockets.push(visitor);
    await waitUntil(() => root(el).querySelector('li button'), 'no conversation', { timeout: 20_000 });
    root(el).querySelector<HTMLButtonElement>('li button')!.click();
    await waitUntil(() => view(el).querySelectorAll('.message').length === 1, 'history not loaded', { timeout: 20_000 });
    const log = view(el).querySelector('[role=log]')!;
    expect(log.querySelector('img')).to.equal(null);
    expect(log.textContent).to.contain('<img src=x');

    visitor.send({ type: 'typing', typing: true });
    await waitUntil(() => view(el).querySelector('.typing')!.textContent!.includes('typing'), 'no typing indicator', { timeout: 20_000 });

    view(el).querySelector('textarea')!.focus();
    await sendKeys({ type: 'Hello from Ada' });
    const typing = await visitor.next((f) => f.type === 'typing' && f.sender.type === 'agent' && f.typing === true);
    expect(typing.conversationId).to.equal(session.conversationId);
    await sendKeys({ press: 'Enter' });
    const reply = await visitor.next((f) => f.type === 'message' && f.message.text === 'Hello from Ada');
    expect(reply.message.sender.name).to.equal('Ada (demo agent)');
    await waitUntil(() => view(el).querySelectorAll('.message').length === 2, 'reply not shown', { timeout: 20_000 });
    // The socket may bring the reply before the HTTP answer that clears the composer.
    await waitUntil(() => view(el).querySelector('textarea')!.value === '', 'composer not cleared after the reply', { timeout: 20_000 });
    await expectAccessible(el);
  });
});
