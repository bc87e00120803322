import { expect } from '@open-wc/testing';
import { setViewport } from '@web/test-runner-commands';
import { nanoid } from 'nanoid';
import { fixture, html } from '@open-wc/testing';
import '../../src/define.js';
import { AmoiqAssistantBanner } from '../../src/components/assistant-banner/assistant-banner.js';
import { remainingWaitMinutes } from '../../src/components/assistant-banner/queue-wait.js';
import type { AmoiqChat } from '../../src/components/chat/chat.js';
import type { Handoff } from '../../src/protocol/assistant.js';
import type { Sender } from '../../src/protocol/v1.js';
import { ChatStore } from '../../src/services/store.js';
import { SESSION } from '../helpers/fakes.js';
import { OFFLINE, listRoot, offlineChat, restore, serviceOf, setState, until } from '../a11y/helpers.js';
import { part } from '../helpers/dom.js';

// The assistant's parts as a visitor meets them in the product: the greeting, the banners' place
// in the panel, the feedback buttons (icons, which messages get them, remembered across a
// reload), the transcript e-mail's outcomes, the queue's wait counting down, and the closed bar
// in a small panel.

const ROBIN = { name: 'Robin', greeting: "Hi! I'm Robin, the virtual assistant of Demo Store." };
const robin: Sender = { type: 'ai', id: 'assistant', name: 'Robin' };
const queued = (over: Partial<Handoff> = {}): Handoff => ({
  state: 'queued',
  position: 1,
  estimatedWaitSeconds: 60,
  agentsOnline: true,
  withinHours: true,
  requestedBy: 'visitor',
  ...over,
});
const banner = (el: AmoiqChat) => el.shadowRoot!.querySelector('amoiq-assistant-banner')?.shadowRoot;

describe('the assistant greeting', () => {
  it('shows the greeting as the assistant’s first words: named, labelled AI, after the welcome, not a message, not announced', async () => {
    const el = await offlineChat({ open: true });
    el.welcomeMessage = 'Welcome to Demo Store.';
    await setState(el, { assistant: ROBIN });
    const greeting = () => listRoot(el).querySelector<HTMLElement>('[part~="assistant-greeting"]');
    await until(() => !!greeting(), 'the greeting');
    const row = greeting()!.closest<HTMLElement>('[role="article"]')!;
    expect(row.getAttribute('aria-posinset')).to.equal('2');
    expect(row.previousElementSibling?.textContent).to.contain('Welcome to Demo Store.');
    expect(greeting()!.querySelector('[part="bubble"]')!.textContent!.trim()).to.equal(ROBIN.greeting);
    expect(greeting()!.querySelector('[part="sender"]')!.textContent).to.match(/^Robin\s+AI$/);
    expect(!!greeting()!.querySelector('[part~="avatar"]')).to.equal(true);
    expect(serviceOf(el).state.messages).to.have.length(0);
    // An answer arrives: the greeting stays first; only the answer is announced.
    restore(el, [{ id: 'm1', seq: 1, sender: robin, text: 'Delivery takes 2–4 days.', streamId: 's1' }]);
    await until(() => !!listRoot(el).querySelector('[data-key="m1"]'), 'the answer');
    expect(!!greeting()).to.equal(true);
    const live = [...listRoot(el).querySelectorAll('[aria-live]')].map((r) => r.textContent).join(' ');
    expect(live).to.not.contain('virtual assistant');
  });

  it('without an assistant there is no greeting', async () => {
    const el = await offlineChat({ open: true });
    await setState(el, { assistant: { name: 'Robin', greeting: '' } });
    await el.updateComplete;
    expect(!!listRoot(el).querySelector('[part~="assistant-greeting"]')).to.equal(false);
  });
});

