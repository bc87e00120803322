import type { ReactiveController, ReactiveControllerHost } from 'lit';
import type { AmoiqMessageEvent } from '../events/message-event.js';
import { systemClock, type Clock } from '../services/clock.js';

/** What {@link UnreadController} needs from `<amoiq-chat>`. */
export interface UnreadHost extends ReactiveControllerHost, HTMLElement {
  open: boolean;
  sound: boolean;
  titleFlash: boolean;
}

/** How long each of the two titles shows while flashing. */
const FLASH_MS = 1_000;

const isHidden = (): boolean => document.visibilityState === 'hidden';

/**
 * Counts messages from the other side (agents, the assistant; not notices such as "Ada joined")
 * that arrive while the panel is closed or the tab hidden,
 * and resets the count when the visitor sees them (panel open and tab visible). Optionally plays
 * a short WebAudio tone per such message (`sound`) and alternates the page title with "(n) New
 * message" while the tab is hidden (`title-flash`), restoring it when the visitor comes back.
 * The flashing runs on the injected clock, so tests drive it by hand.
 */
export class UnreadController implements ReactiveController {
  /** Unread messages from the other side. */
  count = 0;
  private audio?: AudioContext;
  private flashTimer?: unknown;
  private savedTitle = '';

  constructor(
    private readonly host: UnreadHost,
    /** The flashing title for a count ("(3) New messages"), in the instance's language. */
    private readonly titleFor: (count: number) => string,
    /**
     * Whether this tab plays the sound: every tab of the visitor gets each message, and one tone
     * per message is enough (the tab that holds the connection plays it).
     */
    private readonly playsSound: () => boolean = () => true,
    private readonly clock: Clock = systemClock,
  ) {
    host.addController(this);
  }

  hostConnected(): void {
    this.host.addEventListener('amoiq-message', this.handleMessage);
    // Browsers only let audio start after a gesture: unlock it on the first one in the widget.
    this.host.addEventListener('pointerdown', this.unlockAudio);
    document.addEventListener('visibilitychange', this.handleReturn);
    window.addEventListener('focus', this.handleReturn);
  }

  hostDisconnected(): void {
    this.host.removeEventListener('amoiq-message', this.handleMessage);
    this.host.removeEventListener('pointerdown', this.unlockAudio);
    document.removeEventListener('visibilitychange', this.handleReturn);
    window.removeEventListener('focus', this.handleReturn);
    this.stopFlash();
    void this.audio?.close();
    this.audio = undefined;
  }

  hostUpdate(): void {
    if (this.host.open && !isHidden()) this.count = 0;
  }

  private readonly handleMessage = (e: AmoiqMessageEvent): void => {
    // Messages from the other side count; notices ("Ada joined the conversation.") do not.
    if (e.detail.direction !== 'received' || e.detail.message?.sender.type === 'system' || (this.host.open && !isHidden())) return;
    this.count++;
    if (this.host.sound && this.playsSound()) this.beep();
    if (this.host.titleFlash && isHidden()) this.startFlash();
    this.host.requestUpdate();
  };

  private readonly handleReturn = (): void => {
    if (isHidden()) return;
    this.stopFlash();
    this.host.requestUpdate(); // hostUpdate resets the count if the panel is open
  };

  private startFlash(): void {
    if (this.flashTimer !== undefined) return;
    this.savedTitle = document.title;
    const flash = (on: boolean): void => {
      document.title = on ? this.titleFor(this.count) : this.savedTitle;
      this.flashTimer = this.clock.setTimeout(() => flash(!on), FLASH_MS);
    };
    flash(true);
  }

  private stopFlash(): void {
    if (this.flashTimer === undefined) return;
    this.clock.clearTimeout(this.flashTimer);
    this.flashTimer = undefined;
    document.title = this.savedTitle;
  }

  private readonly unlockAudio = (): void => {
    if (this.host.sound) void this.audioContext()?.resume();
  };

  private audioContext(): AudioContext | undefined {
    if (!this.audio && typeof AudioContext === 'function') this.audio = new AudioContext();
    return this.audio;
  }

  /** A soft 880 Hz blip of a quarter second: no audio file to download. */
  private beep(): void {
    const ctx = this.audioContext();
    if (!ctx) return;
    const t = ctx.currentTime;
    const osc = ctx.createOscillator();
    const gain = ctx.createGain();
    osc.frequency.value = 880;
    gain.gain.setValueAtTime(0.0001, t);
    gain.gain.exponentialRampToValueAtTime(0.15, t + 0.02);
    gain.gain.exponentialRampToValueAtTime(0.0001, t + 0.25);
    osc.connect(gain).connect(ctx.destination);
    osc.start(t);
    osc.stop(t + 0.3);
  }
}
