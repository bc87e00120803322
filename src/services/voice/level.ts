/** The `AudioContext` constructor, injectable (tests, browsers that prefix it). */
export type AudioContextConstructor = new () => AudioContext;

/** Quieter than this (dBFS) shows as 0; the meter spans from here to full scale. */
const FLOOR_DB = -60;

/**
 * The loudness of a microphone stream as a number from 0 to 1, for a level meter: an
 * `AnalyserNode` fed by the stream, the RMS of its latest samples on a decibel scale (−60 dBFS →
 * 0, 0 dBFS → 1), which matches how loud it sounds better than the raw RMS. A disabled (muted)
 * track feeds silence, so the level drops to 0.
 *
 * Nothing is played: the analyser is not connected to the speakers.
 *
 * @example
 * const meter = new LevelMeter(stream);
 * requestAnimationFrame(function tick() { bar.value = meter.level(); requestAnimationFrame(tick); });
 * meter.close();
 */
export class LevelMeter {
  private readonly context: AudioContext | null;
  private readonly analyser: AnalyserNode | null;
  private readonly source: MediaStreamAudioSourceNode | null;
  private readonly samples: Float32Array<ArrayBuffer>;

  /**
   * @param stream the microphone (or any audio) stream
   * @param AudioContextImpl where there is none, {@link level} is always 0
   */
  constructor(stream: MediaStream, AudioContextImpl: AudioContextConstructor | undefined = globalThis.AudioContext) {
    if (!AudioContextImpl) {
      this.context = this.analyser = this.source = null;
      this.samples = new Float32Array(0);
      return;
    }
    this.context = new AudioContextImpl();
    this.analyser = this.context.createAnalyser();
    this.analyser.fftSize = 1024;
    this.source = this.context.createMediaStreamSource(stream);
    this.source.connect(this.analyser);
    this.samples = new Float32Array(this.analyser.fftSize);
    // Created outside a user gesture, a context may start suspended; the press that started the call counts.
    if (this.context.state === 'suspended') void this.context.resume().catch(() => undefined);
  }

  /** The current level, 0 (silence) to 1 (full scale). */
  level(): number {
    if (!this.analyser) return 0;
    this.analyser.getFloatTimeDomainData(this.samples);
    return levelOf(this.samples);
  }

  /** Disconnects and closes the audio context. */
  close(): void {
    this.source?.disconnect();
    if (this.context && this.context.state !== 'closed') void this.context.close().catch(() => undefined);
  }
}

/** The meter value of a block of samples (−1…1): RMS on a −60…0 dBFS scale, clamped to 0…1. */
export function levelOf(samples: ArrayLike<number>): number {
  if (samples.length === 0) return 0;
  let sum = 0;
  for (let i = 0; i < samples.length; i++) sum += samples[i] * samples[i];
  const rms = Math.sqrt(sum / samples.length);
  if (rms <= 0) return 0;
  const db = 20 * Math.log10(rms);
  return Math.min(1, Math.max(0, (db - FLOOR_DB) / -FLOOR_DB));
}
