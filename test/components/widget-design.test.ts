/**
 * The widget's design pass (issue 15): times once per sender-and-minute run, initials without
 * notes in brackets, the team card and greeting, the away banner, the composer at 320 px, file
 * refusals that go, the picker's tabs on one line, tenant texts per language.
 */
import { expect, fixture, html } from '@open-wc/testing';
import { setViewport } from '@web/test-runner-commands';
import '../../src/define.js';
import type { AmoiqMessageList } from '../../src/components/message-list/message-list.js';
import type { AmoiqChatInput } from '../../src/components/chat-input/chat-input.js';
import type { AmoiqAwayBanner } from '../../src/components/away-banner/away-banner.js';
import { initials } from '../../src/components/message-list/rows.js';
import { decodeSession, type Sender } from '../../src/protocol/v1.js';
import type { ChatMessage, ChatState } from '../../src/services/chat-service.js';
import { tenantText } from '../../src/services/tenant-texts.js';
import { loadEmojiPicker } from '../../src/components/emoji-picker/loader.js';
import { expectAccessible, until } from '../helpers/dom.js';
import { provided } from '../helpers/provided.js';
import { StubChatService } from '../helpers/state-stub.js';

const ADA: Sender = { type: 'agent', id: 'a1', name: 'Ada (demo agent)' };
const VISITOR: Sender = { type: 'visitor' };

/** The design pass's panel height. */
const mount = <T extends HTMLElement>(tag: string, service: StubChatService) => provided<T>(tag, service, { height: 480 });

const at = (hh: number, mm: number, ss: number) => new Date(2024, 2, 14, hh, mm, ss).toISOString();
const m = (key: string, sender: Sender, createdAt: string, extra: Partial<ChatMessage> = {}): ChatMessage => ({
  key,
  id: key,
  sender,
  text: `text ${key}`,
  createdAt,
  ...extra,
});

/** The visible time labels (not the screen-reader-only ones), by message key. */
function visibleTimes(el: HTMLElement): Record<string, string> {
  const out: Record<string, string> = {};
  for (const row of el.shadowRoot!.querySelectorAll<HTMLElement>('[data-msg]')) {
    const time = row.querySelector('[part="meta"] > time:not(.visually-hidden)');
    if (time) out[row.dataset.key!] = time.textContent!.trim();
  }
  return out;
}

