import { LitElement, html, nothing } from 'lit';
import { property, query, state } from 'lit/decorators.js';
import { ChatStateController } from '../../controllers/chat-state-controller.js';
import { LocaleConsumer } from '../../i18n/localize.js';
import { sharedStyles } from '../../styles/shared.js';
import { isEmail } from '../pre-chat-form/fields.js';
import { formStyles } from '../pre-chat-form/form.styles.js';
import { styles } from './away-banner.styles.js';

/**
 * Shown while no agent is online: a short away message and a labelled e-mail field so the team
 * can answer later, on a quiet tint; the visitor can dismiss it. Once an address is stored it says
 * where the reply will go instead of asking again. Messages can still be written and are sent (or
 * queued) as usual.
 *
 * @tag amoiq-away-banner
 * @summary Away message and e-mail capture of the chat panel.
 *
 * @csspart base - The banner.
 * @csspart message - The away message.
 * @csspart dismiss-button - The button that hides the banner.
 * @csspart email-input - The e-mail field.
 * @csspart submit-button - The button that saves the e-mail.
 * @csspart confirmation - "We'll reply to …", once an e-mail is known.
 */
export class AmoiqAwayBanner extends LitElement {
  static override styles = [sharedStyles, formStyles, styles];

  /** The away message; empty for the localized default. */
  @property() message = '';

  /** Leave out the e-mail field (the chat sets it while its pre-chat form asks for details). */
  @property({ type: Boolean, attribute: 'no-email' }) noEmail = false;

  @state() private error = '';
  @state() private busy = false;
  @state() private dismissed = false;
  @query('input') private input?: HTMLInputElement;

  private readonly chat = new ChatStateController(this);
  private readonly l10n = new LocaleConsumer(this);

  override render() {
    if (this.dismissed) return nothing;
    const t = this.l10n.value.strings;
    const email = this.chat.state?.contact?.email;
    return html`
      <div part="base" class="base" role="region" aria-labelledby="message">
        <div class="head">
          <svg class="icon" viewBox="0 0 24 24" aria-hidden="true"><path d="M12.3 2a9.9 9.9 0 1 0 9.7 12.2A8 8 0 0 1 12.3 2z" /></svg>
          <p part="message" id="message" dir="auto">${this.message || t.awayMessage}</p>
          <button part="dismiss-button" class="dismiss" type="button" aria-label=${t.dismiss} @click=${this.dismiss}>
            <svg viewBox="0 0 24 24" aria-hidden="true"><path d="M19 6.4 17.6 5 12 10.6 6.4 5 5 6.4 10.6 12 5 17.6 6.4 19l5.6-5.6 5.6 5.6 1.4-1.4-5.6-5.6z" /></svg>
          </button>
        </div>
        ${
          email
            ? html`<p part="confirmation" class="confirmation" role="status">${t.willReplyTo(email)}</p>`
            : this.noEmail
              ? nothing
              : html`<form novalidate @submit=${this.handleSubmit}>
              <label for="email">${t.awayEmailLabel}</label>
              <input
                part="email-input"
                id="email"
                name="email"
                type="email"
                autocomplete="email"
                inputmode="email"
                placeholder="name@example.com"
                maxlength="254"
                aria-invalid=${this.error ? 'true' : 'false'}
                aria-describedby=${this.error ? 'error' : nothing}
                @input=${() => (this.error = '')}
              />
              <button part="submit-button" class="submit" type="submit" aria-disabled=${this.busy ? 'true' : 'false'}>${t.awayEmailSubmit}</button>
              ${this.error ? html`<p class="error" id="error" role="alert">${this.error}</p>` : nothing}
            </form>`
        }
      </div>
    `;
  }

  /**
   * Hides the banner for as long as this element lives (the panel keeps it while nobody is online).
   * Focus goes to the message box beside it in the panel, so it is not lost with the button.
   */
  private dismiss(): void {
    this.dismissed = true;
    const root = this.getRootNode() as ParentNode;
    (root.querySelector?.('amoiq-chat-input') as HTMLElement | null)?.focus();
  }

  private async handleSubmit(e: SubmitEvent): Promise<void> {
    e.preventDefault();
    const t = this.l10n.value.strings;
    const email = this.input?.value.trim() ?? '';
    if (!email || this.input?.validity.typeMismatch || !isEmail(email)) {
      this.error = t.emailInvalid;
      this.input?.focus();
      return;
    }
    const service = this.chat.service;
    if (!service || this.busy) return;
    this.busy = true;
    try {
      // <amoiq-chat> fires amoiq-contact once stored.
      await service.submitContact({ email }, 'away');
    } catch (err) {
      this.error = t.contactFailed;
      console.warn(`[amoiq-chat] The e-mail was not saved: ${(err as Error).message}`);
    } finally {
      this.busy = false;
    }
  }
}
