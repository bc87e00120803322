import { LitElement, css, html, nothing, type PropertyValues } from 'lit';
import { property, query, state } from 'lit/decorators.js';
import { LocaleConsumer } from '../../i18n/localize.js';
import { formatDuration } from '../../services/voice/view.js';
import { sharedStyles } from '../../styles/shared.js';
import { chatAccentColor, chatBorderColor, chatMutedColor, chatOnAccentColor } from '../../styles/tokens.js';
import { pauseIcon, playIcon } from '../voice-panel/icons.js';

/** How far one arrow key moves the position, in seconds. */
export const SEEK_STEP_SECONDS = 5;

/**
 * An accessible player for audio messages (voice notes and audio attachments): a play/pause
 * button, the position and length, and a position slider that the keyboard moves — arrows by
 * 5 seconds (left and right follow the reading direction), Home and End to the start and end,
 * Page Up and Page Down by a tenth. The slider speaks its value as "0:12 of 1:03".
 *
 * It works alone (the agent console uses it too) and inside `<amoiq-chat>`, where it speaks the
 * chat's language. Recordings from `MediaRecorder` (WebM) carry no length; the player finds it by
 * seeking to the end once, or takes `duration` when the owner knows it.
 *
 * @tag amoiq-audio-player
 * @summary Play/pause, position and keyboard seeking for an audio message.
 *
 * @csspart base - The player.
 * @csspart play-button - Play / pause.
 * @csspart slider - The position slider.
 * @csspart time - Position and length.
 *
 * Colours come from the chat-wide custom properties (accent, on-accent, border, muted).
 */
export class AmoiqAudioPlayer extends LitElement {
  static override styles = [
    sharedStyles,
    css`
      :host {
        display: block;
        min-inline-size: 12rem;
      }
      .base {
        display: flex;
        align-items: center;
        gap: 0.5rem;
        padding-block: 0.25rem;
        padding-inline: 0.25rem 0.5rem;
        border: 1px solid ${chatBorderColor};
        border-radius: 1.5rem;
      }
      .play {
        display: inline-grid;
        place-items: center;
        flex: none;
        inline-size: 2.5rem;
        block-size: 2.5rem;
        padding: 0;
        border: 0;
        border-radius: 50%;
        background: ${chatAccentColor};
        color: ${chatOnAccentColor};
      }
      .play svg {
        inline-size: 1.25rem;
        block-size: 1.25rem;
        fill: currentColor;
      }
      input {
        flex: 1;
        min-inline-size: 4rem;
        margin: 0;
        accent-color: ${chatAccentColor};
      }
      .time {
        flex: none;
        font-size: 0.8125rem;
        font-variant-numeric: tabular-nums;
        color: ${chatMutedColor};
        unicode-bidi: isolate;
      }
      .error {
        font-size: 0.8125rem;
      }
    `,
  ];

  /** The audio's URL (an attachment's `url`, or an object URL). */
  @property() src = '';

  /** What is played, added to the player's name ("Voice message, note.webm"). */
  @property() name = '';

  /** The length in seconds when the owner knows it (a recording's); otherwise read from the file. */
  @property({ type: Number }) duration = 0;

  @state() private playing = false;
  @state() private position = 0;
  @state() private length = 0;
  @state() private failed = false;
  @query('audio') private audio!: HTMLAudioElement;
  @query('input') private slider!: HTMLInputElement;

  private readonly l10n = new LocaleConsumer(this);
  /** Seeking to the end to learn a WebM recording's length; time updates meanwhile are not the visitor's. */
  private probing = false;

  /** Whether it is playing. */
  get isPlaying(): boolean {
    return this.playing;
  }

  /** The position in seconds. */
  get currentTime(): number {
    return this.position;
  }

  /** Starts playing. Rejects as `HTMLMediaElement.play()` does (e.g. no user gesture yet). */
  async play(): Promise<void> {
    await this.updateComplete;
    await this.audio.play();
  }

  /** Pauses. */
  pause(): void {
    this.audio?.pause();
  }

  /** Moves to `seconds` (clamped to the audio). */
  seek(seconds: number): void {
    const end = this.knownLength;
    const target = Math.max(0, end ? Math.min(end, seconds) : seconds);
    if (this.audio) this.audio.currentTime = target;
    this.position = target;
  }

