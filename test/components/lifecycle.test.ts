import { ContextProvider } from '@lit/context';
import { expect, fixture, html, oneEvent } from '@open-wc/testing';
import { executeServerCommand, sendKeys } from '@web/test-runner-commands';
import { nanoid } from 'nanoid';
import '../../src/define.js';
import type { AmoiqChat } from '../../src/components/chat/chat.js';
import type { AmoiqMessageList } from '../../src/components/message-list/message-list.js';
import { chatServiceContext } from '../../src/context.js';
import { noticeText } from '../../src/components/message-list/rows.js';
import type { ChatMessage, ChatService, ChatState, ContactDetails } from '../../src/services/chat-service.js';
import { captureWarnings, deepActiveElement, expectAccessible, part, until } from '../helpers/dom.js';

// The closed-conversation bar, the away banner, localized notices and read receipts as the
// visitor sees them. The element's own service runs offline (nothing listens on port 9); the
// tests put it in the state the server would have sent, and stand in for its network calls.

const OFFLINE = 'http://127.0.0.1:9';

async function chat(attrs: { lang?: string; awayMessage?: string } = {}): Promise<AmoiqChat> {
  const el = await fixture<AmoiqChat>(html`<amoiq-chat
    tenant-id="t"
    gateway-url=${OFFLINE}
    db-name=${`amoiq-lifecycle-${nanoid(8)}`}
    lang=${attrs.lang ?? 'en'}
    away-message=${attrs.awayMessage ?? ''}
  ></amoiq-chat>`);
  await el.updateComplete;
  return el;
}

/** The element's ChatService. */
const serviceOf = (el: AmoiqChat) => (el as unknown as { chat: { service: ChatService } }).chat.service;

/** Puts the service in a state the server would have caused, and re-renders. */
async function setState(el: AmoiqChat, patch: Partial<ChatState>): Promise<void> {
  const service = serviceOf(el);
  service.state = { ...service.state, ...patch };
  (service as unknown as { publish(): void }).publish();
  await el.updateComplete;
}

const has = (el: AmoiqChat, selector: string) => el.shadowRoot!.querySelector(selector) !== null;

describe('<amoiq-chat> closed conversation', () => {
  it('replaces the message box with a note and a "Start a new conversation" button that works from the keyboard', async () => {
    const el = await chat();
    el.show();
    await setState(el, { conversationStatus: 'closed' });
    expect(has(el, 'amoiq-chat-input')).to.equal(false);
    const closed = part(el, 'amoiq-conversation-closed');
    expect(closed.shadowRoot!.textContent).to.contain('This conversation has ended.');
    const button = part<HTMLButtonElement>(el, 'amoiq-conversation-closed', 'button');
    expect(button.textContent!.trim()).to.equal('Start a new conversation');
    await expectAccessible(el);

    const service = serviceOf(el);
    let calls = 0;
    // Stands in for the session call: the service switches and reports it, as the real one does.
    service.startNewConversation = async () => {
      calls++;
      service.state = { ...service.state, conversationStatus: 'open', conversationId: 'c2' };
      (service as unknown as { publish(): void }).publish();
      (service as unknown as { emit(e: unknown): void }).emit({ type: 'new-conversation', conversationId: 'c2' });
    };
    const started = oneEvent(el, 'amoiq-new-conversation');
    button.focus();
    await sendKeys({ press: 'Enter' });
    const event = await started;
    expect(calls).to.equal(1);
    expect(event.detail.conversationId).to.equal('c2');
    await until(() => has(el, 'amoiq-chat-input'), 'message box back');
    await until(() => deepActiveElement()?.tagName === 'TEXTAREA', 'focus in the message box');
  });

  it('the note and button are localized', async () => {
    const el = await chat({ lang: 'de' });
    el.show();
    await setState(el, { conversationStatus: 'closed' });
    await until(() => part(el, 'amoiq-conversation-closed').shadowRoot!.textContent!.includes('Neues Gespräch beginnen'), 'German button');
  });
});

