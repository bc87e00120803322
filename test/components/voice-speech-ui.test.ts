import { ContextProvider } from '@lit/context';
import { expect } from '@open-wc/testing';
import { sendKeys } from '@web/test-runner-commands';
import '../../src/define.js';
import type { AmoiqChatInput } from '../../src/components/chat-input/chat-input.js';
import type { AmoiqDictationButton } from '../../src/components/dictation-button/dictation-button.js';
import type { AmoiqMessageList } from '../../src/components/message-list/message-list.js';
import type { AmoiqReadAloud } from '../../src/components/read-aloud/read-aloud.js';
import { chatServiceContext } from '../../src/context.js';
import ar from '../../src/i18n/ar.js';
import { en, type Strings } from '../../src/i18n/en.js';
import fr from '../../src/i18n/fr.js';
import type { ChatMessage, ChatService } from '../../src/services/chat-service.js';
import { expectAccessible, until } from '../helpers/dom.js';
import {
  FakeSpeechRecognition,
  FakeSpeechSynthesis,
  installSpeechRecognition,
  installSpeechSynthesis,
  replaceGlobal,
} from '../helpers/speech-doubles.js';
import { themedHost } from '../helpers/voice-fakes.js';
import { StubChatService } from '../helpers/state-stub.js';

// Issue 11, part 4: dictation in the message box and read-aloud on agent and assistant messages.
// Headless Chromium has no speech service, so the Web Speech API is replaced on window by the
// doubles in test/helpers/speech-doubles.ts; everything else (the message box, the list, the
// lazy chunks, the strings) is the real widget code.

const hosts: HTMLElement[] = [];
const undo: Array<() => void> = [];
afterEach(() => {
  hosts.splice(0).forEach((h) => h.remove());
  undo
    .splice(0)
    .reverse()
    .forEach((fn) => fn());
});

const SCHEMES = [
  { name: 'light, LTR', dark: false, lang: 'fr-CA', dir: 'ltr' as const, strings: fr as Strings },
  { name: 'dark, RTL', dark: true, lang: 'ar', dir: 'rtl' as const, strings: ar as Strings },
];

async function composer(scheme: (typeof SCHEMES)[number] = SCHEMES[0]): Promise<AmoiqChatInput> {
  const host = themedHost(scheme);
  hosts.push(host);
  const el = document.createElement('amoiq-chat-input');
  host.append(el);
  await el.updateComplete;
  return el;
}

const box = (el: AmoiqChatInput) => el.shadowRoot!.querySelector('textarea')!;
const dictationEl = (el: AmoiqChatInput) => el.shadowRoot!.querySelector<AmoiqDictationButton>('amoiq-dictation-button');
const button = (d: AmoiqDictationButton) => d.shadowRoot!.querySelector<HTMLButtonElement>('[part="button"]')!;
const status = (d: AmoiqDictationButton) => d.shadowRoot!.querySelector<HTMLElement>('[role="status"]')!;

/** The dictation button once its chunk has loaded and it has rendered. */
async function dictationButton(el: AmoiqChatInput): Promise<AmoiqDictationButton> {
  await until(() => Boolean(dictationEl(el)?.shadowRoot?.querySelector('[part="button"]')), 'the dictation button (lazy chunk)');
  return dictationEl(el)!;
}

