import { ContextProvider } from '@lit/context';
import { expect, fixture, html, oneEvent } from '@open-wc/testing';
import { sendKeys } from '@web/test-runner-commands';
import '../../src/define.js';
import type { AmoiqMessageList } from '../../src/components/message-list/message-list.js';
import { chatServiceContext } from '../../src/context.js';
import de from '../../src/i18n/de.js';
import { localeContext, localized } from '../../src/i18n/localize.js';
import type { ChatMessage, ChatService, ChatState } from '../../src/services/chat-service.js';
import type { Sender } from '../../src/protocol/v1.js';
import { deepActiveElement, expectAccessible, until } from '../helpers/dom.js';
import { StubChatService } from '../helpers/state-stub.js';

const ADA: Sender = { type: 'agent', id: 'agent_1', name: 'Ada Lovelace' };
const BOB: Sender = { type: 'agent', id: 'agent_2', name: 'Bob' };
const BOT: Sender = { type: 'ai', name: 'Helper' };
const VISITOR: Sender = { type: 'visitor' };
const SYSTEM: Sender = { type: 'system' };

type Extra = Partial<ChatMessage> & { quickReplies?: string[]; at?: Date };

/** A local time `daysAgo` days before today, at hh:mm. */
function day(daysAgo: number, hours = 12, minutes = 0): Date {
  const now = new Date();
  return new Date(now.getFullYear(), now.getMonth(), now.getDate() - daysAgo, hours, minutes);
}

/** A stored message; by default from Ada, now. */
function msg(seq: number, over: Extra = {}): ChatMessage {
  const { at = new Date(), ...rest } = over;
  return { key: `m${seq}`, id: `m${seq}`, seq, sender: ADA, text: `message ${seq}`, createdAt: at.toISOString(), ...rest };
}

/** A visitor message in the outbox (or failed). */
function own(clientId: string, text: string, status: string, at = new Date()): ChatMessage {
  return { key: clientId, clientId, sender: VISITOR, text, createdAt: at.toISOString(), status: status as ChatMessage['status'] };
}

const many = (from: number, to: number, over: Extra = {}) => Array.from({ length: to - from + 1 }, (_, i) => msg(from + i, over));

/**
 * The part of ChatService the list uses (state, subscribe, loadOlder), driven by the test.
 * `older` is the history the server would page back through, oldest first.
 */
class StubService extends StubChatService {
  older: ChatMessage[] = [];
  loadOlderCalls = 0;
  /** When set, loadOlder waits for it before answering. */
  gate?: Promise<void>;

  override set(patch: Partial<ChatState>): void {
    super.set({ hasOlder: this.older.length > 0, ...patch });
  }

  override async loadOlder(limit = 50): Promise<number> {
    if (this.state.loadingOlder) return 0;
    this.loadOlderCalls++;
    this.set({ loadingOlder: true });
    await (this.gate ?? new Promise((r) => setTimeout(r, 10)));
    const page = this.older.splice(Math.max(0, this.older.length - limit));
    this.set({ messages: [...page, ...this.state.messages], loadingOlder: false });
    return page.length;
  }
}

/** Renders `<amoiq-message-list>` in a 360×400 box, fed by a stub service. */
async function list(
  messages: ChatMessage[] = [],
  options: { older?: ChatMessage[]; welcome?: string; lang?: string; dir?: string; l10n?: ReturnType<typeof localized> } = {},
): Promise<{ el: AmoiqMessageList; service: StubService }> {
  const service = new StubService();
  service.older = options.older ?? [];
  service.set({ messages });
  const host = await fixture<HTMLDivElement>(
    html`<div lang=${options.lang ?? 'en-US'} dir=${options.dir ?? 'ltr'} style="display:flex;flex-direction:column;width:360px;height:400px"></div>`,
  );
  new ContextProvider(host, { context: chatServiceContext, initialValue: service as unknown as ChatService });
  if (options.l10n) new ContextProvider(host, { context: localeContext, initialValue: options.l10n });
  const el = document.createElement('amoiq-message-list') as AmoiqMessageList;
  el.style.flex = '1';
  if (options.welcome) el.welcomeMessage = options.welcome;
  host.append(el);
  await settle(el);
  return { el, service };
}

async function frames(n = 2): Promise<void> {
  for (let i = 0; i < n; i++) await new Promise((r) => requestAnimationFrame(r));
}