describe('design pass: the conversation', () => {
  it('shows the time once per run of one sender within one minute, and "Sending…" once, on the run\'s last message', async () => {
    const service = new StubChatService();
    const el = await mount<AmoiqMessageList>('amoiq-message-list', service);
    service.set({
      messages: [
        m('a1', ADA, at(9, 2, 5)),
        m('a2', ADA, at(9, 2, 40)),
        m('v1', VISITOR, at(9, 3, 1), { status: 'pending' }),
        m('v2', VISITOR, at(9, 3, 20), { status: 'pending' }),
        m('v3', VISITOR, at(9, 3, 50), { status: 'pending' }),
        m('v4', VISITOR, at(9, 4, 2), { status: 'sent' }),
        m('a3', ADA, at(9, 4, 10)),
      ],
    });
    await el.updateComplete;
    await until(() => el.shadowRoot!.querySelectorAll('[data-msg]').length === 7, 'the rows');
    expect(Object.keys(visibleTimes(el))).to.deep.equal(['a2', 'v3', 'v4', 'a3']);
    const visibleStatuses = [...el.shadowRoot!.querySelectorAll('[part="meta"] > .status')].map((s) => s.textContent!.trim());
    expect(visibleStatuses).to.deep.equal(['Sending…', 'Sent']);
    // The earlier messages keep their time and state for screen readers.
    const v1 = el.shadowRoot!.querySelector('[data-key="v1"] [part="meta"]')!;
    expect(v1.textContent!.replace(/\s+/g, ' ').trim()).to.match(/^9:03 AM, Sending…$/);
    expect([...v1.children].every((c) => c.classList.contains('visually-hidden'))).to.equal(true);
    expect(v1.getBoundingClientRect().height).to.equal(0);
    await expectAccessible(el);
  });

  it('a failed message always shows its state and Retry, even inside a run', async () => {
    const service = new StubChatService();
    const el = await mount<AmoiqMessageList>('amoiq-message-list', service);
    service.set({ messages: [m('v1', VISITOR, at(9, 3, 1), { status: 'failed' }), m('v2', VISITOR, at(9, 3, 2), { status: 'pending' })] });
    await until(() => !!el.shadowRoot!.querySelector('[part="retry-button"]'), 'Retry');
    expect(Object.keys(visibleTimes(el))).to.deep.equal(['v1', 'v2']);
  });

  it('initials leave out notes in brackets: "Ada (demo agent)" is A, not AA', () => {
    expect(initials('Ada (demo agent)')).to.equal('A');
    expect(initials('Ada Lovelace')).to.equal('AL');
    expect(initials('Ada Lovelace [Support]')).to.equal('AL');
    expect(initials('(bot)')).to.equal('B');
    expect(initials('  ')).to.equal('?');
  });

  it('the empty panel shows the team: online agents, team name, typical reply time, then the greeting', async () => {
    const service = new StubChatService();
    service.set({
      agentsOnline: true,
      remoteConfig: { team: { name: 'The Acme team', replyTime: 'hours', agents: [{ name: 'Ada (demo agent)' }, { name: 'Ben Carter' }] } },
    });
    const el = await mount<AmoiqMessageList>('amoiq-message-list', service);
    el.welcomeMessage = 'Hi there!';
    await el.updateComplete;
    const team = el.shadowRoot!.querySelector('[part="team"]')!;
    expect(team).to.exist;
    expect([...team.querySelectorAll('.team-avatar')].map((a) => a.textContent)).to.deep.equal(['A', 'BC']);
    expect(team.querySelector('[part="team-avatars"]')!.getAttribute('aria-label')).to.equal('Online: Ada (demo agent) and Ben Carter');
    expect(team.querySelector('[part="team-name"]')!.textContent).to.equal('The Acme team');
    expect(team.querySelector('[part="reply-time"]')!.textContent).to.equal('Typically replies in a few hours');
    expect(el.shadowRoot!.querySelector('.greeting')!.textContent).to.equal('Hi there!');
    await expectAccessible(el);
    // Nobody online: no avatars (they would say someone is there), the rest stays.
    service.set({ agentsOnline: false });
    await el.updateComplete;
    expect(el.shadowRoot!.querySelector('[part="team-avatars"]')).to.equal(null);
    expect(el.shadowRoot!.querySelector('[part="team-name"]')).to.exist;
  });

  it('the session answer carries team and per-language texts; malformed parts are dropped', () => {
    const decoded = decodeSession({
      protocol: 1,
      visitorId: 'v',
      conversationId: 'c',
      token: 't',
      expiresAt: new Date().toISOString(),
      wsUrl: 'ws://x',
      config: {
        headerText: 'Support',
        texts: { ar: { headerText: 'الدعم', welcomeMessage: 5 }, 'not a tag': { headerText: 'x' } },
        team: { name: 'Acme', replyTime: 'weeks', agents: [{ name: 'Ada', avatar: 'javascript:alert(1)' }, { nope: 1 }] },
      },
    });
    expect(decoded.ok).to.equal(true);
    const config = (decoded as { value: { config: ChatState['remoteConfig'] } }).value.config;
    expect(config.texts).to.deep.equal({ ar: { headerText: 'الدعم' } });
    expect(config.team).to.deep.equal({ name: 'Acme', agents: [{ name: 'Ada' }] });
  });

  it('tenant texts follow the widget language: exact locale, then its language, then the default', () => {
    const config = {
      headerText: 'Support',
      welcomeMessage: 'Hello',
      texts: {
        ar: { headerText: 'الدعم' },
        'fr-CA': { headerText: 'Soutien' },
        fr: { headerText: 'Assistance', welcomeMessage: 'Bonjour' },
      },
    };
    expect(tenantText(config, 'ar-EG', 'headerText')).to.equal('الدعم');
    expect(tenantText(config, 'ar', 'welcomeMessage')).to.equal('Hello');
    expect(tenantText(config, 'fr-CA', 'headerText')).to.equal('Soutien');
    expect(tenantText(config, 'fr-CA', 'welcomeMessage')).to.equal('Bonjour');
    expect(tenantText(config, 'ja', 'headerText')).to.equal('Support');
    expect(tenantText(undefined, 'ja', 'headerText')).to.equal('');
  });
});

