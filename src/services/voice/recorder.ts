import { systemClock, type Clock } from '../clock.js';
import { Timers } from '../timers.js';
import { VoiceMediaError, defaultGetUserMedia, openMicrophone, type GetUserMedia, type VoiceProblem } from './errors.js';
import { LevelMeter, type AudioContextConstructor } from './level.js';
import { Observable } from './observable.js';
import { VOICE_NOTE_TYPES } from './wire.js';

/** `idle` → `starting` (asking for the microphone) → `recording` → `stopped` (the file is ready), or `cancelled` / `failed`. */
export type RecorderState = 'idle' | 'starting' | 'recording' | 'stopped' | 'cancelled' | 'failed';

/** What a {@link VoiceRecorder} shows. */
export interface RecorderSnapshot {
  state: RecorderState;
  /** The type being recorded (`audio/webm;codecs=opus`, `audio/mp4`, `audio/ogg`). */
  mimeType?: string;
  /** When recording started (ms since the epoch, from the clock). */
  startedAt?: number;
  /** Once stopped: the note's length in ms. */
  durationMs?: number;
  /** Stopped because the note reached the maximum length. */
  limitReached: boolean;
  /** `failed`: why (`permission_denied`, `no_microphone`, `microphone_busy`, `unsupported`). */
  problem?: VoiceProblem;
}

/** Options of a {@link VoiceRecorder}. */
export interface VoiceRecorderOptions {
  /** Longest note, in seconds (the session's `config.voice.maxNoteSeconds`; default 120). */
  maxSeconds?: number;
  getUserMedia?: GetUserMedia;
  MediaRecorder?: typeof MediaRecorder;
  AudioContext?: AudioContextConstructor;
  clock?: Clock;
}

const EXTENSIONS: Record<string, string> = { 'audio/webm': 'webm', 'audio/mp4': 'm4a', 'audio/ogg': 'ogg' };

/**
 * The first voice-note type the browser records: Opus in WebM (Chromium, Firefox), else MP4/AAC
 * (Safari), else Ogg; `undefined` when it records none of them.
 */
export function pickVoiceNoteType(isTypeSupported: (type: string) => boolean): string | undefined {
  return VOICE_NOTE_TYPES.find((type) => {
    try {
      return isTypeSupported(type);
    } catch {
      return false;
    }
  });
}

/**
 * Records one voice message with `MediaRecorder`: picks the type ({@link pickVoiceNoteType}),
 * shows a live timer ({@link elapsedMs}) and level ({@link level}), stops by itself at the
 * maximum length, and ends with a `File` for the chat's usual upload path (its `type` is the MIME
 * type without parameters, which is what the server's allow-list compares), or is cancelled and
 * leaves nothing. The microphone is released as soon as recording stops.
 *
 * @example
 * const recorder = new VoiceRecorder({ maxSeconds: config.voice.maxNoteSeconds });
 * await recorder.start();
 * const file = await recorder.finish(); // then upload it like any attachment
 */
export class VoiceRecorder {
  private readonly store = new Observable<RecorderSnapshot>({ state: 'idle', limitReached: false });
  private readonly clock: Clock;
  private readonly timers: Timers;
  private stream: MediaStream | null = null;
  private meter: LevelMeter | null = null;
  private recorder: MediaRecorder | null = null;
  private chunks: Blob[] = [];
  private file: File | null = null;
  private readonly done: Promise<File>;
  private settle!: { resolve: (file: File) => void; reject: (error: Error) => void };

  constructor(private readonly options: VoiceRecorderOptions = {}) {
    this.clock = options.clock ?? systemClock;
    this.timers = new Timers(this.clock);
    this.done = new Promise<File>((resolve, reject) => (this.settle = { resolve, reject }));
    this.done.catch(() => undefined); // nobody may be waiting for a cancelled note
  }

  get snapshot(): RecorderSnapshot {
    return this.store.value;
  }

  get state(): RecorderState {
    return this.store.value.state;
  }

  /** Longest note in ms. */
  get maxMs(): number {
    return (this.options.maxSeconds ?? 120) * 1000;
  }

  /** Calls `fn` with every new snapshot; returns the unsubscribe function. */
  subscribe(fn: (snapshot: RecorderSnapshot) => void): () => void {
    return this.store.subscribe(fn);
  }