/** Waits for the element and a few frames (scroll events, re-placing the window after measuring). */
async function settle(el: AmoiqMessageList): Promise<void> {
  await el.updateComplete;
  await frames(4);
  await el.updateComplete;
}

const $ = <T extends Element = HTMLElement>(el: AmoiqMessageList, selector: string) => el.shadowRoot!.querySelector<T>(selector);
const $$ = <T extends Element = HTMLElement>(el: AmoiqMessageList, selector: string) => [...el.shadowRoot!.querySelectorAll<T>(selector)];
const scroller = (el: AmoiqMessageList) => $(el, '.base')!;
const fromBottom = (el: AmoiqMessageList) => {
  const s = scroller(el);
  return s.scrollHeight - s.scrollTop - s.clientHeight;
};
const row = (el: AmoiqMessageList, key: string) => $(el, `[data-key="${key}"]`);
const texts = (el: AmoiqMessageList, selector: string) => $$(el, selector).map((e) => e.textContent!.trim());

async function scrollBy(el: AmoiqMessageList, top: number): Promise<void> {
  scroller(el).scrollTop += top;
  scroller(el).dispatchEvent(new Event('scroll'));
  await settle(el);
}

describe('<amoiq-message-list> rendering', () => {
  it('shows the welcome message first, then the messages', async () => {
    const { el } = await list([msg(1), msg(2)], { welcome: 'Hi there!' });
    expect(texts(el, '.bubble')).to.deep.equal(['Hi there!', 'message 1', 'message 2']);
    expect($(el, '[part~="base"]')!.getAttribute('role')).to.equal('feed');
  });

  it('groups consecutive messages by sender: name and avatar once per group', async () => {
    const { el } = await list([
      msg(1),
      msg(2),
      own('c1', 'me', 'sent'),
      msg(3, { sender: BOB }),
      msg(4, { sender: BOT }),
      msg(5, { sender: BOT }),
      msg(6),
    ]);
    expect(texts(el, '[part="sender"]')).to.deep.equal(['Ada Lovelace', 'Bob', 'Helper AI', 'Ada Lovelace']);
    const avatars = $$(el, '[part="avatar"]');
    expect(avatars.map((a) => a.textContent!.trim())).to.deep.equal(['AL', 'B', '', 'AL']);
    // The AI gets a distinct mark instead of initials; a name keeps its colour.
    expect(avatars[2].classList.contains('ai')).to.equal(true);
    expect(avatars[2].querySelector('svg')).to.exist;
    expect(getComputedStyle(avatars[0]).backgroundColor).to.equal(getComputedStyle(avatars[3]).backgroundColor);
    expect(getComputedStyle(avatars[0]).backgroundColor).to.not.equal(getComputedStyle(avatars[1]).backgroundColor);
    // Screen readers still hear who wrote each message of a group.
    expect(row(el, 'm2')!.textContent).to.contain('Ada Lovelace:');
    expect(row(el, 'c1')!.textContent).to.contain('You:');
  });

  it('separates days with Today, Yesterday or a localized date', async () => {
    const { el } = await list([msg(1, { at: day(3) }), msg(2, { at: day(1) }), msg(3, { at: day(1, 13) }), msg(4, { at: day(0) })]);
    const expected = new Intl.DateTimeFormat('en-US', {
      weekday: 'long',
      day: 'numeric',
      month: 'long',
      year: day(3).getFullYear() === new Date().getFullYear() ? undefined : 'numeric',
    }).format(day(3));
    expect(texts(el, '[part="date-separator"]')).to.deep.equal([expected, 'Yesterday', 'Today']);
  });

  it('formats dates and times in the locale of the closest lang', async () => {
    const at = day(0, 14, 5);
    const { el } = await list([msg(1, { at: day(1) }), msg(2, { at })], { lang: 'de-DE' });
    expect(texts(el, '[part="date-separator"]')).to.deep.equal(['Gestern', 'Heute']);
    expect(row(el, 'm2')!.querySelector('time')!.textContent).to.equal('14:05');
    expect(row(el, 'm2')!.querySelector('time')!.getAttribute('datetime')).to.equal(at.toISOString());
  });

  it('inside a localized chat, speaks the chat’s language, whatever the page says', async () => {
    const { el, service } = await list([msg(1, { at: day(1) }), own('c1', 'x', 'sent'), { ...own('c2', 'y', 'failed'), error: 'no' }], {
      lang: 'en-US',
      l10n: localized('de-DE', de),
    });
    expect(texts(el, '[part="date-separator"]')).to.deep.equal(['Gestern', 'Heute']);
    expect(texts(el, '.status')[0]).to.equal('Gesendet');
    expect($(el, '[part="retry-button"]')!.textContent).to.equal('Erneut senden');
    service.set({ loadingOlder: true });
    await settle(el);
    expect($(el, '[part="loading"]')!.textContent!.trim()).to.equal(de.loadingOlder);
  });

  it('renders system messages as centered notices', async () => {
    const { el } = await list([msg(1), msg(2, { sender: SYSTEM, text: 'Ada joined the conversation' }), msg(3)]);
    const notice = $(el, '[part="notice"]')!;
    expect(notice.textContent).to.contain('Ada joined the conversation');
    expect(getComputedStyle(notice).textAlign).to.equal('center');
    expect(notice.querySelector('[part="bubble"]')).to.equal(null);
    // The notice ends the group: Ada's next message shows her name again.
    expect(texts(el, '[part="sender"]')).to.deep.equal(['Ada Lovelace', 'Ada Lovelace']);
  });

  it('renders rich text as elements and raw HTML as text', async () => {
    const { el } = await list([
      msg(1, { text: '**bold** and `code` <img src=x onerror="window.pwned=1">' }),
      msg(2, { text: '[docs](https://example.com/docs) [bad](javascript:alert(1))\n- one\n- two' }),
    ]);
    const first = row(el, 'm1')!.querySelector('.bubble')!;
    expect(first.querySelector('strong')!.textContent).to.equal('bold');
    expect(first.querySelector('code')!.textContent).to.equal('code');
    expect(first.querySelector('img')).to.equal(null);
    expect(first.textContent).to.contain('<img src=x onerror="window.pwned=1">');
    const second = row(el, 'm2')!.querySelector('.bubble')!;
    const links = [...second.querySelectorAll('a')];
    expect(links).to.have.length(1);
    expect(links[0].href).to.equal('https://example.com/docs');
    expect(links[0].target).to.equal('_blank');
    expect(links[0].rel).to.equal('noopener noreferrer');
    expect(second.textContent).to.contain('[bad](javascript:alert(1))');
    expect([...second.querySelectorAll('li')].map((li) => li.textContent)).to.deep.equal(['one', 'two']);
    expect((window as { pwned?: number }).pwned).to.equal(undefined);
  });

  it('puts the visitor’s messages on the inline-end side, mirrored in RTL', async () => {
    for (const dir of ['ltr', 'rtl']) {
      const { el } = await list([msg(1), own('c1', 'mine', 'sent')], { dir });
      const mid = el.getBoundingClientRect().left + el.getBoundingClientRect().width / 2;
      const mine = row(el, 'c1')!.querySelector('.bubble')!.getBoundingClientRect();
      const theirs = row(el, 'm1')!.querySelector('.bubble')!.getBoundingClientRect();
      if (dir === 'ltr') expect([mine.left > mid, theirs.right < mid]).to.deep.equal([true, true]);
      else expect([mine.right < mid, theirs.left > mid]).to.deep.equal([true, true]);
    }
  });
});