describe('<amoiq-chat> away banner', () => {
  it('shows only while no agent is online, with the default, the tenant’s or the attribute’s text', async () => {
    const el = await chat();
    el.show();
    await setState(el, { agentsOnline: true });
    expect(has(el, 'amoiq-away-banner')).to.equal(false);
    await setState(el, { agentsOnline: false });
    const text = () => part(el, 'amoiq-away-banner').shadowRoot!.querySelector('[part="message"]')!.textContent;
    await until(() => text() === "We're away right now. Leave a message and we'll get back to you.", 'default text');
    await setState(el, { remoteConfig: { awayMessage: 'Back at 9.' } });
    await until(() => text() === 'Back at 9.', 'tenant text');
    el.awayMessage = 'Out for lunch.';
    await el.updateComplete;
    await until(() => text() === 'Out for lunch.', 'attribute text');
    // Messages can still be written.
    expect(has(el, 'amoiq-chat-input')).to.equal(true);
    await expectAccessible(el);
  });

  it('checks the e-mail, explains a wrong one, then stores it and says where the reply goes', async () => {
    const el = await chat();
    el.show();
    await setState(el, { agentsOnline: false });
    const service = serviceOf(el);
    const sent: ContactDetails[] = [];
    service.submitContact = async (details, source = 'pre-chat') => {
      sent.push(details);
      service.state = { ...service.state, contact: { ...details } };
      (service as unknown as { publish(): void }).publish();
      service.state = { ...service.state, contact: { ...details } };
      (service as unknown as { emit(e: unknown): void }).emit({ type: 'contact', contact: details, source });
    };
    const banner = part(el, 'amoiq-away-banner');
    const input = banner.shadowRoot!.querySelector<HTMLInputElement>('input')!;
    expect(banner.shadowRoot!.querySelector(`label[for="${input.id}"]`)!.textContent).to.equal('Your e-mail, so we can reply');
    input.focus();
    await sendKeys({ type: 'ada@nowhere' });
    await sendKeys({ press: 'Enter' });
    await until(() => input.getAttribute('aria-invalid') === 'true', 'invalid');
    const error = banner.shadowRoot!.getElementById(input.getAttribute('aria-describedby')!)!;
    expect(error.textContent).to.equal('Enter an e-mail address like name@example.com.');
    expect(sent).to.deep.equal([]);
    expect(deepActiveElement()).to.equal(input);
    await expectAccessible(el);

    await sendKeys({ type: '.org' });
    const stored = oneEvent(el, 'amoiq-contact');
    await sendKeys({ press: 'Enter' });
    expect((await stored).detail).to.deep.equal({ contact: { email: 'ada@nowhere.org' }, source: 'away' });
    expect(sent).to.deep.equal([{ email: 'ada@nowhere.org' }]);
    await until(() => banner.shadowRoot!.textContent!.includes("We'll reply to ada@nowhere.org."), 'confirmation');
    expect(banner.shadowRoot!.querySelector('input'), 'not asked again').to.equal(null);
    await expectAccessible(el);
  });

  it('says so visibly when the server refuses the address', async () => {
    const el = await chat();
    el.show();
    await setState(el, { agentsOnline: false });
    serviceOf(el).submitContact = async () => {
      throw new Error('400 bad_request');
    };
    const banner = part(el, 'amoiq-away-banner');
    const input = banner.shadowRoot!.querySelector<HTMLInputElement>('input')!;
    input.focus();
    await sendKeys({ type: 'ada@example.com' });
    const warnings = await captureWarnings(async () => {
      await sendKeys({ press: 'Enter' });
      await until(() => banner.shadowRoot!.textContent!.includes('Your details could not be saved. Try again.'), 'error');
    });
    // One warning for the refusal (the offline fixture may warn about its session meanwhile).
    expect(warnings.filter((w) => !w.includes('chat session'))).to.have.length(1);
  });
});

/** Resolves after `n` animation frames. */
async function nextFrames(n: number): Promise<void> {
  for (let i = 0; i < n; i++) await new Promise((r) => requestAnimationFrame(r));
}

describe('<amoiq-chat> read receipts', () => {
  it('reports read only while the panel is open and the page visible', async () => {
    const el = await chat();
    const service = serviceOf(el);
    let calls = 0;
    service.markRead = () => void calls++;
    await setState(el, { agentsOnline: true });
    expect(calls, 'panel closed').to.equal(0);
    el.show();
    await el.updateComplete;
    await setState(el, { agentsOnline: false });
    // Read marks are checked once per frame after an update (ReadController).
    await until(() => calls > 0, 'a read report with the panel open and the page visible');

    const before = calls;
    const visibility = Object.getOwnPropertyDescriptor(Document.prototype, 'visibilityState')!;
    Object.defineProperty(document, 'visibilityState', { configurable: true, get: () => 'hidden' });
    try {
      await setState(el, { agentsOnline: true });
      await nextFrames(2); // past the frame in which a read report would go out
      expect(calls, 'page hidden').to.equal(before);
    } finally {
      delete (document as unknown as Record<string, unknown>).visibilityState;
      Object.defineProperty(Document.prototype, 'visibilityState', visibility);
    }
    document.dispatchEvent(new Event('visibilitychange'));
    // Visible again: reported (ChatService.markRead sends a read mark only when there is news).
    await until(() => calls > before, 'a read report when the page is visible again');
  });
});

