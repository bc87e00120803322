import { Observable } from './observable.js';

/** The parts of `speechSynthesis` that read-aloud uses. */
export interface SpeechSynthesisLike {
  speak(utterance: SpeechSynthesisUtterance): void;
  cancel(): void;
  getVoices(): SpeechSynthesisVoice[];
}

/** What {@link ReadAloud} shows: which message is being read, if any. */
export interface ReadAloudSnapshot {
  speakingId: string | null;
}

/** Chromium stops long utterances after about 15 s; pieces this long stay well under that. */
const MAX_PIECE = 220;

/**
 * The text of a message without Markdown marks (the message list renders a small Markdown
 * subset), so the voice does not read out asterisks and link addresses.
 */
export function plainText(markdown: string): string {
  return markdown
    .replace(/```[\s\S]*?```/g, (block) => block.replace(/```\w*/g, ''))
    .replace(/!?\[([^\]]*)\]\([^)]*\)/g, '$1')
    .replace(/^\s{0,3}(#{1,6}|>|[-*+]|\d+[.)])\s+/gm, '')
    .replace(/(\*\*|__|~~|`)(.+?)\1/g, '$2')
    .replace(/(^|[^\w*])[*_]([^*_\n]+)[*_](?=[^\w*]|$)/g, '$1$2')
    .replace(/\s+/g, ' ')
    .trim();
}

/** Splits text at sentence ends (then at spaces) into pieces of at most {@link MAX_PIECE} characters. */
export function pieces(text: string): string[] {
  const sentences = text.match(/[^.!?。！？]+[.!?。！？]*\s*/g) ?? [text];
  const out: string[] = [];
  for (const sentence of sentences) {
    let rest = sentence.trim();
    while (rest.length > MAX_PIECE) {
      const cut = rest.lastIndexOf(' ', MAX_PIECE) > 0 ? rest.lastIndexOf(' ', MAX_PIECE) : MAX_PIECE;
      out.push(rest.slice(0, cut));
      rest = rest.slice(cut).trim();
    }
    if (!rest) continue;
    if (out.length && out[out.length - 1].length + rest.length + 1 <= MAX_PIECE) out[out.length - 1] += ` ${rest}`;
    else out.push(rest);
  }
  return out;
}

/**
 * Reads messages aloud with `speechSynthesis`, one at a time, in each message's language (a
 * voice of that language when the system has one; otherwise the system picks by `lang`).
 * Starting another message, or {@link stop}, stops the current one.
 *
 * @example
 * const reader = new ReadAloud();
 * if (reader.isSupported()) await reader.speak(message.id, message.text, 'fr-FR');
 */
export class ReadAloud {
  private readonly store = new Observable<ReadAloudSnapshot>({ speakingId: null });
  private readonly synth: SpeechSynthesisLike | undefined;
  private readonly Utterance: typeof SpeechSynthesisUtterance | undefined;
  private run = 0;

  /** `null` for either means the browser has none (tests); left out, the browser's own is used. */
  constructor(
    options: { speechSynthesis?: SpeechSynthesisLike | null; SpeechSynthesisUtterance?: typeof SpeechSynthesisUtterance | null } = {},
  ) {
    this.synth = options.speechSynthesis === null ? undefined : (options.speechSynthesis ?? globalThis.speechSynthesis);
    this.Utterance =
      options.SpeechSynthesisUtterance === null ? undefined : (options.SpeechSynthesisUtterance ?? globalThis.SpeechSynthesisUtterance);
  }

  /** True where the browser can speak (the read-aloud button is hidden otherwise). */
  isSupported(): boolean {
    return Boolean(this.synth && this.Utterance);
  }

  get snapshot(): ReadAloudSnapshot {
    return this.store.value;
  }

  /** Calls `fn` with every new snapshot; returns the unsubscribe function. */
  subscribe(fn: (snapshot: ReadAloudSnapshot) => void): () => void {
    return this.store.subscribe(fn);
  }

  /**
   * Reads `text` (Markdown marks removed) in `lang`. Resolves when it has been read or was stopped;
   * rejects when the speech engine fails.
   */
  speak(id: string, text: string, lang: string): Promise<void> {
    if (!this.synth || !this.Utterance) return Promise.reject(new Error('speechSynthesis is not available.'));
    this.stop();
    const run = ++this.run;
    const parts = pieces(plainText(text));
    if (!parts.length) return Promise.resolve();
    const voice = this.voiceFor(lang);
    this.store.set({ speakingId: id });
    return new Promise<void>((resolve, reject) => {
      parts.forEach((part, i) => {
        const utterance = new this.Utterance!(part);
        utterance.lang = lang;
        if (voice) utterance.voice = voice;
        const last = i === parts.length - 1;
        utterance.onend = () => {
          if (last) this.settle(run, resolve);
        };
        utterance.onerror = (event) => {
          // `interrupted` / `canceled`: stopped on purpose (stop(), another message).
          if (event.error === 'interrupted' || event.error === 'canceled') this.settle(run, resolve);
          else this.settle(run, () => reject(new Error(`Speech failed: ${event.error}`)));
        };
        this.synth!.speak(utterance);
      });
    });
  }

  /** Stops reading. */
  stop(): void {
    if (this.store.value.speakingId === null) return;
    this.run++;
    this.store.set({ speakingId: null });
    this.synth?.cancel();
  }

  private settle(run: number, done: () => void): void {
    if (run === this.run) this.store.set({ speakingId: null });
    done();
  }

  /** A voice for `lang`: the exact tag, else the same language (`fr-CA` → `fr-FR`), local voices first. */
  private voiceFor(lang: string): SpeechSynthesisVoice | undefined {
    const voices = this.synth?.getVoices() ?? [];
    const wanted = lang.toLowerCase();
    const base = wanted.split('-')[0];
    const rank = (v: SpeechSynthesisVoice) => {
      const tag = v.lang.toLowerCase().replace('_', '-');
      return (tag === wanted ? 0 : tag.split('-')[0] === base ? 2 : 9) + (v.localService ? 0 : 1);
    };
    return voices.filter((v) => rank(v) < 9).sort((a, b) => rank(a) - rank(b))[0];
  }
}