describe('<amoiq-message-list> delivery status', () => {
  it('shows pending, sent, delivered and read on own messages only, and nothing for unknown states', async () => {
    const { el } = await list([
      msg(1),
      own('c1', 'a', 'sent'),
      own('c2', 'b', 'delivered'),
      own('c3', 'c', 'read'),
      own('c4', 'd', 'pending'),
      own('c5', 'e', 'teleported'),
    ]);
    // "Delivered" shows only under the newest own message (here it is older than a read one), but
    // screen readers still hear it on its message.
    expect(texts(el, '.status')).to.deep.equal(['Sent', 'Read', 'Sending…']);
    expect(row(el, 'c2')!.querySelector('.visually-hidden:last-child')!.textContent).to.equal(', Delivered');
    expect(row(el, 'c5')!.querySelector('.status')).to.equal(null);
    expect(row(el, 'm1')!.querySelector('.status')).to.equal(null);
  });

  it('shows "Read" under the newest read message and "Delivered" under the newest one only', async () => {
    const { el } = await list([
      own('c1', 'a', 'read'),
      own('c2', 'b', 'read'),
      msg(3),
      own('c3', 'c', 'read'),
      own('c4', 'd', 'delivered'),
    ]);
    expect(texts(el, '.status')).to.deep.equal(['Read', 'Delivered']);
    expect(row(el, 'c3')!.querySelector('.status')!.textContent).to.contain('Read');
    expect(row(el, 'c4')!.querySelector('.status')!.textContent).to.equal('Delivered');
    for (const key of ['c1', 'c2']) expect(row(el, key)!.textContent).to.contain(', Read');
  });

  it('a failed message has a keyboard-reachable Retry button that fires amoiq-retry', async () => {
    const failed = { ...own('c1', 'oops', 'failed'), error: 'Message text is too long' };
    const { el } = await list([msg(1), failed]);
    expect(row(el, 'c1')!.querySelector('.status')!.textContent).to.equal('Not sent');
    const retry = row(el, 'c1')!.querySelector<HTMLButtonElement>('[part="retry-button"]')!;
    expect(retry.textContent).to.equal('Retry');
    const box = retry.getBoundingClientRect();
    expect(box.width).to.be.at.least(24);
    expect(box.height).to.be.at.least(24);
    retry.focus();
    expect(deepActiveElement()).to.equal(retry);
    const fired = oneEvent(el, 'amoiq-retry');
    await sendKeys({ press: 'Enter' });
    expect((await fired).detail).to.deep.equal({ clientId: 'c1' });
  });
});

