import { LitElement, css, html, nothing } from 'lit';
import { property, state } from 'lit/decorators.js';
import { LocaleConsumer, requestedLang } from '../../i18n/localize.js';
import { Dictation, type DictationSnapshot, type SpeechRecognitionConstructor } from '../../services/voice/dictation.js';
import { sharedStyles } from '../../styles/shared.js';
import { chatAccentColor, chatMutedColor, chatSurfaceColor, chatTextColor, chatBorderColor } from '../../styles/tokens.js';
import { micIcon } from '../voice-panel/icons.js';

/** What the visitor dictated so far in this session; `final` once the session is over. */
export interface DictationDetail {
  /** Counts the element's sessions: the words of a new session go after what the box holds then. */
  session: number;
  /** The session's words: those the service is sure of, then those it may still change. */
  text: string;
  /** True once, when the session has ended: `text` is then all there is. */
  final: boolean;
}

/** Dictated words for the message box (not composed: it stays inside the message box). */
export class AmoiqDictationEvent extends CustomEvent<DictationDetail> {
  static readonly eventName = 'amoiq-dictation';
  constructor(detail: DictationDetail) {
    super(AmoiqDictationEvent.eventName, { bubbles: false, composed: false, detail });
  }
}

/**
 * The message box's dictation button (Web Speech API): a press starts listening in the widget's
 * language (`lang` of `<amoiq-chat>`, else the page's); words fill the box as they are heard
 * (interim, then final); a second press, or Escape anywhere in the message box, stops. While
 * listening the button is pressed and pulses, and "Listening…" is announced once. A refused
 * microphone, no speech, or an unreachable speech service is said calmly beside the button.
 * Where the browser has no `SpeechRecognition` the element renders nothing.
 *
 * The message box loads this element (its own chunk) only where the browser can dictate.
 *
 * @tag amoiq-dictation-button
 * @summary Dictate into the message box.
 *
 * @fires {AmoiqDictationEvent} amoiq-dictation - The session's words so far (`text`), and once at the end (`final`).
 *
 * @csspart button - The dictation button (`aria-pressed` while listening).
 * @csspart dictation-problem - Why dictation stopped, shown above the button.
 */
export class AmoiqDictationButton extends LitElement {
  static override styles = [
    sharedStyles,
    css`
      :host {
        display: inline-block;
        position: relative;
      }
      .button {
        display: inline-grid;
        place-items: center;
        width: 2.25rem;
        height: 2.25rem;
        padding: 0;
        border: 0;
        border-radius: 50%;
        background: transparent;
        color: ${chatMutedColor};
      }
      .button:hover {
        color: ${chatTextColor};
        background: color-mix(in srgb, currentColor 12%, transparent);
      }
      .button[aria-pressed='true'] {
        color: ${chatAccentColor};
        background: color-mix(in srgb, currentColor 14%, transparent);
        animation: pulse 1.4s ease-in-out infinite;
      }
      @keyframes pulse {
        50% {
          box-shadow: 0 0 0 0.3rem color-mix(in srgb, currentColor 22%, transparent);
        }
      }
      @media (prefers-reduced-motion: reduce) {
        .button[aria-pressed='true'] {
          animation: none;
          box-shadow: 0 0 0 0.15rem currentColor;
        }
      }
      svg {
        width: 1.25rem;
        height: 1.25rem;
        fill: currentColor;
      }
      .problem {
        position: absolute;
        z-index: 1;
        inset-block-end: calc(100% + 0.25rem);
        inset-inline-end: 0;
        inline-size: max-content;
        max-inline-size: 16rem;
        margin: 0;
        padding: 0.375rem 0.625rem;
        border: 1px solid ${chatBorderColor};
        border-radius: 0.5rem;
        background: ${chatSurfaceColor};
        color: ${chatTextColor};
        font-size: 0.8125rem;
      }
      @media (forced-colors: active) {
        .button[aria-pressed='true'] {
          outline: 2px solid Highlight;
        }
      }
    `,
  ];

