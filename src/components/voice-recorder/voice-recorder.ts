import { LitElement, css, html, nothing } from 'lit';
import { property, state } from 'lit/decorators.js';
import { LocaleConsumer } from '../../i18n/localize.js';
import { VoiceRecorder, type RecorderSnapshot, type VoiceRecorderOptions } from '../../services/voice/recorder.js';
import { formatDuration } from '../../services/voice/view.js';
import { sharedStyles } from '../../styles/shared.js';
import { styleProps } from '../../styles/style-props.js';
import { chatErrorColor, chatMutedColor } from '../../styles/tokens.js';
import { AmoiqVoiceNoteEvent } from '../voice-panel/events.js';
import { sendIcon, trashIcon, waveformIcon } from '../voice-panel/icons.js';
import { voiceStyles } from '../voice-panel/voice.styles.js';

/**
 * The voice-message controls the message box can host: a record button; while recording, the
 * time against the limit, a level meter, Discard and Send; at the limit recording stops and the
 * note waits for Send or Discard. A refused or missing microphone is explained in place. Status
 * changes (recording, limit reached, discarded, problems) are announced in one polite live region.
 *
 * Send fires `amoiq-voice-note` with a `File` for the chat's usual upload path.
 *
 * @tag amoiq-voice-recorder
 * @summary Record, discard or send a voice message.
 *
 * @fires {AmoiqVoiceNoteEvent} amoiq-voice-note - A recorded note (`file`, `durationMs`) to upload.
 *
 * @csspart base - The controls.
 * @csspart record-button - Start recording.
 * @csspart timer - Time recorded.
 * @csspart level-meter - The microphone level.
 * @csspart discard-button - Discard.
 * @csspart send-button - Send.
 */
export class AmoiqVoiceRecorder extends LitElement {
  static override styles = [
    sharedStyles,
    voiceStyles,
    css`
      :host {
        display: block;
      }
      .base {
        display: flex;
        flex-wrap: wrap;
        align-items: center;
        gap: 0.5rem;
      }
      .round {
        padding: 0;
        border-radius: 50%;
      }
      /* At rest it is one of the message box's quiet tools (attach, dictation, emoji): same size, no ring. */
      .record {
        min-block-size: 2.25rem;
        min-inline-size: 2.25rem;
        border-color: transparent;
        background: transparent;
        color: ${chatMutedColor};
      }
      .record:hover {
        color: inherit;
        background: color-mix(in srgb, currentColor 12%, transparent);
      }
      .dot {
        inline-size: 0.625rem;
        block-size: 0.625rem;
        border-radius: 50%;
        background: ${chatErrorColor};
        flex: none;
      }
      .meter {
        flex: 1;
        min-inline-size: 3rem;
        inline-size: auto;
      }
      .status {
        font-size: 0.8125rem;
        color: ${chatMutedColor};
      }
      .problem {
        flex-basis: 100%;
        margin: 0;
        font-size: 0.8125rem;
        color: ${chatErrorColor};
      }
    `,
  ];
  static override shadowRootOptions = { ...LitElement.shadowRootOptions, delegatesFocus: true };

  /** Longest note in seconds (`config.voice.maxNoteSeconds`). */
  @property({ type: Number, attribute: 'max-seconds' }) maxSeconds = 120;

  /** Makes the recorder for each note; tests and the owner may inject media fakes here. */
  @property({ attribute: false }) createRecorder: (options: VoiceRecorderOptions) => VoiceRecorder = (options) =>
    new VoiceRecorder(options);

  @state() private snapshot: RecorderSnapshot = { state: 'idle', limitReached: false };
  @state() private announcement = '';
  @state() private tick = 0;

  private readonly l10n = new LocaleConsumer(this);
  private recorder: VoiceRecorder | null = null;
  private unsubscribe?: () => void;
  private ticker: ReturnType<typeof setInterval> | undefined;

  /** The current recorder (while a note is being made), for the owner and tests. */
  get current(): VoiceRecorder | null {
    return this.recorder;
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    this.discard(false);
  }