describe('<amoiq-message-list> scrolling', () => {
  it('starts at the bottom and follows new messages while the visitor is there', async () => {
    const { el, service } = await list(many(1, 60));
    expect(fromBottom(el)).to.be.below(2);
    expect(row(el, 'm60')).to.exist;
    service.append(msg(61));
    await settle(el);
    expect(row(el, 'm61')).to.exist;
    expect(fromBottom(el)).to.be.below(2);
    expect($(el, '[part="new-messages-pill"]')).to.equal(null);
  });

  it('keeps the position when scrolled up and counts new messages in a pill that jumps down', async () => {
    const { el, service } = await list(many(1, 60));
    await scrollBy(el, -600);
    const top = scroller(el).scrollTop;
    service.append(msg(61), msg(62));
    await settle(el);
    expect(scroller(el).scrollTop).to.equal(top);
    const pill = $<HTMLButtonElement>(el, '[part="new-messages-pill"]')!;
    expect(pill.textContent).to.contain('2 new messages');
    expect(pill.getBoundingClientRect().height).to.be.at.least(24);
    pill.click();
    await until(() => fromBottom(el) < 2 && !!row(el, 'm62'), 'the list at the newest message');
    await settle(el);
    expect($(el, '[part="new-messages-pill"]')).to.equal(null);
  });

  it('scrolls to the bottom when the visitor sends, even when scrolled up', async () => {
    const { el, service } = await list(many(1, 60));
    await scrollBy(el, -800);
    expect(fromBottom(el)).to.be.above(500);
    service.append(own('c1', 'my question', 'pending'));
    await until(() => fromBottom(el) < 2 && !!row(el, 'c1'), 'the own message in view');
  });

  it('loads older history near the top, with an indicator, keeping the visible messages in place', async () => {
    const { el, service } = await list(many(101, 140), { older: many(1, 100) });
    let release!: () => void;
    service.gate = new Promise((r) => (release = r));
    // Scroll to the top; the first visible message is the anchor.
    scroller(el).scrollTop = 0;
    scroller(el).dispatchEvent(new Event('scroll'));
    await settle(el);
    expect(service.loadOlderCalls).to.equal(1);
    expect($(el, '[part="loading"]')!.textContent).to.contain('Loading earlier messages');
    const anchor = row(el, 'm101')!;
    const offset = anchor.getBoundingClientRect().top - scroller(el).getBoundingClientRect().top;
    release();
    await until(() => !service.state.loadingOlder, 'the older page');
    expect(service.state.messages.length).to.equal(90);
    await settle(el);
    await settle(el);
    expect($(el, '[part="loading"]')).to.equal(null);
    const after = row(el, 'm101')!;
    expect(after, 'the anchor message is still rendered').to.exist;
    expect(Math.abs(after.getBoundingClientRect().top - scroller(el).getBoundingClientRect().top - offset)).to.be.below(2);
    // Scrolling up further loads the next page.
    service.gate = undefined;
    scroller(el).scrollTop = 0;
    scroller(el).dispatchEvent(new Event('scroll'));
    await until(() => service.state.messages.length === 140, 'the second older page');
    expect(service.loadOlderCalls).to.equal(2);
  });

  it('loads older history at once when the first page does not fill the list', async () => {
    const { service } = await list(many(99, 100), { older: many(1, 98) });
    await until(() => service.loadOlderCalls >= 1, 'a load without scrolling');
    expect(service.state.messages.length).to.be.above(2);
  });

  it('lays out when shown after being hidden (a closed panel), ending at the bottom', async () => {
    const { el, service } = await list([]);
    el.hidden = true;
    service.set({ messages: many(1, 60) });
    await settle(el);
    expect(scroller(el).clientHeight).to.equal(0);
    el.hidden = false;
    await until(() => !!row(el, 'm60') && fromBottom(el) < 2, 'the newest message in view');
  });

  it('at the bottom, stays there in the frame where the rows grow or the list shrinks (no frame with the newest pushed below)', async () => {
    const { el } = await list(many(1, 60));
    expect(fromBottom(el)).to.be.below(2);
    // Resize observations come after the list's (created first) and before paint: what is seen
    // there is what the frame shows. The list's own update waits for the next frame.
    const seen: number[] = [];
    const probe = new ResizeObserver(() => seen.push(fromBottom(el)));
    try {
      const rows = $$(el, '[data-msg]');
      probe.observe(rows[rows.length - 1]);
      await until(() => seen.length === 1, 'the first observation');
      // Every rendered row grows at once (a lazy part defined in each, as the read-aloud button).
      const style = document.createElement('style');
      style.textContent = '[data-msg] [part="bubble"] { padding-bottom: 24px; }';
      el.shadowRoot!.append(style);
      await until(() => seen.length === 2, 'the rows grown');
      expect(seen[1], 'px below the view in the frame the rows grew').to.be.below(2);
      // The list gets shorter (the input below it grew): still at the bottom in that frame.
      probe.observe(scroller(el));
      await until(() => seen.length === 3, 'the scroller observed');
      el.style.flex = '0 0 250px';
      await until(() => seen.length === 4, 'the list shorter');
      expect(seen[3], 'px below the view in the frame the list shrank').to.be.below(2);
    } finally {
      probe.disconnect();
    }
    await settle(el);
    expect(fromBottom(el)).to.be.below(2);
  });

  it('virtualizes: 10,000 messages keep a small DOM and show the newest', async () => {
    const { el, service } = await list(many(1, 10_000));
    expect(row(el, 'm10000')).to.exist;
    expect($$(el, '[data-key]').length).to.be.below(80);
    expect(el.shadowRoot!.querySelectorAll('*').length).to.be.below(1500);
    service.append(msg(10_001));
    await settle(el);
    expect(row(el, 'm10001')).to.exist;
    expect(fromBottom(el)).to.be.below(2);
  });
});

