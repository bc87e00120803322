import { expect, fixture, fixtureCleanup, html, waitUntil } from '@open-wc/testing';
import { sendKeys, setViewport } from '@web/test-runner-commands';
import '../../demo/agent/src/main.js';
import type { AmoiqAgentApp } from '../../demo/agent/src/agent-app.js';
import { SESSION_KEY } from '../../demo/agent/src/session-store.js';
import { deepActiveElement, expectAccessible } from '../helpers/dom.js';
import { api, backend, fillAgentLogin, fromNode, newId, postVisitor, type Session } from '../server/helpers.js';

/**
 * The agent console as a tool (issue 15, "Agent console"), against the real backend: it stays
 * logged in across a closed tab and logs out for real, works at 375 px as two views with back
 * navigation, tells a visitor's conversations apart, has keyboard shortcuts, shows where the
 * visitor is (page, language, local time, previous conversations) and searches.
 */
describe('agent console: session, narrow screens, titles, shortcuts, visitor context, search', () => {
  beforeEach(() => {
    sessionStorage.clear();
    localStorage.removeItem(SESSION_KEY);
  });
  afterEach(async () => {
    localStorage.removeItem(SESSION_KEY);
    await setViewport({ width: 1280, height: 800 });
    document.body.style.margin = '';
  });

  const root = (el: AmoiqAgentApp) => el.shadowRoot!;
  const view = (el: AmoiqAgentApp) => root(el).querySelector('amoiq-agent-conversation')!.shadowRoot!;
  const visitorPanel = (el: AmoiqAgentApp) => root(el).querySelector('amoiq-agent-visitor')!.shadowRoot!;
  const wait = (predicate: () => unknown, message: string, timeout = 10_000) => waitUntil(predicate, message, { timeout });
  const ip = () => `10.${1 + Math.floor(Math.random() * 250)}.${Math.floor(Math.random() * 250)}.${1 + Math.floor(Math.random() * 250)}`;
  const live = (el: AmoiqAgentApp) =>
    wait(() => root(el).querySelector('.status')?.textContent === 'Live', 'console did not go live', 45_000);
  const mount = async () => {
    const { url } = await backend();
    return fixture<AmoiqAgentApp>(html`<amoiq-agent-app api-base=${url}></amoiq-agent-app>`);
  };

  async function logIn(stay: boolean) {
    const { agent } = await backend();
    const el = await mount();
    fillAgentLogin(root(el), agent, { stay });
    root(el).querySelector<HTMLButtonElement>('form button')!.click();
    await live(el);
    return el;
  }

  /** A visitor session from its own address (session limits are per address), with a context like the widget's. */
  async function visitorSession(visitorId = newId(), extra: Record<string, unknown> = {}): Promise<Session> {
    const { apiKey } = await backend();
    const [res] = await fromNode([{ path: '/api/chat/session', auth: apiKey, ip: ip(), body: { tenantId: 'demo', visitorId, ...extra } }]);
    expect(res.status, JSON.stringify(res.body)).to.equal(200);
    return res.body;
  }

  const items = (el: AmoiqAgentApp) => [...root(el).querySelectorAll<HTMLButtonElement>('li button')];
  const item = (el: AmoiqAgentApp, id: string) => root(el).querySelector<HTMLButtonElement>(`li button[data-id="${id}"]`);

  /** Types a search and waits for its answers. */
  async function search(el: AmoiqAgentApp, text: string, count: number) {
    const input = root(el).querySelector<HTMLInputElement>('#search')!;
    input.focus();
    input.value = text;
    input.dispatchEvent(new InputEvent('input', { bubbles: true, composed: true }));
    await wait(
      () => root(el).querySelector('ul[aria-label="Search results"]') && items(el).length === count,
      `search "${text}" did not show ${count}`,
    );
  }

  /** A key pressed with a modifier held (sendKeys' `press` takes one key). */
  async function chord(modifier: string, key: string) {
    await sendKeys({ down: modifier });
    try {
      await sendKeys({ press: key });
    } finally {
      await sendKeys({ up: modifier });
    }
  }

  const word = () =>
    `w${newId()
      .replace(/[^a-z0-9]/gi, '')
      .slice(0, 10)
      .toLowerCase()}`;

  it('stays logged in across a closed tab (localStorage), and Log out ends the token on the server', async function () {
    this.timeout(60_000);
    const first = await logIn(true);
    const stored = JSON.parse(localStorage.getItem(SESSION_KEY)!);
    expect(stored.agent.name).to.equal('Ada (demo agent)');
    expect(sessionStorage.getItem(SESSION_KEY)).to.equal(null);
    // Close the tab and open a new one: nothing of this tab's sessionStorage survives.
    fixtureCleanup();
    sessionStorage.clear();
    const again = await mount();
    expect(root(again).querySelector('form.login'), 'the new tab asks to log in').to.equal(null);
    await live(again);
    expect(first.isConnected).to.equal(false);

    root(again).querySelector<HTMLButtonElement>('.bar button:last-of-type')!.click();
    await wait(() => root(again).querySelector('form.login'), 'no login form after Log out');
    expect(localStorage.getItem(SESSION_KEY)).to.equal(null);
    // Ended on the server, not only forgotten here.
    await wait(async () => (await api('/api/agent/conversations', { auth: stored.token })).status === 401, 'token still accepted', 10_000);
    fixtureCleanup();
    expect(root(await mount()).querySelector('form.login'), 'a new tab after logout asks to log in').to.exist;
  });

  it('"Stay logged in" unticked keeps the session to this tab; a logout in another tab ends this one', async function () {
    this.timeout(60_000);
    await logIn(false);
    expect(localStorage.getItem(SESSION_KEY)).to.equal(null);
    expect(sessionStorage.getItem(SESSION_KEY)).to.be.a('string');
    fixtureCleanup();
    sessionStorage.clear();
    expect(root(await mount()).querySelector('form.login'), 'a new tab asks to log in').to.exist;
    fixtureCleanup();

    const el = await logIn(true);
    // Another tab logs out: it removes the stored session, and this tab hears of it.
    localStorage.removeItem(SESSION_KEY);
    window.dispatchEvent(new StorageEvent('storage', { key: SESSION_KEY, oldValue: 'x', newValue: null, storageArea: localStorage }));
    await wait(() => root(el).querySelector('form.login'), 'still logged in after a logout in another tab');
    expect(root(el).querySelector('.error')!.textContent).to.contain('another tab');
  });

  it('at 375 px shows the list or the conversation with a Back button, nothing overflows, titles stay on one line; axe clean', async function () {
    this.timeout(90_000);
    const marker = word();
    const session = await visitorSession();
    await postVisitor(session, `narrow ${marker}`);
    const contact = await api('/api/chat/contact', {
      auth: (await backend()).apiKey,
      session: session.token,
      body: {
        conversationId: session.conversationId,
        name: 'Maximilian Alexander Featherstonehaugh-Wolfeschlegel',
        email: 'max@example.com',
      },
    });
    expect(contact.status).to.be.lessThan(300);
    await setViewport({ width: 375, height: 740 });
    // As on the console's page (index.html): the app is the whole page.
    document.body.style.margin = '0';
    const el = await logIn(false);
    const nav = () => root(el).querySelector('nav')!;
    const main = () => root(el).querySelector('.main > main')! as HTMLElement;
    const back = () => root(el).querySelector<HTMLButtonElement>('.back')!;
    const fits = (e: Element) => e.scrollWidth <= e.clientWidth + 1;
    await search(el, marker, 1);
    const width = el.getBoundingClientRect().width;
    expect(width).to.be.closeTo(375, 1);
    expect(nav().getBoundingClientRect().width).to.be.closeTo(width, 1);
    expect(main().offsetParent, 'conversation shown beside the list').to.equal(null);
    expect(document.documentElement.scrollWidth).to.be.at.most(375);
    const row = item(el, session.conversationId)!.querySelector('.row')!;
    const title = row.querySelector('bdi')!;
    // One line, cut with an ellipsis, the badge and time beside it.
    expect(title.getBoundingClientRect().height).to.be.lessThan(30);
    expect(title.scrollWidth).to.be.greaterThan(title.clientWidth);
    expect(fits(row)).to.equal(true);
    await expectAccessible(el);

    item(el, session.conversationId)!.click();
    await wait(() => view(el).querySelector('.message'), 'conversation not shown');
    await wait(() => nav().offsetParent === null, 'list still shown');
    expect(main().getBoundingClientRect().width).to.be.closeTo(width, 1);
    expect(back().offsetParent).to.not.equal(null);
    expect(fits(root(el).querySelector('.bar')!)).to.equal(true);
    expect(fits(view(el).querySelector('.head')!)).to.equal(true);
    expect(document.documentElement.scrollWidth).to.be.at.most(375);
    await wait(() => deepActiveElement()?.tagName === 'H2', 'focus did not follow to the conversation');
    await expectAccessible(el);

    back().click();
    await wait(() => nav().offsetParent !== null && main().offsetParent === null, 'Back did not show the list');
    await wait(() => deepActiveElement() === item(el, session.conversationId), 'focus not back on the conversation in the list');
    // Esc goes back too.
    item(el, session.conversationId)!.click();
    await wait(() => nav().offsetParent === null, 'list still shown');
    await sendKeys({ press: 'Escape' });
    await wait(() => nav().offsetParent !== null, 'Esc did not go back to the list');
  });

  it('two conversations of one visitor have different titles (start and number)', async function () {
    this.timeout(60_000);
    const marker = word();
    const visitorId = newId();
    const first = await visitorSession(visitorId);
    await postVisitor(first, `first ${marker}`);
    const el = await logIn(false);
    const token = JSON.parse(sessionStorage.getItem(SESSION_KEY)!).token;
    expect((await api(`/api/agent/conversations/${first.conversationId}/close`, { auth: token, method: 'POST' })).status).to.equal(200);
    const second = await visitorSession(visitorId, { newConversation: true });
    await postVisitor(second, `second ${marker}`);
    await search(el, marker, 2);
    const [a, b] = [item(el, first.conversationId)!, item(el, second.conversationId)!];
    expect(a.querySelector('bdi')!.textContent).to.equal(b.querySelector('bdi')!.textContent); // the same visitor
    expect(a.querySelector('.sub')!.textContent).to.not.equal(b.querySelector('.sub')!.textContent);
    // "#" and the id's first four characters (ids are nanoids: '-' and '_' included).
    expect(a.querySelector('.sub')!.textContent).to.match(/^Started .+ · #/);
    expect(a.querySelector('.sub')!.textContent!.endsWith(` · #${first.conversationId.replace(/^c_/, '').slice(0, 4)}`)).to.equal(true);
    a.click();
    await wait(
      () =>
        view(el)
          .querySelector('h2')
          ?.textContent?.includes(`#${first.conversationId.slice(2, 6)}`),
      'header lacks the number',
    );
    const firstHeading = view(el).querySelector('h2')!.textContent;
    b.click();
    await wait(
      () =>
        view(el)
          .querySelector('h2')
          ?.textContent?.includes(`#${second.conversationId.slice(2, 6)}`),
      'header lacks the number',
    );
    expect(view(el).querySelector('h2')!.textContent).to.not.equal(firstHeading);
  });

  it('keyboard: j/k and Alt+↑/↓ move through the list, / searches, r replies, letters stay text in fields, Ctrl+Enter sends, ? lists the shortcuts', async function () {
    this.timeout(90_000);
    const marker = word();
    const sessions: Session[] = [];
    for (let i = 0; i < 3; i++) {
      const s = await visitorSession();
      await postVisitor(s, `keys ${i} ${marker}`);
      sessions.push(s);
    }
    const newestFirst = [...sessions].reverse().map((s) => s.conversationId);
    const el = await logIn(false);
    await sendKeys({ press: '/' });
    await wait(() => deepActiveElement()?.id === 'search', '/ did not focus the search');
    await sendKeys({ type: marker });
    await wait(() => items(el).length === 3 && root(el).querySelector('ul[aria-label="Search results"]'), 'search did not answer');
    expect(items(el).map((b) => b.dataset.id)).to.deep.equal(newestFirst);
    // In the search field, j is text.
    (deepActiveElement() as HTMLElement).blur();

    const current = () => root(el).querySelector<HTMLButtonElement>('li button[aria-current="true"]')?.dataset.id;
    await sendKeys({ press: 'j' });
    await wait(() => current() === newestFirst[0], 'j did not open the first');
    expect(deepActiveElement()).to.equal(item(el, newestFirst[0]));
    await sendKeys({ press: 'j' });
    await wait(() => current() === newestFirst[1], 'j did not open the next');
    await sendKeys({ press: 'k' });
    await wait(() => current() === newestFirst[0], 'k did not open the previous');

    await sendKeys({ press: 'r' });
    const textarea = () => view(el).querySelector('textarea')!;
    await wait(() => deepActiveElement() === textarea(), 'r did not focus the reply box');
    await sendKeys({ type: 'jk?/r' });
    expect(textarea().value, 'letters typed in the reply box are text').to.equal('jk?/r');
    expect(current()).to.equal(newestFirst[0]);
    await chord('Alt', 'ArrowDown');
    await wait(() => current() === newestFirst[1], 'Alt+↓ did not open the next from the reply box');
    await chord('Alt', 'ArrowUp');
    await wait(() => current() === newestFirst[0], 'Alt+↑ did not open the previous');

    textarea().value = '';
    textarea().focus();
    await sendKeys({ type: 'sent with ctrl enter' });
    await chord('Control', 'Enter');
    await wait(
      () => [...view(el).querySelectorAll('.message.agent .text')].some((t) => t.textContent === 'sent with ctrl enter'),
      'Ctrl+Enter did not send',
    );
    await wait(() => textarea().value === '', 'the reply box was not emptied after sending');
    // Esc leaves the reply box for the list.
    await sendKeys({ press: 'Escape' });
    await wait(() => deepActiveElement() === item(el, newestFirst[0]), 'Esc did not leave the reply box');

    await chord('Shift', 'Slash');
    const dialog = root(el).querySelector<HTMLDialogElement>('#shortcuts')!;
    await wait(() => dialog.open, '? did not open the shortcuts');
    expect(dialog.textContent).to.contain('Next conversation').and.contain('Search conversations').and.contain('Ctrl+Enter');
    await expectAccessible(el);
    // While it is open, shortcuts do nothing; Esc closes it.
    await sendKeys({ press: 'j' });
    expect(current()).to.equal(newestFirst[0]);
    await sendKeys({ press: 'Escape' });
    await wait(() => !dialog.open, 'Esc did not close the shortcuts');
  });

  it('shows where the visitor is (page, language, local time) and the previous conversations, which open on click', async function () {
    this.timeout(60_000);
    const marker = word();
    const visitorId = newId();
    const context = { pageUrl: 'https://shop.example/pricing?token=secret', timezone: 'Asia/Tokyo', locale: 'ja-JP' };
    const first = await visitorSession(visitorId, { context });
    await postVisitor(first, `earlier ${marker}`);
    const el = await logIn(false);
    const token = JSON.parse(sessionStorage.getItem(SESSION_KEY)!).token;
    expect((await api(`/api/agent/conversations/${first.conversationId}/close`, { auth: token, method: 'POST' })).status).to.equal(200);
    const second = await visitorSession(visitorId, {
      newConversation: true,
      context: { ...context, pageUrl: 'https://shop.example/checkout' },
    });
    await postVisitor(second, `now ${marker}`);
    await search(el, marker, 2);
    item(el, second.conversationId)!.click();
    await wait(() => visitorPanel(el).querySelector('.page'), 'no page in the visitor panel');
    const panel = visitorPanel(el);
    expect(panel.querySelector<HTMLAnchorElement>('.page')!.href).to.equal('https://shop.example/checkout');
    expect(panel.querySelector('.locale')!.textContent).to.contain('Japanese');
    const tokyo = new Intl.DateTimeFormat(undefined, { timeZone: 'Asia/Tokyo', hour: '2-digit', minute: '2-digit' }).format(Date.now());
    expect(panel.querySelector('.local-time')!.textContent).to.contain(tokyo.slice(0, 2)).and.contain('Asia/Tokyo');
    expect(panel.querySelector('details')!.open, 'details open on a wide screen').to.equal(true);
    const previous = [...panel.querySelectorAll<HTMLButtonElement>('.previous button')];
    expect(previous).to.have.length(1);
    expect(previous[0].textContent).to.contain('Closed').and.contain(`earlier ${marker}`);
    await expectAccessible(el);
    previous[0].click();
    await wait(
      () =>
        view(el)
          .querySelector('h2')
          ?.textContent?.includes(`#${first.conversationId.slice(2, 6)}`),
      'previous conversation not opened',
    );
    await wait(() => visitorPanel(el).querySelector('.previous button')?.textContent?.includes(`now ${marker}`), 'panel not reloaded');
  });

  it('searches names, e-mail addresses and message text on the server; Clear (or Esc) shows the inbox again', async function () {
    this.timeout(60_000);
    const marker = word();
    const byText = await visitorSession();
    await postVisitor(byText, `Where is my ${marker.toUpperCase()} order?`);
    const byName = await visitorSession();
    await postVisitor(byName, 'hello');
    const contact = await api('/api/chat/contact', {
      auth: (await backend()).apiKey,
      session: byName.token,
      body: { conversationId: byName.conversationId, name: `Grace ${marker}` },
    });
    expect(contact.status).to.be.lessThan(300);
    const el = await logIn(false);
    await search(el, marker, 2);
    expect(item(el, byText.conversationId)!.querySelector('.preview')!.textContent).to.contain(marker.toUpperCase());
    expect(item(el, byName.conversationId)!.querySelector('bdi')!.textContent).to.equal(`Grace ${marker}`);
    expect(root(el).querySelector('.search-status')!.textContent).to.contain('2 conversations found');
    expect(root(el).querySelector('.filters'), 'filters hidden while searching').to.equal(null);
    await expectAccessible(el);

    const input = root(el).querySelector<HTMLInputElement>('#search')!;
    input.focus();
    await sendKeys({ press: 'Escape' });
    await wait(() => !root(el).querySelector('ul[aria-label="Search results"]'), 'Esc did not leave the search');
    expect(input.value).to.equal('');
    expect(root(el).querySelector('.filters')).to.exist;
    // One character is not searched; the field says why.
    input.value = 'x';
    input.dispatchEvent(new InputEvent('input', { bubbles: true, composed: true }));
    await wait(() => root(el).querySelector('.search-status')!.textContent!.includes('at least 2'), 'no hint for a 1-character search');
  });
});