describe('<amoiq-message-list> lifecycle notices and read status', () => {
  async function list(messages: ChatMessage[], lang = 'en'): Promise<AmoiqMessageList> {
    const state = {
      connection: 'online',
      messages,
      remoteConfig: {},
      hasOlder: false,
      loadingOlder: false,
      conversationStatus: 'open',
    } as ChatState;
    const service = { state, subscribe: () => () => undefined, loadOlder: async () => 0 } as unknown as ChatService;
    const host = await fixture<HTMLElement>(html`<div lang=${lang} style="block-size: 400px; inline-size: 360px; display: flex"></div>`);
    new ContextProvider(host, { context: chatServiceContext, initialValue: service });
    const el = document.createElement('amoiq-message-list');
    el.style.flex = '1';
    host.append(el);
    await el.updateComplete;
    return el;
  }
  const at = new Date().toISOString();
  const notice = (seq: number, event: ChatMessage['event'], name?: string): ChatMessage => ({
    key: `m${seq}`,
    id: `m${seq}`,
    seq,
    sender: { type: 'system', ...(name ? { name } : {}) },
    text: `English fallback ${seq}`,
    createdAt: at,
    event,
  });

  it('shows closed, reopened and joined notices in the visitor’s language, naming the agent when known', async () => {
    const el = await list([
      notice(1, 'joined', 'Ada'),
      notice(2, 'closed', 'Ada'),
      notice(3, 'reopened'),
      { ...notice(4, undefined), text: 'Plain notice' },
    ]);
    await until(() => el.shadowRoot!.querySelectorAll('[part="notice"]').length === 4, 'notices');
    expect([...el.shadowRoot!.querySelectorAll('[part="notice"] span[dir]')].map((s) => s.textContent)).to.deep.equal([
      'Ada joined the conversation.',
      'Ada closed the conversation.',
      'The conversation was reopened.',
      'Plain notice',
    ]);
    const t = (await import('../../src/i18n/fr.js')).default;
    expect(noticeText(notice(2, 'closed', 'Ada'), t)).to.equal('Ada a clos la conversation.');
    expect(noticeText(notice(1, 'joined'), t)).to.equal('Un conseiller a rejoint la conversation.');
  });

  it('marks the visitor’s read messages with a distinct, labelled status', async () => {
    const mine = (seq: number, status: ChatMessage['status']): ChatMessage => ({
      key: `k${seq}`,
      id: `m${seq}`,
      seq,
      clientId: `k${seq}`,
      sender: { type: 'visitor' },
      text: `mine ${seq}`,
      createdAt: at,
      status,
    });
    const el = await list([mine(1, 'read'), mine(2, 'delivered')]);
    await until(() => el.shadowRoot!.querySelectorAll('.status').length === 2, 'statuses');
    const [read, delivered] = el.shadowRoot!.querySelectorAll('.status');
    expect(read.textContent!.trim()).to.equal('Read');
    expect(read.classList.contains('read')).to.equal(true);
    expect(read.querySelector('svg')!.getAttribute('aria-hidden')).to.equal('true');
    expect(delivered.textContent!.trim()).to.equal('Delivered');
    await expectAccessible(el);
  });
});

describe('lifecycle parts: targets and forced colors', () => {
  const forcedColors = (active: boolean) => executeServerCommand('a11y-forced-colors', { active });
  afterEach(() => forcedColors(false));

  /** A widget showing the away banner, one the pre-chat form, and one the closed bar. */
  async function both(): Promise<HTMLElement[]> {
    const away = await chat();
    away.show();
    await setState(away, { agentsOnline: false });
    const preChat = await chat();
    preChat.setAttribute('pre-chat-fields', 'name,email*');
    preChat.show();
    const closed = await chat();
    closed.show();
    await setState(closed, { conversationStatus: 'closed' });
    await until(() => !!preChat.shadowRoot!.querySelector('amoiq-pre-chat-form')?.shadowRoot?.querySelector('button'), 'the form');
    await until(() => !!away.shadowRoot!.querySelector('amoiq-away-banner')?.shadowRoot?.querySelector('button'), 'the banner');
    return [part(away, 'amoiq-away-banner'), part(preChat, 'amoiq-pre-chat-form'), part(closed, 'amoiq-conversation-closed')].flatMap(
      (p) => [...p.shadowRoot!.querySelectorAll<HTMLElement>('button, input')],
    );
  }

  it('while the pre-chat form shows, the away banner does not ask for an e-mail too', async () => {
    const el = await chat();
    el.setAttribute('pre-chat-fields', 'name,email*');
    el.show();
    await setState(el, { agentsOnline: false });
    await until(() => !!el.shadowRoot!.querySelector('amoiq-pre-chat-form')?.shadowRoot?.querySelector('button'), 'the form');
    const banner = part(el, 'amoiq-away-banner');
    await (banner as HTMLElement & { updateComplete: Promise<unknown> }).updateComplete;
    expect(banner.shadowRoot!.querySelector('[part="message"]')).to.not.equal(null);
    expect(banner.shadowRoot!.querySelector('input')).to.equal(null);
  });

  it('every button and field is at least 24×24 px', async () => {
    const controls = await both();
    expect(controls.length).to.equal(7); // away: e-mail, send, dismiss; pre-chat: 2 fields, start; closed: new conversation
    for (const c of controls) {
      const r = c.getBoundingClientRect();
      expect(r.width, c.outerHTML).to.be.at.least(24);
      expect(r.height, c.outerHTML).to.be.at.least(24);
    }
  });

  it('in forced-colors mode every button and field keeps a visible border', async () => {
    const controls = await both();
    await forcedColors(true);
    expect(matchMedia('(forced-colors: active)').matches).to.equal(true);
    for (const c of controls) {
      const s = getComputedStyle(c);
      expect(s.borderTopStyle, c.outerHTML).to.equal('solid');
      expect(parseFloat(s.borderTopWidth), c.outerHTML).to.be.at.least(1);
    }
  });
});
