import { Observable } from './observable.js';

/** The parts of the Web Speech API's `SpeechRecognition` that dictation uses. */
export interface SpeechRecognitionLike {
  lang: string;
  continuous: boolean;
  interimResults: boolean;
  maxAlternatives: number;
  onresult: ((event: { resultIndex: number; results: ArrayLike<ArrayLike<{ transcript: string }> & { isFinal: boolean }> }) => void) | null;
  onerror: ((event: { error: string; message?: string }) => void) | null;
  onend: (() => void) | null;
  onstart: (() => void) | null;
  start(): void;
  stop(): void;
  abort(): void;
}

/** Its constructor (`SpeechRecognition`, or `webkitSpeechRecognition` in Chromium and Safari). */
export type SpeechRecognitionConstructor = new () => SpeechRecognitionLike;

/**
 * Why dictation stopped: `permission_denied` (microphone or speech service refused:
 * `not-allowed`, `service-not-allowed`), `no_microphone` (`audio-capture`), `network` (the
 * browser's speech service is unreachable), `language` (`language-not-supported`), `no_speech`
 * (nothing heard), `unknown`.
 */
export type DictationProblem = 'permission_denied' | 'no_microphone' | 'network' | 'language' | 'no_speech' | 'unknown';

/** What {@link Dictation} shows. */
export interface DictationSnapshot {
  /** `listening` from start until the browser's service ends the session. */
  state: 'idle' | 'starting' | 'listening' | 'error';
  /** Words the service is sure of, from this session. */
  final: string;
  /** Words it may still change. */
  interim: string;
  problem?: DictationProblem;
}

const PROBLEMS: Record<string, DictationProblem> = {
  'not-allowed': 'permission_denied',
  'service-not-allowed': 'permission_denied',
  'audio-capture': 'no_microphone',
  network: 'network',
  'language-not-supported': 'language',
  'no-speech': 'no_speech',
};

/** The browser's recognizer constructor, if it has one. */
export function findSpeechRecognition(scope: object = globalThis): SpeechRecognitionConstructor | undefined {
  const s = scope as { SpeechRecognition?: SpeechRecognitionConstructor; webkitSpeechRecognition?: SpeechRecognitionConstructor };
  return s.SpeechRecognition ?? s.webkitSpeechRecognition;
}

/**
 * Dictation into the message box with the Web Speech API: listens in the widget's language,
 * reports interim words as they come and final ones once sure, and ends on {@link stop}, on an
 * error, or when the browser's service ends the session (after a pause). Where the browser has no
 * recognizer, {@link Dictation.isSupported} is false and the dictation button is not shown.
 *
 * Chromium sends the audio to its speech service, so dictation needs a network connection there.
 *
 * @example
 * if (Dictation.isSupported()) {
 *   const dictation = new Dictation({ lang: 'fr-FR' });
 *   dictation.subscribe(({ final, interim }) => (textarea.value = base + final + interim));
 *   dictation.start();
 * }
 */
export class Dictation {
  private readonly store = new Observable<DictationSnapshot>({ state: 'idle', final: '', interim: '' });
  private recognition: SpeechRecognitionLike | null = null;
  private aborted = false;

  /** True where the browser can dictate. */
  static isSupported(scope: object = globalThis): boolean {
    return findSpeechRecognition(scope) !== undefined;
  }

  constructor(private readonly options: { lang: string; SpeechRecognition?: SpeechRecognitionConstructor }) {}

  get snapshot(): DictationSnapshot {
    return this.store.value;
  }

  /** Final and interim words together, as the box shows them while listening. */
  get transcript(): string {
    return this.store.value.final + this.store.value.interim;
  }

  /** Calls `fn` with every new snapshot; returns the unsubscribe function. */
  subscribe(fn: (snapshot: DictationSnapshot) => void): () => void {
    return this.store.subscribe(fn);
  }

  /** Starts listening (a new session: the transcript starts empty). */
  start(): void {
    if (this.store.value.state === 'starting' || this.store.value.state === 'listening') return;
    const Recognition = this.options.SpeechRecognition ?? findSpeechRecognition();
    if (!Recognition) {
      this.store.set({ state: 'error', problem: 'unknown' });
      return;
    }
    const recognition = new Recognition();
    recognition.lang = this.options.lang;
    recognition.continuous = true;
    recognition.interimResults = true;
    recognition.maxAlternatives = 1;
    recognition.onstart = () => this.store.set({ state: 'listening' });
    recognition.onresult = (event) => {
      let final = '';
      let interim = '';
      for (let i = 0; i < event.results.length; i++) {
        const result = event.results[i];
        if (result.isFinal) final += result[0].transcript;
        else interim += result[0].transcript;
      }
      this.store.set({ final, interim });
    };
    recognition.onerror = (event) => {
      // `aborted` is our own abort(); not a problem to show.
      if (event.error !== 'aborted') this.store.set({ state: 'error', problem: PROBLEMS[event.error] ?? 'unknown' });
    };
    recognition.onend = () => {
      if (this.recognition !== recognition) return;
      this.recognition = null;
      // Whatever was still interim when the session ended is all the visitor will get: keep it
      // (unless the session was aborted).
      const { final, interim } = this.store.value;
      this.store.set({
        final: final + (this.aborted ? '' : interim),
        interim: '',
        state: this.store.value.state === 'error' ? 'error' : 'idle',
      });
    };
    this.recognition = recognition;
    this.aborted = false;
    this.store.set({ state: 'starting', final: '', interim: '', problem: undefined });
    try {
      recognition.start();
    } catch {
      this.recognition = null;
      this.store.set({ state: 'error', problem: 'unknown' });
    }
  }

  /** Stops listening; the service delivers what it heard, then the session ends. */
  stop(): void {
    this.recognition?.stop();
  }

  /** Stops at once and drops what was not final. */
  abort(): void {
    if (!this.recognition) return;
    this.aborted = true;
    this.store.set({ interim: '' });
    this.recognition.abort();
  }
}
