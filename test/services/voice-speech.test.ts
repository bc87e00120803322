import { expect } from '@open-wc/testing';
import { Dictation, findSpeechRecognition, type SpeechRecognitionLike } from '../../src/services/voice/dictation.js';
import { ReadAloud, pieces, plainText, type SpeechSynthesisLike } from '../../src/services/voice/read-aloud.js';

/** A recognizer the test drives: it records how it was set up and plays the service's events. */
class FakeRecognition implements SpeechRecognitionLike {
  static last: FakeRecognition;
  lang = '';
  continuous = false;
  interimResults = false;
  maxAlternatives = 0;
  started = 0;
  stopped = 0;
  onresult: SpeechRecognitionLike['onresult'] = null;
  onerror: SpeechRecognitionLike['onerror'] = null;
  onend: SpeechRecognitionLike['onend'] = null;
  onstart: SpeechRecognitionLike['onstart'] = null;
  constructor() {
    FakeRecognition.last = this;
  }
  start(): void {
    this.started++;
    this.onstart?.();
  }
  stop(): void {
    this.stopped++;
    this.onend?.();
  }
  abort(): void {
    this.onerror?.({ error: 'aborted' });
    this.onend?.();
  }
  /** The service heard: each entry is [text, final?]. */
  hear(...results: Array<[string, boolean]>): void {
    const list = results.map(([transcript, isFinal]) => Object.assign([{ transcript }], { isFinal }));
    this.onresult?.({ resultIndex: 0, results: list });
  }
}

describe('Dictation', () => {
  it('is supported only where the browser has a recognizer (prefixed or not)', () => {
    expect(Dictation.isSupported({})).to.equal(false);
    expect(Dictation.isSupported({ webkitSpeechRecognition: FakeRecognition })).to.equal(true);
    expect(findSpeechRecognition({ SpeechRecognition: FakeRecognition, webkitSpeechRecognition: class {} })).to.equal(FakeRecognition);
  });

  it('listens in the widget language with interim results; final words stay, interim ones are replaced', () => {
    const dictation = new Dictation({ lang: 'fr-CA', SpeechRecognition: FakeRecognition });
    const states: string[] = [];
    dictation.subscribe((s) => states.push(s.state));
    dictation.start();
    const rec = FakeRecognition.last;
    expect(rec).to.include({ lang: 'fr-CA', continuous: true, interimResults: true });
    expect(dictation.snapshot.state).to.equal('listening');
    rec.hear(['Bonjour', false]);
    expect(dictation.snapshot).to.include({ final: '', interim: 'Bonjour' });
    rec.hear(['Bonjour ', true], ['je voud', false]);
    expect(dictation.transcript).to.equal('Bonjour je voud');
    rec.hear(['Bonjour ', true], ['je voudrais', false]);
    dictation.stop();
    expect(dictation.snapshot).to.include({ state: 'idle', final: 'Bonjour je voudrais', interim: '' });
    expect(states).to.include.members(['starting', 'listening', 'idle']);
  });

  it('maps recognizer errors to problems; abort is not one', () => {
    for (const [error, problem] of [
      ['not-allowed', 'permission_denied'],
      ['audio-capture', 'no_microphone'],
      ['network', 'network'],
      ['language-not-supported', 'language'],
      ['no-speech', 'no_speech'],
      ['bad-grammar', 'unknown'],
    ]) {
      const dictation = new Dictation({ lang: 'en', SpeechRecognition: FakeRecognition });
      dictation.start();
      FakeRecognition.last.onerror?.({ error });
      FakeRecognition.last.onend?.();
      expect(dictation.snapshot, error).to.include({ state: 'error', problem });
    }
    const dictation = new Dictation({ lang: 'en', SpeechRecognition: FakeRecognition });
    dictation.start();
    FakeRecognition.last.hear(['half a thou', false]);
    dictation.abort();
    expect(dictation.snapshot).to.include({ state: 'idle', interim: '', final: '' });
  });
});

/** Utterances as plain objects (the browser's own refuses a voice that is not one of its voices). */
class FakeUtterance {
  lang = '';
  voice: SpeechSynthesisVoice | null = null;
  onend: ((e: SpeechSynthesisEvent) => void) | null = null;
  onerror: ((e: SpeechSynthesisErrorEvent) => void) | null = null;
  constructor(readonly text: string) {}
}
const Utterance = FakeUtterance as unknown as typeof SpeechSynthesisUtterance;

/** A speech engine the test drives. */
class FakeSynth implements SpeechSynthesisLike {
  queue: SpeechSynthesisUtterance[] = [];
  cancelled = 0;
  voices = [
    { lang: 'en-US', localService: true, name: 'en' },
    { lang: 'fr-FR', localService: false, name: 'fr remote' },
    { lang: 'fr-FR', localService: true, name: 'fr local' },
    { lang: 'fr-CA', localService: false, name: 'fr-CA' },
  ] as unknown as SpeechSynthesisVoice[];
  speak(u: SpeechSynthesisUtterance): void {
    this.queue.push(u);
  }
  cancel(): void {
    this.cancelled++;
    for (const u of this.queue.splice(0)) u.onerror?.({ error: 'interrupted' } as SpeechSynthesisErrorEvent);
  }
  getVoices(): SpeechSynthesisVoice[] {
    return this.voices;
  }
  /** Finishes every queued utterance. */
  finish(): void {
    for (const u of this.queue.splice(0)) u.onend?.({} as SpeechSynthesisEvent);
  }
}

describe('ReadAloud', () => {
  it('reads the plain text in the message language with the best voice, and says when it is done', async () => {
    const synth = new FakeSynth();
    const reader = new ReadAloud({ speechSynthesis: synth, SpeechSynthesisUtterance: Utterance });
    expect(reader.isSupported()).to.equal(true);
    const done = reader.speak('m1', 'Bonjour **Ada**, voir [la page](https://x.example).', 'fr-BE');
    expect(reader.snapshot.speakingId).to.equal('m1');
    expect(synth.queue.map((u) => [u.text, u.lang, u.voice?.name])).to.deep.equal([['Bonjour Ada, voir la page.', 'fr-BE', 'fr local']]);
    synth.finish();
    await done;
    expect(reader.snapshot.speakingId).to.equal(null);
  });

  it('stop() and reading another message stop the current one', async () => {
    const synth = new FakeSynth();
    const reader = new ReadAloud({ speechSynthesis: synth, SpeechSynthesisUtterance: Utterance });
    const first = reader.speak('m1', 'One.', 'en');
    const second = reader.speak('m2', 'Two.', 'en');
    await first; // interrupted counts as done
    expect(reader.snapshot.speakingId).to.equal('m2');
    reader.stop();
    await second;
    expect(reader.snapshot.speakingId).to.equal(null);
    expect(synth.cancelled).to.equal(2);
    expect(new ReadAloud({ speechSynthesis: null }).isSupported(), 'no engine').to.equal(false);
    expect(await new ReadAloud({ speechSynthesis: null }).speak('m3', 'x', 'en').catch(() => 'refused')).to.equal('refused');
  });

  it('strips Markdown and splits long text at sentence ends', () => {
    expect(plainText('# Title\n- *one* and `two`\n> quote ~~gone~~')).to.equal('Title one and two quote gone');
    const long = `${'A sentence of some length here. '.repeat(12)}`;
    const parts = pieces(long.trim());
    expect(parts.length).to.be.greaterThan(1);
    expect(parts.every((p) => p.length <= 220)).to.equal(true);
    expect(parts.join(' ')).to.equal(long.trim());
  });
});
