/**
 * Test doubles of the Web Speech API, installed on `window` in place of the browser's: headless
 * Chromium has the constructors but no speech service behind them (recognition never hears
 * anything, synthesis never speaks), so the widget's dictation and read-aloud are tested against
 * these. They follow the API's shape and event order (`start` → `onstart`; results as a list of
 * alternatives with `isFinal`; `stop` → `onend`; `speechSynthesis.cancel` → `onerror`
 * `interrupted` on the utterances not yet spoken), and the test decides what is heard and when
 * speech ends. Nothing here talks to a real speech service.
 */

/** Replaces `window[name]` (own or inherited) and returns the function that puts the original back. */
export function replaceGlobal(name: string, value: unknown): () => void {
  const own = Object.getOwnPropertyDescriptor(window, name);
  Object.defineProperty(window, name, { value, configurable: true, writable: true });
  return () => {
    if (own) Object.defineProperty(window, name, own);
    else delete (window as unknown as Record<string, unknown>)[name];
  };
}

type ResultList = ArrayLike<ArrayLike<{ transcript: string }> & { isFinal: boolean }>;

/** A double of `SpeechRecognition`: records how the widget set it up; the test plays what the service hears. */
export class FakeSpeechRecognition {
  /** Every instance made, newest last. */
  static instances: FakeSpeechRecognition[] = [];
  static get last(): FakeSpeechRecognition | undefined {
    return FakeSpeechRecognition.instances[FakeSpeechRecognition.instances.length - 1];
  }
  lang = '';
  continuous = false;
  interimResults = false;
  maxAlternatives = 1;
  started = 0;
  stopped = 0;
  aborted = 0;
  onresult: ((event: { resultIndex: number; results: ResultList }) => void) | null = null;
  onerror: ((event: { error: string; message?: string }) => void) | null = null;
  onend: (() => void) | null = null;
  onstart: (() => void) | null = null;
  private ended = false;
  private readonly results: Array<[string, boolean]> = [];

  constructor() {
    FakeSpeechRecognition.instances.push(this);
  }
  /** As the browser does, the session starts a task later. */
  start(): void {
    this.started++;
    setTimeout(() => this.onstart?.(), 0);
  }
  /** The service delivers what it heard as final, then ends the session (a task later). */
  stop(): void {
    this.stopped++;
    setTimeout(() => {
      if (this.results.some(([, final]) => !final)) this.hear(...this.results.map(([t]) => [t, true] as [string, boolean]));
      this.end();
    }, 0);
  }
  abort(): void {
    this.aborted++;
    setTimeout(() => {
      this.onerror?.({ error: 'aborted' });
      this.end();
    }, 0);
  }
  /** The service heard this (the whole session so far: each entry is [text, final?]). */
  hear(...results: Array<[string, boolean]>): void {
    this.results.splice(0, this.results.length, ...results);
    const list = results.map(([transcript, isFinal]) => Object.assign([{ transcript }], { isFinal }));
    this.onresult?.({ resultIndex: 0, results: list });
  }
  /** The service failed (`not-allowed`, `no-speech`, `network`…), then ends the session as browsers do. */
  fail(error: string): void {
    this.onerror?.({ error });
    this.end();
  }
  private end(): void {
    if (this.ended) return;
    this.ended = true;
    this.onend?.();
  }
}

/** A double of `SpeechSynthesisUtterance`. */
export class FakeSpeechSynthesisUtterance {
  lang = '';
  voice: { lang: string; name: string } | null = null;
  onend: ((event: { error?: string }) => void) | null = null;
  onerror: ((event: { error: string }) => void) | null = null;
  onstart: (() => void) | null = null;
  constructor(public text = '') {}
}

/** A double of `speechSynthesis`: queues utterances; the test ends them with {@link finishAll}. */
export class FakeSpeechSynthesis {
  readonly spoken: FakeSpeechSynthesisUtterance[] = [];
  readonly queue: FakeSpeechSynthesisUtterance[] = [];
  cancelled = 0;
  constructor(
    private readonly voices: Array<{ lang: string; name: string; localService: boolean; default: boolean; voiceURI: string }> = [],
  ) {}
  get speaking(): boolean {
    return this.queue.length > 0;
  }
  speak(utterance: FakeSpeechSynthesisUtterance): void {
    this.spoken.push(utterance);
    this.queue.push(utterance);
    setTimeout(() => utterance.onstart?.(), 0);
  }
  cancel(): void {
    this.cancelled++;
    for (const u of this.queue.splice(0)) setTimeout(() => u.onerror?.({ error: 'interrupted' }), 0);
  }
  getVoices() {
    return this.voices;
  }
  /** Every queued utterance is read to its end. */
  finishAll(): void {
    for (const u of this.queue.splice(0)) u.onend?.({});
  }
}

/** Installs the recognition double as `SpeechRecognition` and `webkitSpeechRecognition`; returns the undo. */
export function installSpeechRecognition(ctor: unknown = FakeSpeechRecognition): () => void {
  FakeSpeechRecognition.instances = [];
  const undo = [replaceGlobal('SpeechRecognition', ctor), replaceGlobal('webkitSpeechRecognition', ctor)];
  return () => undo.reverse().forEach((fn) => fn());
}

/** Installs a synthesis double (or none, `null`: a browser without speechSynthesis); returns the undo. */
export function installSpeechSynthesis(synth: FakeSpeechSynthesis | null): () => void {
  const undo = [
    replaceGlobal('speechSynthesis', synth ?? undefined),
    replaceGlobal('SpeechSynthesisUtterance', synth ? FakeSpeechSynthesisUtterance : undefined),
  ];
  return () => undo.reverse().forEach((fn) => fn());
}