describe('the banners above the conversation', () => {
  beforeEach(() => setViewport({ width: 1000, height: 800 }));
  afterEach(() => setViewport({ width: 800, height: 600 }));

  /** The panel's parts top to bottom (as laid out in the panel, scrolled or not), each below the one before, none overlapping. */
  function expectStacked(el: AmoiqChat, selectors: string[]): void {
    const rects = selectors.map((s) => ({ s, r: part(el, s).getBoundingClientRect() }));
    for (let i = 1; i < rects.length; i++) {
      expect(rects[i].r.top, `${rects[i].s} below ${rects[i - 1].s}`).to.be.at.least(rects[i - 1].r.bottom - 1);
    }
  }

  const status = (el: AmoiqChat) =>
    el.shadowRoot!.querySelector('amoiq-chat-header')!.shadowRoot!.querySelector('[part="status"]')!.textContent!.trim();

  it('while the assistant answers and nobody is online: the header says the assistant answers, its banner that the team is away, no away banner until a person is asked for', async () => {
    const el = await offlineChat({ open: true });
    await setState(el, { connection: 'online', agentsOnline: false, assistant: ROBIN });
    await until(() => !!banner(el)?.querySelector('button'), 'the assistant banner');
    await el.updateComplete;
    expect(status(el)).to.equal('Robin (AI) answers right away');
    expect(banner(el)!.querySelector('[part="team-away"]')?.textContent).to.contain('Our team is away right now');
    expect(!!el.shadowRoot!.querySelector('amoiq-away-banner')).to.equal(false);
    // Asked for a person: the away banner (with its e-mail field) and the header's "Away" come.
    await setState(el, { handoff: queued({ agentsOnline: false, estimatedWaitSeconds: null }) });
    await until(
      () => !!el.shadowRoot!.querySelector('amoiq-away-banner')?.shadowRoot?.querySelector('input[type="email"]'),
      'the away banner',
    );
    await until(() => status(el) === "Away – we'll reply later", 'the header to say away');
    expect(!!banner(el)!.querySelector('[part="team-away"]')).to.equal(false);
    // Agents come back while it is with the assistant again: no team-away line.
    await setState(el, { handoff: { state: 'assistant', agentsOnline: true, withinHours: true }, agentsOnline: true });
    await until(
      () => !el.shadowRoot!.querySelector('amoiq-away-banner') && status(el) === 'Robin (AI) answers right away',
      'back with the assistant',
    );
    expect(!!banner(el)!.querySelector('[part="team-away"]')).to.equal(false);
  });

  it('away banner and assistant banner both sit above the list, the message box at the bottom, the list keeps its room', async () => {
    const el = await offlineChat({ open: true });
    await setState(el, { agentsOnline: false, assistant: ROBIN, handoff: queued({ agentsOnline: false }) });
    await until(
      () => !!banner(el)?.querySelector('[part="message"]') && !!el.shadowRoot!.querySelector('amoiq-away-banner')?.shadowRoot,
      'both banners',
    );
    await el.updateComplete;
    expectStacked(el, ['amoiq-chat-header', 'amoiq-away-banner', 'amoiq-assistant-banner', 'amoiq-message-list', 'amoiq-chat-input']);
    // No implicit row: the message box ends the panel, and the list takes what the others leave.
    const panel = part(el, '.panel');
    expect(panel.scrollHeight).to.be.at.most(panel.clientHeight + 1);
    expect(part(el, 'amoiq-chat-input').getBoundingClientRect().bottom).to.be.closeTo(panel.getBoundingClientRect().bottom, 1);
    expect(part(el, 'amoiq-message-list').getBoundingClientRect().height).to.be.above(150);
  });

  it('with the pre-chat form too', async () => {
    const el = await offlineChat({ open: true });
    el.setAttribute('pre-chat-fields', 'name,email*');
    await setState(el, { agentsOnline: false, assistant: ROBIN, handoff: queued() });
    await until(
      () => !!el.shadowRoot!.querySelector('amoiq-pre-chat-form')?.shadowRoot?.querySelector('button') && !!banner(el),
      'form and banners',
    );
    await el.updateComplete;
    expectStacked(el, ['amoiq-chat-header', 'amoiq-away-banner', 'amoiq-assistant-banner', 'amoiq-message-list', 'amoiq-pre-chat-form']);
    // Taller than the panel here: the panel scrolls as a whole, its header (and close button) staying on top.
    const panel = part(el, '.panel');
    panel.getAnimations().forEach((a) => a.finish());
    panel.scrollTop = panel.scrollHeight;
    await until(() => panel.scrollTop > 0 || panel.scrollHeight <= panel.clientHeight, 'the panel scrolled');
    expect(part(el, 'amoiq-chat-header').getBoundingClientRect().top).to.be.closeTo(panel.getBoundingClientRect().top, 1);
    const form = part(el, 'amoiq-pre-chat-form').getBoundingClientRect();
    expect(form.bottom).to.be.at.most(panel.getBoundingClientRect().bottom + 1);
  });
});