describe('<amoiq-message-list> announcements', () => {
  const announced = (el: AmoiqMessageList) => texts(el, '.announcer p');

  it('announces each new incoming message once, and neither history nor own messages', async () => {
    const { el, service } = await list(many(1, 3));
    expect($(el, '[role="feed"]')!.hasAttribute('aria-live')).to.equal(false); // a feed is not live
    expect($(el, '.announcer')!.getAttribute('aria-live')).to.equal('polite');
    expect(announced(el)).to.deep.equal([]);
    service.append(msg(4, { text: 'Hello!' }));
    await settle(el);
    service.append(own('c1', 'mine', 'pending'));
    await settle(el);
    service.set({ typing: ADA });
    await settle(el);
    service.append(msg(5, { text: 'Hello!', sender: BOT }));
    await settle(el);
    expect(announced(el)).to.deep.equal(['Ada Lovelace: Hello!', 'Helper: Hello!']);
  });
});

describe('<amoiq-message-list> quick replies', () => {
  const buttons = (el: AmoiqMessageList) => $$<HTMLButtonElement>(el, '[part="quick-reply"]');

  it('offers the quick replies of the newest agent message only, as keyboard buttons', async () => {
    const { el } = await list([
      msg(1, { quickReplies: ['Old'] }),
      own('c1', 'hi', 'sent'),
      msg(2, { sender: BOT, quickReplies: ['Yes, please', 'No thanks'] }),
    ]);
    expect(buttons(el).map((b) => b.textContent)).to.deep.equal(['Yes, please', 'No thanks']);
    expect(row(el, 'm2')!.querySelector('[part="quick-replies"]')).to.exist;
    for (const b of buttons(el)) expect(b.getBoundingClientRect().height).to.be.at.least(24);
    buttons(el)[0].focus();
    await sendKeys({ press: 'Tab' });
    expect(deepActiveElement()).to.equal(buttons(el)[1]);
    const fired = oneEvent(el, 'amoiq-quick-reply');
    await sendKeys({ press: 'Enter' });
    expect((await fired).detail).to.deep.equal({ text: 'No thanks' });
    await el.updateComplete;
    expect(buttons(el)).to.have.length(0);
  });

  it('hides them once the visitor has sent something after that message', async () => {
    const { el, service } = await list([msg(1, { quickReplies: ['A', 'B'] })]);
    expect(buttons(el)).to.have.length(2);
    service.append(msg(2, { sender: SYSTEM, text: 'Bob joined' }));
    await settle(el);
    expect(buttons(el), 'a notice does not hide them').to.have.length(2);
    service.append(own('c1', 'typed instead', 'pending'));
    await settle(el);
    expect(buttons(el)).to.have.length(0);
  });
});