  /** Starts recording a note (as the record button does). */
  async record(): Promise<void> {
    if (this.recorder) return;
    const t = this.l10n.value.strings.voice;
    const recorder = this.createRecorder({ maxSeconds: this.maxSeconds });
    this.recorder = recorder;
    this.unsubscribe = recorder.subscribe((snapshot) => {
      const before = this.snapshot;
      this.snapshot = snapshot;
      if (snapshot.state === 'recording' && before.state !== 'recording') this.announcement = t.recording;
      if (snapshot.state === 'stopped' && snapshot.limitReached) this.announcement = t.recordingLimit;
      if (snapshot.state === 'failed' && snapshot.problem) this.announcement = t.errors[snapshot.problem];
    });
    this.ticker = setInterval(() => this.tick++, 100);
    try {
      await recorder.start();
      await this.updateComplete;
      this.renderRoot.querySelector<HTMLElement>('.send')?.focus();
    } catch {
      this.release();
      await this.updateComplete;
      this.renderRoot.querySelector<HTMLElement>('.record')?.focus();
    }
  }

  /** Stops and sends the note (as the Send button does). */
  async send(): Promise<void> {
    const recorder = this.recorder;
    if (!recorder) return;
    try {
      const file = await recorder.finish();
      this.dispatchEvent(new AmoiqVoiceNoteEvent({ file, durationMs: recorder.elapsedMs() }));
    } catch {
      // Cancelled or failed meanwhile: the snapshot says which.
    }
    this.reset();
  }

  /** Throws the note away (as the Discard button does). */
  discard(announce = true): void {
    if (!this.recorder) return;
    this.recorder.cancel();
    this.reset();
    if (announce) this.announcement = this.l10n.value.strings.voice.recordingDiscarded;
  }

  override render() {
    const t = this.l10n.value.strings.voice;
    const { state, problem } = this.snapshot;
    const active = state === 'starting' || state === 'recording' || state === 'stopped';
    return html`<div part="base" class="base">
      <span class="visually-hidden" role="status" aria-live="polite">${this.announcement}</span>
      ${active ? this.renderActive() : html`<button type="button" part="record-button" class="button round record" aria-label=${t.record} @click=${this.record}>${waveformIcon}</button>`}
      ${!active && state === 'failed' && problem ? html`<p class="problem">${t.errors[problem]}</p>` : nothing}
    </div>`;
  }

  private renderActive() {
    const t = this.l10n.value.strings.voice;
    const locale = this.l10n.value.locale;
    const recorder = this.recorder;
    const recording = this.snapshot.state === 'recording';
    const elapsed = formatDuration((recorder?.elapsedMs() ?? 0) / 1000, locale);
    const max = formatDuration(this.maxSeconds, locale);
    const level = recording ? (recorder?.level() ?? 0) : 0;
    void this.tick; // re-rendered by the ticker for the timer and the level
    return html`${recording ? html`<span class="dot" aria-hidden="true"></span>` : nothing}
      <span part="timer" class="time">${t.recordingTime(elapsed, max)}</span>
      ${this.snapshot.state === 'stopped' && this.snapshot.limitReached ? html`<span class="status">${t.recordingLimit}</span>` : nothing}
      ${
        recording
          ? html`<div part="level-meter" class="meter" role="meter" aria-label=${t.micLevel} aria-valuemin="0" aria-valuemax="100" aria-valuenow=${Math.round(level * 100)}>
            <div class="meter-fill" style=${styleProps({ '--level': String(level) })}></div>
          </div>`
          : nothing
      }
      <button type="button" part="discard-button" class="button round discard" aria-label=${t.discardRecording} @click=${() => this.discard()}>${trashIcon}</button>
      <button type="button" part="send-button" class="button round primary send" aria-label=${t.sendRecording} @click=${this.send}>${sendIcon}</button>`;
  }

  private reset(): void {
    const hadFocus = this.matches(':focus-within');
    this.release();
    this.snapshot = { state: 'idle', limitReached: false };
    if (hadFocus) void this.updateComplete.then(() => this.renderRoot.querySelector<HTMLElement>('.record')?.focus());
  }

  /** Stops following the recorder (its own state stays as it ended). */
  private release(): void {
    this.unsubscribe?.();
    this.unsubscribe = undefined;
    this.recorder = null;
    if (this.ticker) clearInterval(this.ticker);
    this.ticker = undefined;
  }
}