describe('the closed bar in a small panel', () => {
  beforeEach(() => setViewport({ width: 1000, height: 800 }));
  afterEach(() => setViewport({ width: 800, height: 600 }));

  it('keeps the header and its close button in view; the bar scrolls within the panel', async () => {
    const el = await offlineChat({ open: true });
    el.style.setProperty('--amoiq-chat-height', '550px');
    await until(() => serviceOf(el).isLeader, 'the tab to lead');
    await setState(el, { conversationStatus: 'closed', assistant: ROBIN });
    const closed = () => el.shadowRoot!.querySelector('amoiq-conversation-closed');
    const transcript = () => closed()?.shadowRoot?.querySelector('amoiq-assistant-transcript')?.shadowRoot;
    await until(() => !!transcript()?.querySelector('button'), 'the closed bar');
    // Its tallest state: the e-mail form open.
    transcript()!.querySelector<HTMLButtonElement>('[part="email-toggle"]')!.click();
    await until(() => !!transcript()!.querySelector('input[type="email"]'), 'the e-mail form');
    const panel = part(el, '.panel');
    panel.getAnimations().forEach((a) => a.finish());
    expect(panel.getBoundingClientRect().height).to.be.closeTo(550, 1);
    expect(panel.scrollHeight, 'the panel itself does not scroll').to.be.at.most(panel.clientHeight + 1);
    const close = part(el, 'amoiq-chat-header', '[part="close-button"]').getBoundingClientRect();
    const box = panel.getBoundingClientRect();
    expect(close.top).to.be.at.least(box.top - 1);
    expect(close.bottom).to.be.at.most(box.bottom + 1);
    // The bar's last control is reached by scrolling the bar.
    const bar = closed() as HTMLElement;
    const send = transcript()!.querySelector<HTMLElement>('[part="email-button"]')!;
    bar.scrollTop = bar.scrollHeight;
    expect(send.getBoundingClientRect().bottom).to.be.at.most(box.bottom + 1);
    expect(part(el, 'amoiq-message-list').getBoundingClientRect().height).to.be.at.least(95);
  });
});

