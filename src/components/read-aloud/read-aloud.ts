import { LitElement, css, html, nothing } from 'lit';
import { property, state } from 'lit/decorators.js';
import { LocaleConsumer, requestedLang } from '../../i18n/localize.js';
import { ReadAloud } from '../../services/voice/read-aloud.js';
import { sharedStyles } from '../../styles/shared.js';
import { chatAccentColor, chatMutedColor, chatTextColor } from '../../styles/tokens.js';

/** One reader for the page, so starting a message stops the one being read. Made again if the page's `speechSynthesis` changes (tests). */
let shared: { synth: unknown; reader: ReadAloud } | undefined;
function reader(): ReadAloud {
  const synth = globalThis.speechSynthesis;
  if (!shared || shared.synth !== synth) {
    shared?.reader.stop();
    shared = { synth, reader: new ReadAloud() };
  }
  return shared.reader;
}

/** How many elements show each message's button (a row re-rendered or scrolled back is a new element). */
const shown = new Map<string, number>();

/**
 * The "Read aloud" button under an agent's or the assistant's message: reads the message with
 * `speechSynthesis` in the widget's language (`lang` of `<amoiq-chat>`, else the page's), with a
 * voice of that language where the system has one; while it reads, the button says "Stop reading"
 * and is pressed. One message is read at a time; starting another stops the first, and so does
 * the message leaving the page. Where the browser has no `speechSynthesis` the element renders
 * nothing (the message list does not even place it).
 *
 * @tag amoiq-read-aloud
 * @summary Read one message aloud.
 *
 * @csspart button - The read-aloud button.
 */
export class AmoiqReadAloud extends LitElement {
  static override styles = [
    sharedStyles,
    css`
      /* One text line tall, so the row keeps its height when the element upgrades (the list has
         measured it by then); the 1.75rem button overflows the line, centred on it. */
      :host {
        display: inline-block;
        position: relative;
        inline-size: 1.75rem;
        block-size: 1em;
        margin-inline-start: 0.25rem;
        vertical-align: -0.125em;
      }
      .button {
        position: absolute;
        inset-block-start: 50%;
        inset-inline-start: 0;
        transform: translateY(-50%);
        display: inline-grid;
        place-items: center;
        inline-size: 1.75rem;
        block-size: 1.75rem;
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
      }
      svg {
        inline-size: 1.125rem;
        block-size: 1.125rem;
        fill: currentColor;
      }
      :host(:dir(rtl)) svg {
        transform: scaleX(-1);
      }
    `,
  ];

  /** The message's text (Markdown; its marks are not read out). */
  @property({ attribute: false }) text = '';

  /** The message's key: the button of the message being read shows "Stop reading", whichever element it is. */
  @property({ attribute: 'message-key' }) messageKey = '';

  @state() private speaking = false;

  private readonly l10n = new LocaleConsumer(this);
  private unsubscribe?: () => void;
  private key = '';

  override connectedCallback(): void {
    super.connectedCallback();
    const r = reader();
    this.speaking = r.snapshot.speakingId !== null && r.snapshot.speakingId === this.messageKey;
    this.unsubscribe = r.subscribe(({ speakingId }) => (this.speaking = speakingId !== null && speakingId === this.messageKey));
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    this.unsubscribe?.();
    const key = this.key;
    this.forget();
    // The message left the page (not a row drawn again in the same turn): stop reading it.
    queueMicrotask(() => {
      if (key && !shown.get(key) && reader().snapshot.speakingId === key) reader().stop();
    });
  }

  protected override willUpdate(): void {
    if (this.key === this.messageKey || !this.isConnected) return;
    this.forget();
    this.key = this.messageKey;
    shown.set(this.key, (shown.get(this.key) ?? 0) + 1);
  }

  /** Reads the message (as the button does); resolves when it has been read or stopped. */
  async read(): Promise<void> {
    try {
      await reader().speak(this.messageKey, this.text, requestedLang(this));
    } catch (err) {
      console.warn(`[amoiq-chat] read aloud: ${(err as Error).message}`);
    }
  }

  /** Stops reading. */
  stop(): void {
    if (this.speaking) reader().stop();
  }

  override render() {
    if (!reader().isSupported() || !this.text.trim()) return nothing;
    const t = this.l10n.value.strings.voice;
    return html`<button
      part="button"
      class="button"
      type="button"
      aria-label=${this.speaking ? t.stopReading : t.readAloud}
      title=${this.speaking ? t.stopReading : t.readAloud}
      @click=${() => (this.speaking ? this.stop() : void this.read())}
    >
      ${this.speaking ? stopIcon : speakerIcon}
    </button>`;
  }

  private forget(): void {
    if (!this.key) return;
    const n = (shown.get(this.key) ?? 1) - 1;
    if (n > 0) shown.set(this.key, n);
    else shown.delete(this.key);
    this.key = '';
  }
}

/** Registers `<amoiq-read-aloud>` unless it is registered already. */
export function defineReadAloud(registry: CustomElementRegistry = customElements): void {
  if (!registry.get('amoiq-read-aloud')) registry.define('amoiq-read-aloud', AmoiqReadAloud);
}

declare global {
  interface HTMLElementTagNameMap {
    'amoiq-read-aloud': AmoiqReadAloud;
  }
}

const speakerIcon = html`<svg viewBox="0 0 24 24" aria-hidden="true">
  <path d="M3 9v6h4l5 5V4L7 9zm13.5 3A4.5 4.5 0 0 0 14 8v8a4.5 4.5 0 0 0 2.5-4zM14 3.2v2.1a7 7 0 0 1 0 13.4v2.1a9 9 0 0 0 0-17.6z" />
</svg>`;

const stopIcon = html`<svg viewBox="0 0 24 24" aria-hidden="true"><path d="M6 6h12v12H6z" /></svg>`;
