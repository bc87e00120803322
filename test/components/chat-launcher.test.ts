import { expect, fixture, html, oneEvent } from '@open-wc/testing';
import { LitElement } from 'lit';
import { sendKeys } from '@web/test-runner-commands';
import { nanoid } from 'nanoid';
import '../../src/define.js';
import type { AmoiqChat } from '../../src/components/chat/chat.js';
import type { AmoiqChatInput } from '../../src/components/chat-input/chat-input.js';
import { AmoiqMessageEvent } from '../../src/events/message-event.js';
import { UnreadController } from '../../src/controllers/unread-controller.js';
import { expectAccessible, part, typeNewline, until } from '../helpers/dom.js';
import { FakeClock } from '../helpers/fakes.js';

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
  el.dispatchEvent(
    new AmoiqMessageEvent({ message: { key: nanoid(), sender, text: 'hi', createdAt: new Date().toISOString() }, direction }),
  );
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
    await expectAccessible(el);
    launcher(el).click();
    await el.updateComplete;
    expect(badge(el)).to.equal(null);
    expect(launcher(el).getAttribute('aria-label')).to.equal('Close chat');
    await receive(el); // seen: panel open, tab visible
    el.hide();
    await el.updateComplete;
    expect(badge(el)).to.equal(null);
    expect(launcher(el).getAttribute('aria-label')).to.equal('Open chat');
  });

  it('counts while the tab is hidden even with the panel open, and resets when the visitor returns', async () => {
    const el = await chat();
    el.show();
    await el.updateComplete;
    await setHidden(true);
    await receive(el);
    await receive(el);
    el.hide();
    await el.updateComplete;
    expect(badge(el)!.textContent).to.equal('2');
    el.show();
    await el.updateComplete;
    await setHidden(false);
    await el.updateComplete;
    el.hide();
    await el.updateComplete;
    expect(badge(el)).to.equal(null);
  });

  it('title-flash shows the unread count in the page title while the tab is hidden and restores it on return', async () => {
    const original = document.title;
    const el = await chat({ titleFlash: true });
    await receive(el); // visible tab: no flashing
    expect(document.title).to.equal(original);
    await setHidden(true);
    await receive(el);
    expect(document.title).to.equal('(2) New messages');
    await setHidden(false);
    expect(document.title).to.equal(original);
  });

  it('without title-flash the title never changes', async () => {
    const original = document.title;
    const el = await chat();
    await setHidden(true);
    await receive(el);
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
        const node = {
          gain: { setValueAtTime: () => undefined, exponentialRampToValueAtTime: () => undefined },
          connect: (n: unknown) => n,
        };
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
      // Its tab takes the connection (Web Lock): only the leader's transport runs, and fails to
      // reach the closed port.
      await until(() => el.connectionState === 'offline', 'the tab to lead');
      await receive(el);
      await receive(el);
      expect(tones).to.have.length(2);
      el.show();
      await el.updateComplete;
      await receive(el);
      expect(tones).to.have.length(2);

      // Two tabs of one visitor (same database) both get each message; only one plays the tone.
      tones.length = 0;
      const dbName = `amoiq-test-${nanoid(8)}`;
      const tab = () => fixture<AmoiqChat>(html`<amoiq-chat tenant-id="t" gateway-url=${OFFLINE} db-name=${dbName} sound></amoiq-chat>`);
      const first = await tab();
      await until(() => first.connectionState === 'offline', 'the first tab to take the Web Lock');
      const second = await tab();
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

/** The smallest host of an UnreadController: what <amoiq-chat> gives it. */
class UnreadTestHost extends LitElement {
  open = false;
  sound = false;
  titleFlash = true;
}
customElements.define('unread-test-host', UnreadTestHost);

describe('UnreadController title flashing (injected clock)', () => {
  let original: string;
  beforeEach(() => (original = document.title));
  afterEach(async () => {
    await setHidden(false);
    document.title = original;
  });

  async function host(titleFlash: boolean): Promise<{ el: UnreadTestHost; clock: FakeClock }> {
    const el = await fixture<UnreadTestHost>(html`<unread-test-host></unread-test-host>`);
    el.titleFlash = titleFlash;
    const clock = new FakeClock();
    new UnreadController(
      el,
      (n) => `(${n}) New`,
      () => true,
      clock,
    );
    return { el, clock };
  }
  const arrive = (el: UnreadTestHost) =>
    el.dispatchEvent(
      new AmoiqMessageEvent({
        message: { key: nanoid(), sender: { type: 'agent' }, text: 'hi', createdAt: new Date().toISOString() },
        direction: 'received',
      }),
    );

  it('alternates the count and the page title every second while hidden, and stops on return', async () => {
    const { el, clock } = await host(true);
    await setHidden(true);
    arrive(el);
    expect(document.title).to.equal('(1) New');
    await clock.advance(1_000);
    expect(document.title).to.equal(original);
    arrive(el);
    await clock.advance(1_000);
    expect(document.title).to.equal('(2) New');
    await clock.advance(1_000);
    expect(document.title).to.equal(original);
    await clock.advance(1_000);
    expect(document.title).to.equal('(2) New');
    await setHidden(false);
    expect(document.title).to.equal(original);
    expect(clock.timers.size, 'no timer left').to.equal(0);
    await clock.advance(5_000);
    expect(document.title).to.equal(original);
  });

  it('never touches the title without title-flash', async () => {
    const { el, clock } = await host(false);
    await setHidden(true);
    arrive(el);
    await clock.advance(5_000);
    expect(document.title).to.equal(original);
    expect(clock.scheduled).to.deep.equal([]);
  });

  it('stops flashing when the element leaves the page', async () => {
    const { el, clock } = await host(true);
    await setHidden(true);
    arrive(el);
    el.remove();
    expect(document.title).to.equal(original);
    expect(clock.timers.size).to.equal(0);
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
    ta(el).dispatchEvent(
      new KeyboardEvent('keydown', { key: 'Enter', isComposing: true, bubbles: true, composed: true, cancelable: true }),
    );
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
    await sendKeys({ type: 'x' });
    await el.updateComplete;
    expect(counter().textContent!.trim()).to.equal('0 characters left');
    expect(counter().classList.contains('limit')).to.equal(true);
    expect(live.textContent!.trim()).to.equal('0 characters left');
    await sendKeys({ type: 'yz' }); // past the limit: kept, and said (issue 15, bug 2)
    await el.updateComplete;
    expect(ta(el).value).to.have.length(22);
    expect(counter().textContent!.trim()).to.equal('2 characters too many');
    expect(live.textContent!.trim()).to.equal('This message is too long to send. Shorten it to send it.');
    await expectAccessible(el);
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