describe('feedback on answers', () => {
  it('Helpful / Not helpful with SVG icons, under answers only: not under the assistant’s handoff or apology', async () => {
    const el = await offlineChat({ open: true });
    restore(el, [
      { id: 'm1', seq: 1, sender: robin, text: 'Delivery takes 2–4 days.', streamId: 's1' },
      { id: 'm2', seq: 2, sender: { type: 'visitor' }, text: 'Talk to a human' },
      { id: 'm3', seq: 3, sender: robin, text: "I'll connect you with a person." },
      { id: 'm4', seq: 4, sender: { type: 'visitor' }, text: 'Hmm' },
      { id: 'm5', seq: 5, sender: robin, text: "Sorry, I can't answer right now.", handoffOffer: true },
    ]);
    const root = listRoot(el);
    await until(
      () => !!root.querySelector('[data-key="m1"] amoiq-assistant-feedback button') && !!root.querySelector('[data-key="m5"]'),
      'rows',
    );
    const buttons = [...root.querySelectorAll<HTMLButtonElement>('[data-key="m1"] .feedback-button')];
    expect(buttons.map((b) => b.textContent!.trim())).to.deep.equal(['Helpful', 'Not helpful']);
    for (const b of buttons) {
      expect(b.querySelector('svg')?.getAttribute('aria-hidden')).to.equal('true');
      expect(b.textContent).to.not.match(/\p{Extended_Pictographic}/u);
    }
    expect(!!root.querySelector('[data-key="m3"] amoiq-assistant-feedback')).to.equal(false);
    expect(!!root.querySelector('[data-key="m5"] amoiq-assistant-feedback')).to.equal(false);
    expect(!!root.querySelector('[data-key="m5"] [part="talk-to-person"]')).to.equal(true);
  });

  it('the server’s flags: no feedback on a `notice` (even one from a stream); an `interrupted` answer says so, not "Stopped."', async () => {
    const el = await offlineChat({ open: true });
    restore(el, [
      { id: 'm1', seq: 1, sender: robin, text: "I'll connect you with a person.", streamId: 's1', notice: true },
      { id: 'm2', seq: 2, sender: robin, text: 'Delivery takes', streamId: 's2', interrupted: true },
      { id: 'm3', seq: 3, sender: robin, text: 'Returns are', streamId: 's3', stopped: true },
    ]);
    const root = listRoot(el);
    await until(() => !!root.querySelector('[data-key="m3"] amoiq-assistant-feedback button'), 'rows');
    expect(!!root.querySelector('[data-key="m1"] amoiq-assistant-feedback')).to.equal(false);
    expect(!!root.querySelector('[data-key="m2"] amoiq-assistant-feedback')).to.equal(true);
    expect(root.querySelector('[data-key="m2"] .stream-note')!.textContent!.trim()).to.equal('Interrupted.');
    expect(root.querySelector('[data-key="m3"] .stream-note')!.textContent!.trim()).to.equal('Stopped.');
    // The flags survive the timeline (assistantFields) as the server sent them, and only as `true`.
    const byId = new Map(serviceOf(el).state.messages.map((m) => [m.id, m]));
    expect([byId.get('m1')!.notice, byId.get('m2')!.interrupted, byId.get('m2')!.stopped]).to.deep.equal([true, true, undefined]);
  });

  it('after a reload the sent choice is pressed and a sent comment shown', async () => {
    const dbName = `amoiq-a11y-${nanoid(8)}`;
    const store = new ChatStore('t', dbName);
    await store.setSession({ ...SESSION, conversationId: 'c', expiresAt: new Date(Date.now() + 3600_000).toISOString() });
    await store.setMessages('c', [
      {
        id: 'm1',
        conversationId: 'c',
        seq: 1,
        sender: robin,
        text: 'Delivery takes 2–4 days.',
        streamId: 's1',
        createdAt: new Date().toISOString(),
      },
      {
        id: 'm2',
        conversationId: 'c',
        seq: 2,
        sender: robin,
        text: 'Returns are free.',
        streamId: 's2',
        createdAt: new Date().toISOString(),
      },
    ] as never);
    await store.setFeedback('c', 'm1', { helpful: true });
    await store.setFeedback('c', 'm2', { helpful: false, comment: 'It did not say how.' });
    const el = await fixture<AmoiqChat>(
      html`<amoiq-chat tenant-id="t" gateway-url=${OFFLINE} db-name=${dbName} lang="en" theme="light" open></amoiq-chat>`,
    );
    const root = listRoot(el);
    const pressed = (key: string) =>
      [...root.querySelectorAll(`[data-key="${key}"] .feedback-button[aria-pressed="true"]`)].map((b) => b.textContent!.trim());
    await until(() => pressed('m1').length > 0 && pressed('m2').length > 0, 'the sent feedback');
    expect(pressed('m1')).to.deep.equal(['Helpful']);
    expect(pressed('m2')).to.deep.equal(['Not helpful']);
    expect(root.querySelector('[data-key="m2"] .feedback-given')!.textContent).to.equal('Your comment: “It did not say how.”');
  });
});