  /** The recognizer constructor; left unset, the browser's (`SpeechRecognition` or `webkitSpeechRecognition`). */
  @property({ attribute: false }) speechRecognition?: SpeechRecognitionConstructor;

  @state() private snapshot: DictationSnapshot = { state: 'idle', final: '', interim: '' };
  /** The live region's text: set on a change of state only, so each is said once. */
  @state() private announcement = '';

  private readonly l10n = new LocaleConsumer(this);
  private dictation: Dictation | null = null;
  private unsubscribe?: () => void;
  private escapeScope: Node | null = null;
  private session = 0;

  /** True while a session is starting or listening. */
  get listening(): boolean {
    return this.snapshot.state === 'starting' || this.snapshot.state === 'listening';
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    this.dictation?.abort();
    this.release();
  }

  /** Starts listening (as the first press does). */
  start(): void {
    if (this.listening) return;
    this.release();
    const lang = requestedLang(this);
    const dictation = new Dictation({ lang, SpeechRecognition: this.speechRecognition });
    this.dictation = dictation;
    this.session++;
    this.unsubscribe = dictation.subscribe((snapshot) => this.handleSnapshot(snapshot));
    this.escapeScope = this.getRootNode();
    this.escapeScope.addEventListener('keydown', this.handleEscape as EventListener, true);
    dictation.start();
  }

  /** Stops listening; what was heard stays in the box (as a second press or Escape does). */
  stop(): void {
    this.dictation?.stop();
  }

  override render() {
    if (!this.speechRecognition && !Dictation.isSupported()) return nothing;
    const t = this.l10n.value.strings.voice;
    const problem = this.snapshot.state === 'error' && this.snapshot.problem ? t.dictationErrors[this.snapshot.problem] : '';
    return html`<button
        part="button"
        class="button"
        type="button"
        aria-label=${t.dictate}
        aria-pressed=${this.listening ? 'true' : 'false'}
        title=${this.listening ? t.stopDictation : t.dictate}
        @click=${() => (this.listening ? this.stop() : this.start())}
      >
        ${micIcon}
      </button>
      ${problem ? html`<p part="dictation-problem" class="problem">${problem}</p>` : nothing}
      <span class="visually-hidden" role="status">${this.announcement}</span>`;
  }

  private handleSnapshot(snapshot: DictationSnapshot): void {
    const before = this.snapshot;
    this.snapshot = snapshot;
    const t = this.l10n.value.strings.voice;
    if (snapshot.state === 'listening' && before.state !== 'listening') this.announcement = t.listening;
    else if (snapshot.state === 'error' && before.state !== 'error' && snapshot.problem)
      this.announcement = t.dictationErrors[snapshot.problem];
    else if (snapshot.state === 'idle' && before.state !== 'idle') this.announcement = '';
    const ended = snapshot.state === 'idle' || snapshot.state === 'error';
    const wasEnded = before.state === 'idle' || before.state === 'error';
    if (snapshot.final !== before.final || snapshot.interim !== before.interim || (ended && !wasEnded)) {
      this.dispatchEvent(new AmoiqDictationEvent({ session: this.session, text: snapshot.final + snapshot.interim, final: ended }));
    }
    if (ended) this.release(false);
  }

  private readonly handleEscape = (e: KeyboardEvent): void => {
    if (e.key !== 'Escape' || !this.listening) return;
    // The first Escape ends dictation only; the panel stays open.
    e.stopPropagation();
    this.stop();
  };

  private release(forget = true): void {
    this.escapeScope?.removeEventListener('keydown', this.handleEscape as EventListener, true);
    this.escapeScope = null;
    if (forget) {
      this.unsubscribe?.();
      this.unsubscribe = undefined;
      this.dictation = null;
    }
  }
}

/** Registers `<amoiq-dictation-button>` unless it is registered already. */
export function defineDictationButton(registry: CustomElementRegistry = customElements): void {
  if (!registry.get('amoiq-dictation-button')) registry.define('amoiq-dictation-button', AmoiqDictationButton);
}

declare global {
  interface HTMLElementTagNameMap {
    'amoiq-dictation-button': AmoiqDictationButton;
  }
}