describe('dictation in the message box (Web Speech API double)', () => {
  it('fills the box with interim then final words in the widget language, announces listening once, and stops on Escape', async () => {
    undo.push(installSpeechRecognition());
    const el = await composer();
    const t = fr.voice;
    // What the visitor had typed stays; dictated words go after it.
    box(el).focus();
    await sendKeys({ type: 'Bonjour' });
    const d = await dictationButton(el);
    expect(button(d).getAttribute('aria-label')).to.equal(t.dictate);
    expect(button(d).getAttribute('aria-pressed')).to.equal('false');

    // Count what the live region says, from the first press on.
    const said: string[] = [];
    const observer = new MutationObserver(() => said.push(status(d).textContent!.trim()));
    observer.observe(status(d), { childList: true, characterData: true, subtree: true });
    button(d).click();
    const rec = FakeSpeechRecognition.last!;
    expect(rec, 'a recognizer was made').to.exist;
    expect(rec.lang).to.equal('fr-CA');
    expect(rec.interimResults).to.equal(true);
    expect(rec.started).to.equal(1);
    await until(() => button(d).getAttribute('aria-pressed') === 'true', 'listening');
    await until(() => status(d).textContent!.trim() === t.listening, 'listening announced');
    await expectAccessible(el);

    rec.hear(['je voudrais', false]);
    await until(() => box(el).value === 'Bonjour je voudrais', `interim words in the box (${box(el).value})`);
    rec.hear(['je voudrais un rendez-vous', false]);
    await until(() => box(el).value === 'Bonjour je voudrais un rendez-vous', 'more interim words');
    rec.hear(['je voudrais un rendez-vous.', true]);
    await until(() => box(el).value === 'Bonjour je voudrais un rendez-vous.', 'final words');
    await el.updateComplete;
    // The box follows as if typed: Send is enabled.
    expect(el.shadowRoot!.querySelector<HTMLButtonElement>('[part="send-button"]')!.disabled).to.equal(false);
    // Listening was said once, however many results came.
    expect(said.filter((s) => s === t.listening)).to.have.length(1);

    // Escape in the box stops dictation (and only that: it does not reach the page).
    let escapesOutside = 0;
    const outside = (e: KeyboardEvent) => e.key === 'Escape' && escapesOutside++;
    document.addEventListener('keydown', outside);
    box(el).focus();
    await sendKeys({ press: 'Escape' });
    document.removeEventListener('keydown', outside);
    expect(rec.stopped).to.equal(1);
    expect(escapesOutside).to.equal(0);
    await until(() => button(d).getAttribute('aria-pressed') === 'false', 'stopped');
    expect(box(el).value).to.equal('Bonjour je voudrais un rendez-vous.');
    expect(status(d).textContent!.trim()).to.equal('');
    observer.disconnect();
    await expectAccessible(el);
  });

  it('a second press stops; a new session adds its words after the box text', async () => {
    undo.push(installSpeechRecognition());
    const el = await composer({ ...SCHEMES[0], strings: en, lang: 'en-GB' });
    const d = await dictationButton(el);
    button(d).click();
    await until(() => button(d).getAttribute('aria-pressed') === 'true', 'listening');
    FakeSpeechRecognition.last!.hear(['hello there', false]);
    await until(() => box(el).value === 'hello there', 'interim');
    button(d).click();
    // Stopping turns what was interim into final words; they stay.
    await until(() => button(d).getAttribute('aria-pressed') === 'false', 'stopped by the second press');
    expect(FakeSpeechRecognition.last!.stopped).to.equal(1);
    expect(FakeSpeechRecognition.last!.lang).to.equal('en-GB');
    expect(box(el).value).to.equal('hello there');
    button(d).click();
    await until(() => button(d).getAttribute('aria-pressed') === 'true', 'listening again');
    FakeSpeechRecognition.last!.hear(['how are you', true]);
    await until(() => box(el).value === 'hello there how are you', `second session appended (${box(el).value})`);
  });

  for (const [error, problem] of [
    ['not-allowed', 'permission_denied'],
    ['no-speech', 'no_speech'],
    ['network', 'network'],
  ] as const) {
    it(`says calmly why it stopped: ${error}`, async () => {
      undo.push(installSpeechRecognition());
      const el = await composer();
      const d = await dictationButton(el);
      button(d).click();
      await until(() => button(d).getAttribute('aria-pressed') === 'true', 'listening');
      FakeSpeechRecognition.last!.fail(error);
      const text = fr.voice.dictationErrors[problem];
      await until(() => d.shadowRoot!.querySelector('[part="dictation-problem"]')?.textContent?.trim() === text, `the ${problem} text`);
      expect(status(d).textContent!.trim()).to.equal(text);
      expect(button(d).getAttribute('aria-pressed')).to.equal('false');
      expect(box(el).value).to.equal('');
      await expectAccessible(el);
    });
  }

  it('is not shown, and its chunk not loaded, where the browser has no SpeechRecognition', async () => {
    undo.push(replaceGlobal('SpeechRecognition', undefined), replaceGlobal('webkitSpeechRecognition', undefined));
    const el = await composer();
    await new Promise((r) => requestAnimationFrame(r));
    expect(dictationEl(el)).to.equal(null);
    await expectAccessible(el);
  });

  it('axe: idle, listening and error in dark RTL (Arabic)', async () => {
    undo.push(installSpeechRecognition());
    const el = await composer(SCHEMES[1]);
    const d = await dictationButton(el);
    expect(button(d).getAttribute('aria-label')).to.equal(ar.voice.dictate);
    await expectAccessible(el);
    button(d).click();
    await until(() => button(d).getAttribute('aria-pressed') === 'true', 'listening');
    expect(FakeSpeechRecognition.last!.lang).to.equal('ar');
    await expectAccessible(el);
    FakeSpeechRecognition.last!.fail('not-allowed');
    await until(() => Boolean(d.shadowRoot!.querySelector('[part="dictation-problem"]')), 'the problem');
    await expectAccessible(el);
  });
});

