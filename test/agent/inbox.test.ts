import { expect, fixture, html, waitUntil } from '@open-wc/testing';
import '../../demo/agent/src/main.js';
import type { AmoiqAgentApp } from '../../demo/agent/src/agent-app.js';
import { api, backend, fromNode, newId, type Session } from '../server/helpers.js';
import { expectAccessible } from '../helpers/dom.js';

/**
 * The agent console's inbox (docs/security.md, "Empty sessions and the agents' inbox"): filters
 * (all, waiting for a reply, open, mine, closed) that follow live changes, a "Load more" button
 * for the next page, and the relink flag. Visitors are driven through the API from Node, each
 * from an address of its own (the test backends trust X-Forwarded-For).
 */
describe('agent console: inbox filters, paging and relinked conversations', function () {
  // Each test logs an agent in (scrypt) and drives the console against a shared backend: on a
  // loaded machine that takes longer than the suite's default 20 s; the waits inside are on state.
  this.timeout(60_000);
  beforeEach(() => sessionStorage.clear());

  const root = (el: AmoiqAgentApp) => el.shadowRoot!;
  const wait = (predicate: () => unknown, message: string, timeout = 10_000) => waitUntil(predicate, message, { timeout });
  const ip = () => `10.${1 + Math.floor(Math.random() * 250)}.${Math.floor(Math.random() * 250)}.${1 + Math.floor(Math.random() * 250)}`;

  /** Logs in through the API and lets the console pick the stored session up. */
  async function console_() {
    const { url, agent } = await backend();
    const login = await api('/api/agent/login', { body: agent });
    expect(login.status).to.equal(200);
    sessionStorage.setItem('amoiq-agent-session', JSON.stringify(login.body));
    const el = await fixture<AmoiqAgentApp>(html`<amoiq-agent-app api-base=${url}></amoiq-agent-app>`);
    await wait(() => root(el).querySelector('.status')?.textContent === 'Live', 'console did not go live');
    return { el, token: login.body.token as string };
  }

  const titles = (el: AmoiqAgentApp) => [...root(el).querySelectorAll('li button .row bdi')].map((b) => b.textContent!);
  const shows = (el: AmoiqAgentApp, name: string) => titles(el).includes(name);
  const filter = (el: AmoiqAgentApp, value: string) => root(el).querySelector<HTMLButtonElement>(`.filters button[data-filter=${value}]`)!;

  /** A visitor from its own address who gave a name and wrote `text`. */
  async function visitor(name: string, text: string) {
    const { apiKey } = await backend();
    const from = ip();
    const [session] = await fromNode([
      { path: '/api/chat/session', auth: apiKey, ip: from, body: { tenantId: 'demo', visitorId: newId() } },
    ]);
    const s = session.body as Session;
    const headers = { 'X-Amoiq-Session': s.token };
    const [contact, message] = await fromNode([
      { path: '/api/chat/contact', auth: apiKey, ip: from, headers, body: { conversationId: s.conversationId, name } },
      { path: '/api/chat/messages', auth: apiKey, ip: from, headers, body: { conversationId: s.conversationId, clientId: newId(), text } },
    ]);
    expect([contact.status, message.status]).to.deep.equal([204, 201]);
    return { ...s, ip: from };
  }

  it('filters by waiting, open, mine and closed, and follows live changes', async () => {
    const { el, token } = await console_();
    const tag = newId().slice(0, 6);
    const [waiting, replied, closed] = await Promise.all([
      visitor(`Waiting ${tag}`, 'hello?'),
      visitor(`Replied ${tag}`, 'hi'),
      visitor(`Closed ${tag}`, 'bye'),
    ]);
    const reply = (s: { conversationId: string }, text: string) =>
      api(`/api/agent/conversations/${s.conversationId}/messages`, { auth: token, body: { clientId: newId(), text } });
    expect((await reply(replied, 'how can I help?')).status).to.equal(201);
    expect((await api(`/api/agent/conversations/${closed.conversationId}/close`, { auth: token, body: {} })).status).to.equal(200);
    const names = [`Waiting ${tag}`, `Replied ${tag}`, `Closed ${tag}`];
    await wait(() => names.every((n) => shows(el, n)), 'all three in the list');
    expect(filter(el, 'all').getAttribute('aria-pressed')).to.equal('true');

    const expectShown = async (value: string, expected: string[]) => {
      filter(el, value).click();
      await wait(
        () => filter(el, value).getAttribute('aria-pressed') === 'true' && names.every((n) => shows(el, n) === expected.includes(n)),
        `filter ${value}: ${expected}`,
      );
    };
    await expectShown('waiting', [`Waiting ${tag}`]);
    await expectAccessible(el);
    await expectShown('open', [`Waiting ${tag}`, `Replied ${tag}`]);
    await expectShown('mine', [`Replied ${tag}`]);
    await expectShown('closed', [`Closed ${tag}`]);

    // Live: on "waiting", a reply takes a conversation out and a visitor's message brings one in.
    await expectShown('waiting', [`Waiting ${tag}`]);
    await reply(waiting, 'on it');
    const { apiKey } = await backend();
    await fromNode([
      {
        path: '/api/chat/messages',
        auth: apiKey,
        ip: replied.ip,
        headers: { 'X-Amoiq-Session': replied.token },
        body: { conversationId: replied.conversationId, clientId: newId(), text: 'one more thing' },
      },
    ]);
    await wait(() => shows(el, `Replied ${tag}`) && !shows(el, `Waiting ${tag}`), 'the list to follow the replies');
  });

  it('shows 50 conversations, then the next page with "Load more", none twice', async () => {
    const tag = newId().slice(0, 6);
    const names = Array.from({ length: 55 }, (_, i) => `Paged ${tag} ${String(i).padStart(2, '0')}`);
    for (let i = 0; i < names.length; i += 8) await Promise.all(names.slice(i, i + 8).map((n) => visitor(n, 'page me')));
    const { el } = await console_();
    await wait(() => titles(el).length > 0, 'the first page');
    expect(titles(el)).to.have.length(50);
    const mine = () => titles(el).filter((t) => t.startsWith(`Paged ${tag}`));
    expect(mine()).to.have.length(50);
    const more = root(el).querySelector<HTMLButtonElement>('button.more')!;
    expect(more.textContent!.trim()).to.equal('Load more');
    more.click();
    await wait(() => mine().length === 55, 'the rest after "Load more"');
    // Each of this test's conversations once (other files' visitors may share a name).
    expect(new Set(mine()).size).to.equal(55);
  });

  it('flags a conversation relinked by fingerprint, in the list and in its header', async () => {
    const { apiKey } = await backend();
    const from = ip();
    const fingerprint = Array.from(crypto.getRandomValues(new Uint8Array(32)), (b) => b.toString(16).padStart(2, '0')).join('');
    const name = `Relinked ${newId().slice(0, 6)}`;
    const [first] = await fromNode([
      { path: '/api/chat/session', auth: apiKey, ip: from, body: { tenantId: 'demo', visitorId: newId(), fingerprint } },
    ]);
    const s = first.body as Session;
    await fromNode([
      {
        path: '/api/chat/contact',
        auth: apiKey,
        ip: from,
        headers: { 'X-Amoiq-Session': s.token },
        body: { conversationId: s.conversationId, name },
      },
      {
        path: '/api/chat/messages',
        auth: apiKey,
        ip: from,
        headers: { 'X-Amoiq-Session': s.token },
        body: { conversationId: s.conversationId, clientId: newId(), text: 'my address is …' },
      },
    ]);
    const { el } = await console_();
    await wait(() => shows(el, name), 'the conversation in the list');
    const item = () => [...root(el).querySelectorAll<HTMLButtonElement>('li button')].find((b) => b.textContent!.includes(name))!;
    expect(item().querySelector('.relinked-badge')).to.equal(null);

    const [aged] = await fromNode([{ path: '/api/debug/backdate', body: { conversationId: s.conversationId, seconds: 11 * 60 } }]);
    expect(aged.status).to.equal(204);
    const [relinked] = await fromNode([
      { path: '/api/chat/session', auth: apiKey, ip: from, body: { tenantId: 'demo', visitorId: newId(), fingerprint } },
    ]);
    expect(relinked.body.relinked).to.equal(true);
    await wait(() => item()?.querySelector('.relinked-badge'), 'the Relinked badge');
    item().click();
    const view = () => root(el).querySelector('amoiq-agent-conversation')!.shadowRoot!;
    await wait(() => view().querySelector('.relinked'), 'the relink note in the header');
    expect(view().querySelector('.relinked')!.textContent).to.contain('may not be who wrote before');
    await expectAccessible(el);
  });
});
