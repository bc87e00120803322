import { ContextProvider } from '@lit/context';
import type { Strings } from '../../src/i18n/en.js';
import { localeContext, localized } from '../../src/i18n/localize.js';
import type { RtcSignaling } from '../../src/services/voice/webrtc-call.js';
import { decodeRtcFrame, type RtcFrame } from '../../src/services/voice/wire.js';
import { DARK_TOKENS } from '../../src/styles/tokens.js';

/**
 * One end of an in-memory signaling channel, paired with another: what the chat's WebSocket and
 * the server's relay do for `rtc` frames. Frames travel as JSON and are decoded on arrival, one
 * task later, in order. {@link drop} takes this end offline (a WebSocket drop): its own frames
 * wait in its queue, frames for it wait at the "server"; {@link reconnect} delivers both and
 * tells the call (`onReconnect`).
 */
export class SignalingEnd implements RtcSignaling {
  peer!: SignalingEnd;
  up = true;
  /** Every frame this end sent, in order. */
  readonly sent: RtcFrame[] = [];
  /** Every frame this end received, in order. */
  readonly received: RtcFrame[] = [];
  private readonly listeners = new Set<(frame: RtcFrame) => void>();
  private readonly reconnectListeners = new Set<() => void>();
  private readonly outbox: string[] = [];
  private readonly inbox: string[] = [];

  /** Two connected ends. */
  static pair(): [SignalingEnd, SignalingEnd] {
    const a = new SignalingEnd();
    const b = new SignalingEnd();
    a.peer = b;
    b.peer = a;
    return [a, b];
  }

  send(frame: RtcFrame): void {
    this.sent.push(frame);
    const data = JSON.stringify(frame);
    if (!this.up) this.outbox.push(data);
    else this.peer.arrive(data);
  }

  onFrame(listener: (frame: RtcFrame) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  onReconnect(listener: () => void): () => void {
    this.reconnectListeners.add(listener);
    return () => this.reconnectListeners.delete(listener);
  }

  /** The socket of this end dropped. */
  drop(): void {
    this.up = false;
  }

  /** The socket came back: queued frames go both ways, then the call hears of it. */
  reconnect(): void {
    this.up = true;
    for (const data of this.outbox.splice(0)) this.peer.arrive(data);
    for (const data of this.inbox.splice(0)) this.deliver(data);
    setTimeout(() => this.reconnectListeners.forEach((fn) => fn()), 0);
  }

  /** Number of listeners (a finished call must have removed its own). */
  get listenerCount(): number {
    return this.listeners.size + this.reconnectListeners.size;
  }

  private arrive(data: string): void {
    if (!this.up) this.inbox.push(data);
    else this.deliver(data);
  }

  private deliver(data: string): void {
    setTimeout(() => {
      const decoded = decodeRtcFrame(JSON.parse(data));
      if (!decoded.ok) throw new Error(`bad rtc frame on the wire: ${decoded.reason}`);
      this.received.push(decoded.value);
      this.listeners.forEach((fn) => fn(decoded.value));
    }, 0);
  }
}

/** A `getUserMedia` that rejects like the browser does (`NotAllowedError`, `NotFoundError`, …). */
export const refusingGetUserMedia = (name: string) => () => Promise.reject(new DOMException(`refused (${name})`, name));

/** The streams a `getUserMedia` handed out (to check they were stopped). */
export function recordingGetUserMedia(): { getUserMedia: (c: MediaStreamConstraints) => Promise<MediaStream>; streams: MediaStream[] } {
  const streams: MediaStream[] = [];
  return {
    streams,
    getUserMedia: async (constraints) => {
      const stream = await navigator.mediaDevices.getUserMedia(constraints);
      streams.push(stream);
      return stream;
    },
  };
}

/**
 * A host for a component under test: a div with a language and direction, the dark scheme's
 * custom properties when asked (as `<amoiq-chat theme="dark">` sets them), and the locale
 * provided by context as `<amoiq-chat>` does.
 */
export function themedHost(options: { lang?: string; strings?: Strings; dark?: boolean; dir?: 'ltr' | 'rtl' } = {}): HTMLDivElement {
  const host = document.createElement('div');
  host.lang = options.lang ?? 'en';
  host.dir = options.dir ?? 'ltr';
  host.style.width = '360px';
  host.style.padding = '8px';
  if (options.dark) {
    for (const [name, value] of Object.entries(DARK_TOKENS)) host.style.setProperty(name, value);
    host.style.background = '#1f2125';
    host.style.color = '#e8eaed';
  }
  document.body.append(host);
  if (options.strings)
    new ContextProvider(host, { context: localeContext, initialValue: localized(options.lang ?? 'en', options.strings) });
  return host;
}

/** A WAV file of `seconds` of a quiet 440 Hz tone (mono, 8 kHz, 16 bit), with a known length. */
export function toneWav(seconds: number): Blob {
  const rate = 8000;
  const samples = Math.round(seconds * rate);
  const buffer = new ArrayBuffer(44 + samples * 2);
  const view = new DataView(buffer);
  const text = (offset: number, s: string) => [...s].forEach((c, i) => view.setUint8(offset + i, c.charCodeAt(0)));
  text(0, 'RIFF');
  view.setUint32(4, 36 + samples * 2, true);
  text(8, 'WAVE');
  text(12, 'fmt ');
  view.setUint32(16, 16, true);
  view.setUint16(20, 1, true);
  view.setUint16(22, 1, true);
  view.setUint32(24, rate, true);
  view.setUint32(28, rate * 2, true);
  view.setUint16(32, 2, true);
  view.setUint16(34, 16, true);
  text(36, 'data');
  view.setUint32(40, samples * 2, true);
  for (let i = 0; i < samples; i++) view.setInt16(44 + i * 2, Math.round(Math.sin((2 * Math.PI * 440 * i) / rate) * 3000), true);
  return new Blob([buffer], { type: 'audio/wav' });
}