  /** Opens the microphone and starts recording. Rejects with a {@link VoiceMediaError} (the recorder is then `failed`). */
  async start(): Promise<void> {
    if (this.state !== 'idle') throw new Error(`A recorder records once (state ${this.state}).`);
    this.store.set({ state: 'starting' });
    const Recorder = this.options.MediaRecorder ?? globalThis.MediaRecorder;
    const mimeType = Recorder ? pickVoiceNoteType((type) => Recorder.isTypeSupported(type)) : undefined;
    try {
      if (!Recorder || !mimeType)
        throw new VoiceMediaError('unsupported', 'This browser cannot record audio (no MediaRecorder type among WebM/Opus, MP4, Ogg).');
      this.stream = await openMicrophone(this.options.getUserMedia ?? defaultGetUserMedia());
    } catch (error) {
      const failure = VoiceMediaError.from(error);
      this.fail(failure.code, failure);
      throw failure;
    }
    if ((this.state as RecorderState) !== 'starting') return this.release(); // cancelled while the permission prompt was open
    this.meter = new LevelMeter(this.stream, this.options.AudioContext ?? globalThis.AudioContext);
    const recorder = new Recorder(this.stream, { mimeType, audioBitsPerSecond: 32_000 });
    recorder.ondataavailable = (event) => event.data.size > 0 && this.chunks.push(event.data);
    recorder.onstop = () => this.handleStop();
    recorder.onerror = () => this.fail('microphone_busy', new VoiceMediaError('microphone_busy', 'The recording stopped with an error.'));
    this.recorder = recorder;
    recorder.start(1000);
    this.store.set({ state: 'recording', mimeType: recorder.mimeType || mimeType, startedAt: this.clock.now() });
    this.timers.later(this.maxMs, () => this.stop(true));
  }

  /** Time recorded, in ms (frozen once stopped). */
  elapsedMs(): number {
    const { startedAt, durationMs } = this.snapshot;
    if (durationMs !== undefined) return durationMs;
    return startedAt === undefined ? 0 : Math.min(this.maxMs, this.clock.now() - startedAt);
  }

  /** The microphone's level, 0..1, while recording. */
  level(): number {
    return this.state === 'recording' && this.meter ? this.meter.level() : 0;
  }

  /** Stops (if still recording) and resolves with the note as a `File`; rejects if it was cancelled or failed. */
  finish(): Promise<File> {
    if (this.state === 'recording') this.stop(false);
    else if (this.state === 'idle' || this.state === 'starting') this.cancel();
    return this.done;
  }

  /** Throws the recording away and releases the microphone. */
  cancel(): void {
    if (this.state === 'stopped' || this.state === 'cancelled' || this.state === 'failed') return;
    this.store.set({ state: 'cancelled' });
    this.settle.reject(new DOMException('The voice message was cancelled.', 'AbortError'));
    this.chunks = [];
    if (this.recorder && this.recorder.state !== 'inactive') this.recorder.stop();
    this.release();
  }

  private stop(limitReached: boolean): void {
    if (this.state !== 'recording' || !this.recorder) return;
    this.store.set({ durationMs: this.elapsedMs(), limitReached });
    this.recorder.stop(); // the last chunk, then `stop`
  }

  private handleStop(): void {
    if (this.state !== 'recording') return; // cancelled or failed
    const type = (this.snapshot.mimeType ?? 'audio/webm').split(';')[0].trim();
    const blob = new Blob(this.chunks, { type });
    this.chunks = [];
    this.release();
    if (blob.size === 0) {
      this.fail('microphone_busy', new VoiceMediaError('microphone_busy', 'The recording is empty.'));
      return;
    }
    const stamp = new Date(this.clock.now()).toISOString().slice(0, 19).replace(/[-:]/g, '').replace('T', '-');
    this.file = new File([blob], `voice-message-${stamp}.${EXTENSIONS[type] ?? 'audio'}`, { type, lastModified: this.clock.now() });
    this.store.set({ state: 'stopped' });
    this.settle.resolve(this.file);
  }

  private fail(problem: VoiceProblem, error: Error): void {
    this.store.set({ state: 'failed', problem });
    this.settle.reject(error);
    this.release();
  }

  private release(): void {
    this.timers.clearAll();
    this.stream?.getTracks().forEach((track) => track.stop());
    this.meter?.close();
    this.meter = null;
  }
}