  /** Moves focus to the play button. */
  override focus(options?: FocusOptions): void {
    this.renderRoot.querySelector<HTMLElement>('.play')?.focus(options);
  }

  private get knownLength(): number {
    return this.length || this.duration || 0;
  }

  protected override willUpdate(changed: PropertyValues<this>): void {
    if (changed.has('src')) {
      this.playing = false;
      this.position = 0;
      this.length = 0;
      this.failed = false;
    }
  }

  override render() {
    const t = this.l10n.value.strings.voice;
    const locale = this.l10n.value.locale;
    const length = this.knownLength;
    const position = formatDuration(this.position, locale);
    const total = length ? formatDuration(length, locale) : '–:––';
    const label = this.name ? `${t.voiceMessage}, ${this.name}` : t.voiceMessage;
    return html`<div part="base" class="base" role="group" aria-label=${label}>
      <audio
        preload="metadata"
        src=${this.src || nothing}
        @loadedmetadata=${this.handleMetadata}
        @durationchange=${this.handleDuration}
        @timeupdate=${this.handleTime}
        @play=${() => (this.playing = true)}
        @pause=${() => (this.playing = false)}
        @ended=${this.handleEnded}
        @error=${() => (this.failed = Boolean(this.src))}
      ></audio>
      <button type="button" part="play-button" class="play" aria-label=${this.playing ? t.pause : t.play} @click=${this.handleToggle}>
        ${this.playing ? pauseIcon : playIcon}
      </button>
      <input
        part="slider"
        type="range"
        min="0"
        max=${length || 0}
        step="any"
        .value=${String(this.position)}
        aria-label=${t.position}
        aria-valuetext=${t.positionOf(position, total)}
        @input=${this.handleSlider}
        @keydown=${this.handleKeydown}
      />
      <span part="time" class="time" aria-hidden="true">${position} / ${total}</span>
      ${this.failed ? html`<span class="error" role="img" aria-label=${t.errors.unknown}>⚠</span>` : nothing}
    </div>`;
  }

  private async handleToggle(): Promise<void> {
    if (!this.audio.paused) {
      this.audio.pause();
      return;
    }
    try {
      await this.audio.play();
    } catch (error) {
      if ((error as DOMException)?.name !== 'AbortError') console.warn('[amoiq-chat] audio: cannot play:', error);
    }
  }

  private handleMetadata(): void {
    if (Number.isFinite(this.audio.duration)) {
      this.length = this.audio.duration;
    } else if (!this.duration) {
      // A MediaRecorder WebM has no length in its header; seeking far past the end makes the browser find it.
      this.probing = true;
      this.audio.currentTime = 1e101;
    }
  }

  private handleDuration(): void {
    if (!Number.isFinite(this.audio.duration)) return;
    this.length = this.audio.duration;
    if (this.probing) {
      this.probing = false;
      this.audio.currentTime = 0;
      this.position = 0;
    }
  }

  private handleTime(): void {
    if (!this.probing) this.position = this.audio.currentTime;
  }

  private handleEnded(): void {
    this.playing = false;
    this.position = this.knownLength;
  }

  private handleSlider(): void {
    this.seek(Number(this.slider.value));
  }

  private handleKeydown(e: KeyboardEvent): void {
    const rtl = getComputedStyle(this).direction === 'rtl';
    const length = this.knownLength;
    const step: Record<string, number> = {
      ArrowUp: SEEK_STEP_SECONDS,
      ArrowDown: -SEEK_STEP_SECONDS,
      ArrowRight: rtl ? -SEEK_STEP_SECONDS : SEEK_STEP_SECONDS,
      ArrowLeft: rtl ? SEEK_STEP_SECONDS : -SEEK_STEP_SECONDS,
      PageUp: Math.max(SEEK_STEP_SECONDS, length / 10),
      PageDown: -Math.max(SEEK_STEP_SECONDS, length / 10),
    };
    if (e.key === 'Home') this.seek(0);
    else if (e.key === 'End') this.seek(length);
    else if (e.key in step) this.seek(this.position + step[e.key]);
    else return;
    e.preventDefault();
  }
}
