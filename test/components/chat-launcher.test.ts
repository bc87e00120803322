import { expect, fixture, html, oneEvent } from '@open-wc/testing';
import { sendKeys } from '@web/test-runner-commands';
import { nanoid } from 'nanoid';
import '../../src/define.js';
import type { AmoiqChat } from '../../src/components/chat/chat.js';
import type { AmoiqChatInput } from '../../src/components/chat-input/chat-input.js';
import { AmoiqMessageEvent } from '../../src/events/message-event.js';
import { part, typeNewline } from '../helpers/dom.js';

const OFFLINE = 'http://127.0.0.1:9';

async function chat(attrs: { sound?: boolean; titleFlash?: boolean } = {}): Promise<AmoiqChat> {
  const el = await fixture<AmoiqChat>(html`<amoiq-chat
    tenant-id="t"
    gateway-url=${OFFLINE}
    db-name=${`amoiq-test-${nanoid(8)}`}
    ?sound=${attrs.sound}
    ?title-flash=${attrs.titleFlash}
  ></amoiq-chat>`);
  await el.updateComplete;
  return el;
}

async function receive(el: AmoiqChat, direction: 'received' | 'sent' = 'received'): Promise<void> {
  const sender = { type: direction === 'received' ? ('agent' as const) : ('visitor' as const) };
  el.dispatchEvent(new AmoiqMessageEvent({ message: { key: nanoid(), sender, text: 'hi', createdAt: new Date().toISOString() }, direction }));
  await el.updateComplete;
}

const launcher = (el: AmoiqChat) => part<HTMLButtonElement>(el, '.launcher');
const badge = (el: AmoiqChat) => el.shadowRoot!.querySelector<HTMLElement>('.badge');

/** Pretends the tab is hidden (or visible again) the way the browser reports it. */
async function setHidden(hidden: boolean): Promise<void> {
  if (hidden) Object.defineProperty(document, 'visibilityState', { configurable: true, get: () => 'hidden' });
  else delete (document as { visibilityState?: unknown }).visibilityState;
  document.dispatchEvent(new Event('visibilitychange'));
}

describe('<amoiq-chat> launcher and unread messages', () => {
  afterEach(() => setHidden(false));

  it('counts messages from the other side while closed: badge and accessible name; opening resets', async () => {
    const el = await chat();
    expect(badge(el)).to.equal(null);
    await receive(el);
    await receive(el, 'sent'); // the visitor's own messages never count
    expect(badge(el)!.textContent).to.equal('1');
    expect(launcher(el).getAttribute('aria-label')).to.equal('Open chat, 1 unread message');
    await receive(el);
    await receive(el);
    expect(badge(el)!.textContent).to.equal('3');
    expect(badge(el)!.getAttribute('aria-hidden')).to.equal('true');
    expect(badge(el)!.getBoundingClientRect().width).to.be.greaterThan(0);
    expect(launcher(el).getAttribute('aria-label')).to.equal('Open chat, 3 unread messages');
    await expect(el).to.be.accessible();
    launcher(el).click();
    await el.updateComplete;
    expect(badge(el)).to.equal(null);
    expect(launcher(el).getAttribute('aria-label')).to.equal('Close chat');
    await receive(el); // seen: panel open, tab visible
    el.close();
    await el.updateComplete;
    expect(badge(el)).to.equal(null);
    expect(launcher(el).getAttribute('aria-label')).to.equal('Open chat');
  });

  it('counts while the tab is hidden even with the panel open, and resets when the visitor returns', async () => {
    const el = await chat();
    el.open();
    await el.updateComplete;
    await setHidden(true);
    await receive(el);
    await receive(el);
    el.close();
    await el.updateComplete;
    expect(badge(el)!.textContent).to.equal('2');
    el.open();
    await el.updateComplete;
    await setHidden(false);
    await el.updateComplete;
    el.close();
    await el.updateComplete;
    expect(badge(el)).to.equal(null);
  });

  it('title-flash alternates the page title while the tab is hidden and restores it on return', async () => {
    const original = document.title;
    const el = await chat({ titleFlash: true });
    await receive(el); // visible tab: no flashing
    expect(document.title).to.equal(original);
    await setHidden(true);
    await receive(el);
    expect(document.title).to.equal('(2) New messages');
    const seen = new Set<string>();
    const end = Date.now() + 2_300;
    while (Date.now() < end) {
      seen.add(document.title);
      await new Promise((r) => setTimeout(r, 100));
    }
    expect([...seen].sort()).to.deep.equal([original, '(2) New messages'].sort());
    await setHidden(false);
    expect(document.title).to.equal(original);
    await new Promise((r) => setTimeout(r, 1_100));
    expect(document.title).to.equal(original);
  });

  it('without title-flash the title never changes', async () => {
    const original = document.title;
    const el = await chat();
    await setHidden(true);
    await receive(el);
    await new Promise((r) => setTimeout(r, 1_100));
    expect(document.title).to.equal(original);
  });

  it('sound plays one short tone per incoming message while closed, none while open, none without the attribute', async () => {
    const real = window.AudioContext;
    const tones: number[] = [];
    class FakeAudioContext {
      currentTime = 0;
      destination = {};
      createOscillator() {
        return { frequency: { value: 0 }, connect: (n: unknown) => n, start: () => tones.push(1), stop: () => undefined };
      }
      createGain() {
        const node = { gain: { setValueAtTime: () => undefined, exponentialRampToValueAtTime: () => undefined }, connect: (n: unknown) => n };
        return node;
      }
      resume() {
        return Promise.resolve();
      }
      close() {
        return Promise.resolve();
      }
    }
    (window as unknown as { AudioContext: unknown }).AudioContext = FakeAudioContext;
    try {
      const quiet = await chat();
      await receive(quiet);
      expect(tones).to.have.length(0);
      const el = await chat({ sound: true });
      await new Promise((r) => setTimeout(r, 300)); // its tab takes the connection (Web Lock)
      await receive(el);
      await receive(el);
      expect(tones).to.have.length(2);
      el.open();
      await el.updateComplete;
      await receive(el);
      expect(tones).to.have.length(2);

      // Two tabs of one visitor (same database) both get each message; only one plays the tone.
      tones.length = 0;
      const dbName = `amoiq-test-${nanoid(8)}`;
      const tab = () =>
        fixture<AmoiqChat>(html`<amoiq-chat tenant-id="t" gateway-url=${OFFLINE} db-name=${dbName} sound></amoiq-chat>`);
      const first = await tab();
      await new Promise((r) => setTimeout(r, 300)); // the first tab takes the Web Lock
      const second = await tab();
      await new Promise((r) => setTimeout(r, 300));
      await receive(first);
      await receive(second);
      expect(tones).to.have.length(1);
      expect(badge(first)!.textContent).to.equal('1');
      expect(badge(second)!.textContent).to.equal('1');
    } finally {
      window.AudioContext = real;
    }
  });
});