describe('<amoiq-message-list> typing and accessibility', () => {
  it('shows who is typing with animated dots, still under reduced motion', async () => {
    const { el, service } = await list([msg(1)]);
    service.set({ typing: ADA });
    await settle(el);
    const typing = $(el, '[part="typing"]')!;
    expect(typing.textContent!.trim()).to.equal('Ada Lovelace is typing…');
    expect(typing.querySelectorAll('.dots span')).to.have.length(3);
    const dot = typing.querySelector('.dots span')!;
    const reduced = matchMedia('(prefers-reduced-motion: reduce)').matches;
    expect(getComputedStyle(dot).animationName).to.equal(reduced ? 'none' : 'amoiq-bounce');
    service.set({ typing: undefined });
    await settle(el);
    expect(typing.textContent!.trim()).to.equal('');
  });

  it('is accessible with history, typing, a failed message, quick replies and the pill', async () => {
    const { el, service } = await list(
      [
        msg(1, { at: day(1) }),
        msg(2, { sender: SYSTEM, text: 'Ada joined' }),
        own('c1', 'question with `code` and https://example.com', 'sent'),
        { ...own('c2', 'failed one', 'failed'), error: 'refused' },
        msg(3, { sender: BOT, quickReplies: ['Yes', 'No'] }),
      ],
      { welcome: 'Welcome!' },
    );
    await expectAccessible(el);
    service.set({ typing: ADA });
    await settle(el);
    await expectAccessible(el);
    service.set({ messages: [...service.state.messages.slice(0, 2), ...many(10, 60)] });
    await settle(el);
    await scrollBy(el, -800);
    service.append(msg(61));
    await settle(el);
    expect($(el, '[part="new-messages-pill"]')).to.exist;
    await expectAccessible(el);
  });
});

describe('<amoiq-message-list> appending', () => {
  it('keeps the DOM nodes of the rows already shown when a message is appended (stable keys, no rebuild)', async () => {
    const { el, service } = await list(many(1, 5));
    const before = [1, 2, 3, 4, 5].map((seq) => row(el, `m${seq}`));
    const bubbles = before.map((r) => r!.querySelector('.bubble'));
    service.append(msg(6));
    await settle(el);
    expect(row(el, 'm6'), 'the new row').to.exist;
    for (const [i, seq] of [1, 2, 3, 4, 5].entries()) {
      expect(row(el, `m${seq}`), `row m${seq}`).to.equal(before[i]);
      expect(row(el, `m${seq}`)!.querySelector('.bubble'), `bubble m${seq}`).to.equal(bubbles[i]);
    }
  });

  it('renders a burst of messages once per frame, not once per message', async () => {
    const { el, service } = await list(many(1, 5));
    let updates = 0;
    el.addController({ hostUpdated: () => void updates++ });
    // 50 states, each in a task of its own, as a burst of WebSocket frames hands them over.
    const task = () =>
      new Promise<void>((resolve) => {
        const channel = new MessageChannel();
        channel.port1.onmessage = () => resolve();
        channel.port2.postMessage(null);
      });
    const start = performance.now();
    for (let seq = 6; seq <= 55; seq++) {
      service.append(msg(seq));
      await task();
    }
    const took = performance.now() - start;
    await el.updateComplete;
    // One update per frame the burst spanned (and one to finish), however many states arrived.
    expect(updates, `updates for 50 states over ${took.toFixed(0)} ms`).to.be.at.most(Math.ceil(took / 16) + 2);
    expect(updates).to.be.below(25);
    await settle(el);
    expect(row(el, 'm55'), 'the newest is shown').to.exist;
    expect(fromBottom(el)).to.be.below(2);
  });
});
