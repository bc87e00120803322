import { expect, fixture, html, waitUntil } from '@open-wc/testing';
import '../../demo/agent/src/main.js';
import type { AmoiqAgentApp } from '../../demo/agent/src/agent-app.js';
import { api, backend, newId, newSession, postVisitor, userToken } from '../server/helpers.js';

/**
 * docs/security.md, "Bidi control characters": names, e-mail addresses and messages are text the
 * visitor (or the site) chose. An unterminated RIGHT-TO-LEFT OVERRIDE (U+202E) in them must not
 * reorder what the console writes after them ("Closed", the unread count, "(id …)"). Checked on
 * the rendered page: the first letter of the console's own word must be left of its last.
 */
describe('agent console: user text is bidi-isolated', () => {
  beforeEach(() => sessionStorage.clear());

  const RLO = '\u202E';
  const root = (el: AmoiqAgentApp) => el.shadowRoot!;
  const view = (el: AmoiqAgentApp) => root(el).querySelector('amoiq-agent-conversation')!.shadowRoot!;
  const wait = (predicate: () => unknown, message: string) => waitUntil(predicate, message, { timeout: 10_000 });

  /** Whether a text node's first and last visible characters are drawn left to right. */
  function inOrder(node: Node) {
    const text = node.textContent!;
    const box = (i: number) => {
      const range = document.createRange();
      range.setStart(node, i);
      range.setEnd(node, i + 1);
      return range.getBoundingClientRect();
    };
    const first = text.search(/\S/);
    const last = text.length - 1 - [...text].reverse().join('').search(/\S/);
    return box(first).left < box(last).left;
  }

  const textNode = (el: Element | null, word: string) =>
    [...(el?.childNodes ?? [])].find((n) => n.nodeType === Node.TEXT_NODE && n.textContent!.includes(word)) ?? null;

  async function loggedIn() {
    const { url, agent } = await backend();
    const login = await api('/api/agent/login', { body: agent });
    sessionStorage.setItem('amoiq-agent-session', JSON.stringify(login.body));
    const el = await fixture<AmoiqAgentApp>(html`<amoiq-agent-app api-base=${url}></amoiq-agent-app>`);
    await wait(() => root(el).querySelector('.status')?.textContent === 'Live', 'console did not go live');
    return { el, token: login.body.token as string };
  }

  it('the check itself sees a reordering when nothing isolates the name', async () => {
    const probe = await fixture(html`<p><span>${RLO}evil<span class="state">Closed</span></span></p>`);
    const closed = textNode(probe.querySelector('.state'), 'Closed')!;
    expect(inOrder(closed)).to.equal(false);
  });

  it('a name with an override does not reorder the list row, the header or the verified identity', async () => {
    const { el, token } = await loggedIn();
    const { apiKey } = await backend();
    const name = `${RLO}evil ${newId().slice(0, 4)}`;
    const session = await newSession();
    await postVisitor(session, `${RLO}reversed message`);
    await api('/api/chat/contact', { auth: apiKey, session: session.token, body: { conversationId: session.conversationId, name } });
    await api(`/api/agent/conversations/${session.conversationId}/close`, { auth: token, body: {} });

    const item = () => [...root(el).querySelectorAll<HTMLButtonElement>('li button')].find((b) => b.textContent!.includes(name)) ?? null;
    await wait(() => item()?.querySelector('.state'), 'the closed conversation in the list');
    expect(item()!.querySelector('bdi')!.textContent).to.equal(name);
    expect(inOrder(textNode(item()!.querySelector('.state'), 'Closed')!), '"Closed" after the name').to.equal(true);

    item()!.click();
    await wait(() => view(el).querySelector('.message .text'), 'the conversation');
    expect(view(el).querySelector('h2 bdi')!.textContent).to.equal(name);
    expect(view(el).querySelector('.message .text')!.getAttribute('dir')).to.equal('auto');
    const dd = [...view(el).querySelectorAll('.contact dd')].find((d) => d.textContent === name)!;
    expect(dd.getAttribute('dir')).to.equal('auto');

    // A verified user whose signed name carries the override.
    const sub = `u_${newId()}`;
    const user = await api('/api/chat/session', {
      auth: apiKey,
      body: { visitorId: newId(), userToken: await userToken({ sub, name: `${RLO}Mallory`, email: 'm@example.com' }) },
    });
    await postVisitor(user.body, 'hello');
    const userItem = () =>
      [...root(el).querySelectorAll<HTMLButtonElement>('li button')].find((b) => b.textContent!.includes('Mallory')) ?? null;
    await wait(() => userItem(), 'the verified user in the list');
    userItem()!.click();
    await wait(() => view(el).querySelector('.identity'), 'the verified identity');
    const meta = view(el).querySelector('.identity .meta')!;
    expect(inOrder(textNode(meta, '(id')!), '"(id" after the name').to.equal(true);
    expect([...view(el).querySelectorAll('.identity bdi')].map((b) => b.textContent)).to.include(`${RLO}Mallory`);
  });
});