const now = new Date().toISOString();
const MESSAGES: ChatMessage[] = [
  { key: 'v1', id: 'v1', seq: 1, sender: { type: 'visitor' }, text: 'Bonjour', createdAt: now },
  {
    key: 'a1',
    id: 'a1',
    seq: 2,
    sender: { type: 'agent', id: 'agent_1', name: 'Ada' },
    text: 'Bonjour ! **Comment** puis-je aider ?',
    createdAt: now,
  },
  { key: 'a2', id: 'a2', seq: 3, sender: { type: 'agent', id: 'agent_1', name: 'Ada' }, text: 'Je suis là.', createdAt: now },
];

async function messageList(scheme: (typeof SCHEMES)[number] = SCHEMES[0]): Promise<AmoiqMessageList> {
  const host = themedHost(scheme);
  hosts.push(host);
  host.style.height = '400px';
  host.style.display = 'flex';
  host.style.flexDirection = 'column';
  const service = new StubChatService();
  service.set({ messages: MESSAGES });
  new ContextProvider(host, { context: chatServiceContext, initialValue: service as unknown as ChatService });
  const el = document.createElement('amoiq-message-list');
  el.style.flex = '1';
  host.append(el);
  await el.updateComplete;
  return el;
}

const readers = (el: AmoiqMessageList) => [...el.shadowRoot!.querySelectorAll<AmoiqReadAloud>('amoiq-read-aloud')];
const readButton = (r: AmoiqReadAloud) => r.shadowRoot!.querySelector<HTMLButtonElement>('[part="button"]')!;

describe('read-aloud on agent messages (speechSynthesis double)', () => {
  it('reads one message in the widget language without Markdown marks, shows Stop while speaking, and stops on request', async () => {
    const synth = new FakeSpeechSynthesis([
      { lang: 'en-US', name: 'English', localService: true, default: true, voiceURI: 'en' },
      { lang: 'fr-CA', name: 'Amélie', localService: true, default: false, voiceURI: 'fr-ca' },
    ]);
    undo.push(installSpeechSynthesis(synth));
    const el = await messageList();
    const t = fr.voice;
    // Only the agent's messages have the button, not the visitor's own.
    await until(
      () => readers(el).length === 2 && readers(el).every((r) => Boolean(r.shadowRoot?.querySelector('button'))),
      'read-aloud buttons',
    );
    expect(readers(el).map((r) => r.closest('[data-key]')!.getAttribute('data-key'))).to.deep.equal(['a1', 'a2']);
    const first = readers(el)[0];
    expect(readButton(first).getAttribute('aria-label')).to.equal(t.readAloud);
    await expectAccessible(el);

    readButton(first).click();
    await until(() => synth.spoken.length === 1, 'speaking');
    expect(synth.spoken[0].text).to.equal('Bonjour ! Comment puis-je aider ?');
    expect(synth.spoken[0].lang).to.equal('fr-CA');
    expect(synth.spoken[0].voice?.name).to.equal('Amélie');
    await until(() => readButton(first).getAttribute('aria-label') === t.stopReading, 'Stop reading while speaking');
    expect(readButton(readers(el)[1]).getAttribute('aria-label')).to.equal(t.readAloud);
    await expectAccessible(el);

    // Stop while speaking.
    readButton(first).click();
    expect(synth.cancelled).to.be.greaterThan(0);
    await until(() => readButton(first).getAttribute('aria-label') === t.readAloud, 'back to Read aloud');

    // Another message: read to its end, then the button is back.
    readButton(readers(el)[1]).click();
    await until(() => synth.spoken.length === 2, 'the second message');
    expect(synth.spoken[1].text).to.equal('Je suis là.');
    synth.finishAll();
    await until(() => readButton(readers(el)[1]).getAttribute('aria-label') === t.readAloud, 'done reading');
  });

  it('axe while speaking in dark RTL (Arabic), in Arabic', async () => {
    const synth = new FakeSpeechSynthesis();
    undo.push(installSpeechSynthesis(synth));
    const el = await messageList(SCHEMES[1]);
    await until(() => Boolean(readers(el)[0]?.shadowRoot?.querySelector('button')), 'read-aloud button');
    readButton(readers(el)[0]).click();
    await until(() => synth.spoken.length === 1, 'speaking');
    expect(synth.spoken[0].lang).to.equal('ar');
    await until(() => readButton(readers(el)[0]).getAttribute('aria-label') === ar.voice.stopReading, 'Stop reading');
    await expectAccessible(el);
    synth.finishAll();
  });

  it('is not shown where the browser has no speechSynthesis', async () => {
    undo.push(installSpeechSynthesis(null));
    const el = await messageList();
    await until(() => el.shadowRoot!.querySelectorAll('[data-key="a1"]').length === 1, 'rows');
    expect(readers(el)).to.have.length(0);
  });
});