describe('the transcript e-mail', () => {
  async function closedWithForm(el: AmoiqChat) {
    await until(() => serviceOf(el).isLeader, 'the tab to lead');
    await setState(el, { conversationStatus: 'closed' });
    const transcript = () =>
      el.shadowRoot!.querySelector('amoiq-conversation-closed')?.shadowRoot?.querySelector('amoiq-assistant-transcript')?.shadowRoot;
    await until(() => !!transcript()?.querySelector('button'), 'the transcript actions');
    transcript()!.querySelector<HTMLButtonElement>('[part="email-toggle"]')!.click();
    await until(() => !!transcript()!.querySelector('input[type="email"]'), 'the e-mail form');
    const root = transcript()!;
    root.querySelector<HTMLInputElement>('input')!.value = 'ada@example.com';
    root.querySelector<HTMLButtonElement>('[part="email-button"]')!.click();
    return () => root.querySelector('.status')!.textContent!;
  }

  it('server without e-mail (delivered: false): "could not be sent", download instead — not "could not be fetched, try again"', async () => {
    const el = await offlineChat({ open: true });
    serviceOf(el).emailTranscript = () => Promise.resolve(false);
    const status = await closedWithForm(el);
    await until(() => status() !== '', 'the outcome');
    expect(status()).to.equal('The transcript could not be sent: e-mail is not available here. Download it instead.');
  });

  it('a failed send says the e-mail failed, and to try again', async () => {
    const el = await offlineChat({ open: true });
    serviceOf(el).emailTranscript = () => Promise.reject(new Error('502 mail_failed'));
    const status = await closedWithForm(el);
    await until(() => status() !== '', 'the outcome');
    expect(status()).to.equal('The transcript could not be e-mailed. Try again.');
  });
});

describe('the queue wait', () => {
  const before = AmoiqAssistantBanner.waitRefreshMs;
  afterEach(() => (AmoiqAssistantBanner.waitRefreshMs = before));

  it('counts down from when the server gave it, in whole minutes, then says so honestly', () => {
    const t = 1_700_000_000_000;
    expect(remainingWaitMinutes(150, t, t)).to.equal(3);
    expect(remainingWaitMinutes(150, t, t + 40_000)).to.equal(2);
    expect(remainingWaitMinutes(60, t, t + 59_000)).to.equal(1);
    expect(remainingWaitMinutes(60, t, t + 60_000)).to.equal(0);
    expect(remainingWaitMinutes(60, t, t + 600_000)).to.equal(0);
    expect(remainingWaitMinutes(null, t, t)).to.equal(undefined);
    expect(remainingWaitMinutes(120, undefined, t)).to.equal(2);
  });

  it('an estimate long run out reads "as soon as possible", in the status; the minutes are not announced', async () => {
    const el = await offlineChat({ open: true });
    await setState(el, { assistant: ROBIN, handoff: queued({ position: 2, estimatedWaitSeconds: 600 }), handoffAt: Date.now() - 30_000 });
    await until(() => !!banner(el)?.querySelector('[part="wait"]'), 'the wait');
    expect(banner(el)!.querySelector('[role="status"]')!.textContent).to.equal('You are number 2 in the queue.');
    expect(banner(el)!.querySelector('[part="wait"]')!.textContent).to.equal('Estimated wait: about 10 minutes.');
    expect(!!banner(el)!.querySelector('[part="wait"]')!.closest('[role="status"], [aria-live]')).to.equal(false);
    await setState(el, { handoff: queued({ position: 1, estimatedWaitSeconds: 60 }), handoffAt: Date.now() - 10 * 60_000 });
    await until(() => !banner(el)!.querySelector('[part="wait"]'), 'the wait gone');
    expect(banner(el)!.querySelector('[role="status"]')!.textContent).to.equal(
      'You are number 1 in the queue. Taking longer than expected: a person will be with you as soon as possible.',
    );
  });

  it('the shown wait ages while the visitor waits', async () => {
    AmoiqAssistantBanner.waitRefreshMs = 50;
    const el = await offlineChat({ open: true });
    await setState(el, { assistant: ROBIN, handoff: queued({ estimatedWaitSeconds: 60 }), handoffAt: Date.now() - 57_000 });
    await until(() => banner(el)?.querySelector('[part="wait"]')?.textContent === 'Estimated wait: about 1 minute.', 'about 1 minute');
    // No new state from the server: the banner's own refresh notices the estimate ran out.
    await until(
      () => banner(el)!.querySelector('[role="status"]')!.textContent!.includes('Taking longer than expected'),
      'the wait run out',
    );
  });
});
