import { ContextProvider } from '@lit/context';
import { expect, fixture, html } from '@open-wc/testing';
import '../../src/define.js';
import type { AmoiqMessageList } from '../../src/components/message-list/message-list.js';
import { noticeText } from '../../src/components/message-list/rows.js';
import { chatServiceContext } from '../../src/context.js';
import { en, type Strings } from '../../src/i18n/en.js';
import { localeContext, localized } from '../../src/i18n/localize.js';
import type { ChatMessage, ChatService, ChatState } from '../../src/services/chat-service.js';
import { until } from '../helpers/dom.js';

// System notices (issue 12): every event kind is shown from its structured fields in the visitor's
// language — the handoff and the calls too — never as the server's English `text`.

const at = new Date().toISOString();
const ENGLISH = 'Server English that must not be shown';
let seq = 0;
function notice(event: ChatMessage['event'], fields: Partial<ChatMessage> = {}): ChatMessage {
  seq++;
  return { key: `n${seq}`, id: `n${seq}`, seq, sender: { type: 'system' }, text: ENGLISH, createdAt: at, event, ...fields };
}

/** One notice of every kind the server stores (docs/protocol.md), with the fields it gives. */
const everyKind = (): ChatMessage[] => [
  notice('closed', { sender: { type: 'system', name: 'Ada' } }),
  notice('reopened'),
  notice('joined', { sender: { type: 'system', name: 'Ada' } }),
  notice('escalated', { handoff: { reason: 'requested by the visitor', requestedBy: 'visitor' } }),
  notice('escalated', { handoff: { reason: 'Wants a refund', requestedBy: 'visitor' } }),
  notice('escalated', { handoff: { reason: 'low_confidence', requestedBy: 'assistant' } }),
  notice('escalated', { handoff: { reason: 'VIP customer', requestedBy: 'agent' } }),
  notice('assigned', { sender: { type: 'system', name: 'Ada' }, handoff: { agent: { id: 'a1', name: 'Ada' } } }),
  notice('transferred', { sender: { type: 'system', name: 'Grace' }, handoff: { agent: { id: 'a2', name: 'Grace' } } }),
  notice('returned', { sender: { type: 'system', name: 'Ada' } }),
  notice('call', { call: { id: 'c1', kind: 'callback', state: 'requested', to: '+1••••••2671' } }),
  notice('call', { call: { id: 'c1', kind: 'callback', state: 'in_progress' } }),
  notice('call', { call: { id: 'c1', kind: 'callback', state: 'ended', durationSeconds: 125 } }),
  notice('call', { call: { id: 'c2', kind: 'callback', state: 'failed', reason: 'busy', simulated: true } }),
  notice('call', { call: { id: 'c3', kind: 'webrtc', state: 'requested', from: 'visitor' } }),
  notice('call', { call: { id: 'c4', kind: 'webrtc', state: 'requested', from: 'agent' } }),
  notice('call', { call: { id: 'c4', kind: 'webrtc', state: 'cancelled' } }),
  notice('call', { call: { id: 'c5', kind: 'webrtc', state: 'failed', reason: 'declined' } }),
];

const locales: Record<string, () => Promise<Strings>> = {
  en: async () => en,
  es: async () => (await import('../../src/i18n/es.js')).default,
  fr: async () => (await import('../../src/i18n/fr.js')).default,
  de: async () => (await import('../../src/i18n/de.js')).default,
  ar: async () => (await import('../../src/i18n/ar.js')).default,
  ja: async () => (await import('../../src/i18n/ja.js')).default,
};