describe('<amoiq-chat-input>', () => {
  async function input(maxLength?: number): Promise<AmoiqChatInput> {
    const el = await fixture<AmoiqChatInput>(html`<amoiq-chat-input max-length=${maxLength ?? 4000}></amoiq-chat-input>`);
    return el;
  }
  const ta = (el: AmoiqChatInput) => el.shadowRoot!.querySelector('textarea')!;

  it('never sends while an IME composition is under way', async () => {
    const el = await input();
    ta(el).focus();
    await sendKeys({ type: 'にほんご' });
    let sent = 0;
    el.addEventListener('amoiq-input-submit', () => sent++);
    ta(el).dispatchEvent(new KeyboardEvent('keydown', { key: 'Enter', isComposing: true, bubbles: true, composed: true, cancelable: true }));
    ta(el).dispatchEvent(new KeyboardEvent('keydown', { key: 'Enter', keyCode: 229, bubbles: true, composed: true, cancelable: true }));
    await el.updateComplete;
    expect(sent).to.equal(0);
    expect(ta(el).value).to.equal('にほんご');
    const submitted = oneEvent(el, 'amoiq-input-submit');
    await sendKeys({ press: 'Enter' });
    expect((await submitted).detail.text).to.equal('にほんご');
  });

  it('shows a counter in the last 10% of the length limit and announces it politely, once', async () => {
    const el = await input(20);
    ta(el).focus();
    await sendKeys({ type: 'x'.repeat(17) });
    await el.updateComplete;
    expect(el.shadowRoot!.querySelector('.counter')).to.equal(null);
    const live = el.shadowRoot!.querySelector('[aria-live="polite"]')!;
    expect(live.textContent!.trim()).to.equal('');
    await sendKeys({ type: 'x' });
    await el.updateComplete;
    const counter = () => el.shadowRoot!.querySelector<HTMLElement>('[part="counter"]')!;
    expect(counter().textContent!.trim()).to.equal('2 characters left');
    expect(ta(el).getAttribute('aria-describedby')).to.equal('counter');
    expect(live.textContent!.trim()).to.equal('2 characters left');
    await sendKeys({ type: 'x' });
    await el.updateComplete;
    expect(counter().textContent!.trim()).to.equal('1 character left');
    expect(live.textContent!.trim()).to.equal('2 characters left'); // not re-announced per keystroke
    await sendKeys({ type: 'xyz' }); // maxlength stops at 20
    await el.updateComplete;
    expect(ta(el).value).to.have.length(20);
    expect(counter().textContent!.trim()).to.equal('0 characters left');
    expect(counter().classList.contains('limit')).to.equal(true);
    expect(live.textContent!.trim()).to.equal('0 characters left');
    await expect(el).to.be.accessible();
  });

  it('grows with its content up to a limit', async () => {
    const el = await input();
    const before = ta(el).getBoundingClientRect().height;
    ta(el).focus();
    await sendKeys({ type: 'one' });
    for (let i = 0; i < 3; i++) {
      await typeNewline();
      await sendKeys({ type: 'more' });
    }
    const grown = ta(el).getBoundingClientRect().height;
    expect(grown).to.be.greaterThan(before * 2);
    for (let i = 0; i < 10; i++) {
      await typeNewline();
    }
    expect(ta(el).getBoundingClientRect().height).to.be.at.most(16 * 8 + 1);
    expect(parseFloat(getComputedStyle(ta(el)).fontSize)).to.be.at.least(16);
  });

  it('grows by script where CSS field-sizing is not supported', async () => {
    const supports = CSS.supports;
    const real = supports.bind(CSS) as (property: string, value: string) => boolean;
    CSS.supports = ((property: string, value: string) => property !== 'field-sizing' && real(property, value)) as typeof CSS.supports;
    try {
      const el = await input();
      ta(el).style.setProperty('field-sizing', 'fixed'); // what such a browser does
      const before = ta(el).getBoundingClientRect().height;
      ta(el).focus();
      await sendKeys({ type: 'one' });
      for (let i = 0; i < 3; i++) {
        await typeNewline();
        await sendKeys({ type: 'more' });
      }
      expect(ta(el).style.height).to.match(/px$/);
      expect(ta(el).getBoundingClientRect().height).to.be.greaterThan(before * 2);
      await sendKeys({ press: 'Enter' }); // sent: back to one line
      expect(ta(el).getBoundingClientRect().height).to.be.lessThan(before + 4);
    } finally {
      CSS.supports = supports;
    }
  });
});