describe('design pass: away banner, composer, picker', () => {
  afterEach(() => setViewport({ width: 800, height: 600 }));

  it('the away banner is short, labelled, and dismissible', async () => {
    const service = new StubChatService();
    service.set({ agentsOnline: false });
    const el = await mount<AmoiqAwayBanner>('amoiq-away-banner', service);
    const input = el.shadowRoot!.querySelector('input')!;
    expect(input.labels![0].textContent).to.equal('Your e-mail, so we can reply');
    await expectAccessible(el);
    el.shadowRoot!.querySelector<HTMLButtonElement>('[part="dismiss-button"]')!.click();
    await el.updateComplete;
    expect(el.shadowRoot!.querySelector('[part="base"]')).to.equal(null);
  });

  it('at 320 px the text box takes the width and its placeholder stays on one line; the secondary buttons sit inside its box', async () => {
    await setViewport({ width: 320, height: 568 });
    const el = await fixture<AmoiqChatInput>(html`<amoiq-chat-input lang="de" style="width:320px"></amoiq-chat-input>`);
    const box = el.shadowRoot!.querySelector('.box')!;
    const textarea = el.shadowRoot!.querySelector('textarea')!;
    // Longer than the English placeholder: German.
    textarea.placeholder = 'Nachricht eingeben…';
    await el.updateComplete;
    const line = parseFloat(getComputedStyle(textarea).lineHeight);
    expect(textarea.getBoundingClientRect().width).to.be.at.least(box.getBoundingClientRect().width - 4);
    expect(textarea.getBoundingClientRect().height).to.be.below(line * 2 + 16);
    const emoji = el.shadowRoot!.querySelector('[part="emoji-button"]')!;
    expect(box.contains(emoji)).to.equal(true);
    expect(box.contains(el.shadowRoot!.querySelector('[part="send-button"]'))).to.equal(true);
    // Long text grows the box at full width, up to 8 rem, then scrolls.
    textarea.value = 'word '.repeat(200);
    textarea.dispatchEvent(new InputEvent('input'));
    await el.updateComplete;
    expect(textarea.getBoundingClientRect().height).to.be.at.most(8 * 16 + 1);
    expect(textarea.getBoundingClientRect().width).to.be.at.least(box.getBoundingClientRect().width - 4);
  });

  it('a file refusal can be dismissed, and goes once a message is sent or received', async () => {
    const service = new StubChatService();
    const el = await mount<AmoiqChatInput>('amoiq-chat-input', service);
    el.attachmentLimits = { maxSize: 1024, types: ['application/pdf'] };
    await el.updateComplete;
    const status = () => el.shadowRoot!.querySelector('[part="attachment-error"]')!;
    el.addFiles([new File(['MZ'], 'setup.exe', { type: 'application/x-msdownload' })]);
    await el.updateComplete;
    expect(status().textContent).to.contain('setup.exe');
    await expectAccessible(el);
    el.shadowRoot!.querySelector<HTMLButtonElement>('[part="attachment-error-dismiss"]')!.click();
    await el.updateComplete;
    expect(status().textContent).to.equal('');
    el.addFiles([new File(['MZ'], 'setup.exe', { type: 'application/x-msdownload' })]);
    await el.updateComplete;
    expect(status().textContent).to.contain('setup.exe');
    service.set({ messages: [m('a1', ADA, at(9, 2, 5))] });
    await el.updateComplete;
    expect(status().textContent).to.equal('');
  });

  it('the emoji picker keeps its group tabs on one line at 320 px', async () => {
    await setViewport({ width: 320, height: 568 });
    await loadEmojiPicker();
    const el = await fixture<HTMLElement>(html`<div style="width:288px"><amoiq-emoji-picker></amoiq-emoji-picker></div>`);
    const picker = el.querySelector('amoiq-emoji-picker')!;
    await (picker as unknown as { updateComplete: Promise<unknown> }).updateComplete;
    await until(() => (picker.shadowRoot?.querySelectorAll('[role="tab"]').length ?? 0) > 3, 'the tabs');
    const tabs = [...picker.shadowRoot!.querySelectorAll('[role="tab"]')].map((t) => t.getBoundingClientRect());
    expect(new Set(tabs.map((t) => Math.round(t.top))).size, 'one row').to.equal(1);
    for (const t of tabs) expect(t.width).to.be.at.least(24);
    expect(Math.max(...tabs.map((t) => t.right))).to.be.at.most(el.getBoundingClientRect().right + 1);
  });
});