describe('system notices in the visitor’s language (issue 12)', () => {
  it('English: every kind from its fields', () => {
    expect(everyKind().map((m) => noticeText(m, en))).to.deep.equal([
      'Ada closed the conversation.',
      'The conversation was reopened.',
      'Ada joined the conversation.',
      'You asked for a person.',
      'You asked for a person: Wants a refund',
      'The assistant asked a person to take over (it was not sure of the answer).',
      'The conversation was passed to the team: VIP customer',
      'Ada joined the conversation.',
      'The conversation was passed to Grace.',
      'Ada handed the conversation back to the assistant.',
      'Calling +1••••••2671…',
      'Call connected.',
      'Call ended, 2:05.',
      'Simulated call: Call failed: the line was busy.',
      'You are calling the team…',
      'The team is calling you…',
      'Call cancelled.',
      'Call failed: it was declined.',
    ]);
  });

  it('German and Japanese: the handoff and the calls', async () => {
    const de = await locales.de();
    const ja = await locales.ja();
    const [, , , , refund, lowConfidence, , assigned, transferred, returned, calling, , ended, busy] = everyKind();
    expect(noticeText(refund, de)).to.equal('Sie haben nach einem Menschen gefragt: Wants a refund');
    expect(noticeText(lowConfidence, de)).to.equal(
      'Der Assistent hat einen Menschen gebeten zu übernehmen (er war sich der Antwort nicht sicher).',
    );
    expect(noticeText(transferred, de)).to.equal('Das Gespräch wurde an Grace übergeben.');
    expect(noticeText(ended, de)).to.equal('Anruf beendet, 2:05.');
    expect(noticeText(busy, de)).to.equal('Simulierter Anruf: Anruf fehlgeschlagen: die Leitung war besetzt.');
    expect(noticeText(assigned, ja)).to.equal('Adaさんが会話に参加しました。');
    expect(noticeText(returned, ja)).to.equal('Adaさんが会話をアシスタントに戻しました。');
    expect(noticeText(calling, ja)).to.equal('+1••••••2671 に発信中…');
  });

  it('no locale shows the server’s English for any kind, and each differs from English where it should', async () => {
    for (const [locale, load] of Object.entries(locales)) {
      const t = await load();
      const texts = everyKind().map((m) => noticeText(m, t));
      for (const text of texts) {
        expect(text, `${locale}`).to.not.equal(ENGLISH);
        expect(text.trim(), `${locale}`).to.not.equal('');
      }
      if (locale !== 'en') {
        const english = everyKind().map((m) => noticeText(m, en));
        // Names, numbers and the visitor's own words stay; the words around them are translated.
        texts.forEach((text, i) => expect(text, `${locale} #${i}`).to.not.equal(english[i]));
      }
    }
  });

  it('an unknown reason or a notice without fields still reads well, never as the server’s English', () => {
    expect(noticeText(notice('escalated', { handoff: { reason: 'something_new', requestedBy: 'assistant' } }), en)).to.equal(
      'The assistant asked a person to take over.',
    );
    expect(noticeText(notice('escalated'), en)).to.equal('You asked for a person.');
    expect(noticeText(notice('assigned'), en)).to.equal('A person joined the conversation.');
    expect(noticeText(notice('call', { call: { id: 'c', kind: 'callback', state: 'failed', reason: 'new_reason' } }), en)).to.equal(
      'Call failed.',
    );
    // Without the call's fields (an old server) the server's text is all there is.
    expect(noticeText(notice('call'), en)).to.equal(ENGLISH);
  });

  it('the list renders the notices in its language (Spanish, Arabic)', async () => {
    for (const [lang, expected] of [
      ['es', ['Pediste hablar con una persona: Wants a refund', 'La conversación pasó a Grace.', 'Llamada finalizada, 2:05.']],
      ['ar', ['طلبتَ التحدث إلى شخص: Wants a refund', 'أُحيلت المحادثة إلى Grace.', 'انتهت المكالمة، 2:05.']],
    ] as const) {
      const all = everyKind();
      const messages = [all[4], all[8], all[12]];
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
      new ContextProvider(host, { context: localeContext, initialValue: localized(lang, await locales[lang]()) });
      const el = document.createElement('amoiq-message-list') as AmoiqMessageList;
      el.style.flex = '1';
      host.append(el);
      const shown = () => [...el.shadowRoot!.querySelectorAll('[part="notice"] span[dir]')].map((s) => s.textContent);
      await until(() => JSON.stringify(shown()) === JSON.stringify(expected), `the notices in ${lang}`, 10_000).catch((err: Error) => {
        throw new Error(`${err.message}; shown: ${JSON.stringify(shown())}`);
      });
    }
  });
});
