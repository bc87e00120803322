import { LitElement, html, nothing } from 'lit';
import { property, query, state } from 'lit/decorators.js';
import { ChatStateController } from '../../controllers/chat-state-controller.js';
import { LocaleConsumer } from '../../i18n/localize.js';
import { sharedStyles } from '../../styles/shared.js';
import { isEmail } from '../pre-chat-form/fields.js';
import { formStyles } from '../pre-chat-form/form.styles.js';
import { styles } from './away-banner.styles.js';

/**
 * Shown while no agent is online: the away message and an e-mail field so the team can answer
 * later. Once an address is stored it says where the reply will go instead of asking again.
 * Messages can still be written and are sent (or queued) as usual.
 *
 * @tag amoiq-away-banner
 * @summary Away message and e-mail capture of the chat panel.
 *
 * @csspart base - The banner.
 * @csspart message - The away message.
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
  @query('input') private input?: HTMLInputElement;

  private readonly chat = new ChatStateController(this);
  private readonly l10n = new LocaleConsumer(this);

  override render() {
    const t = this.l10n.value.strings;
    const email = this.chat.state?.contact?.email;
    return html`
      <div part="base" class="base" role="region" aria-labelledby="message">
        <p part="message" id="message" dir="auto">${this.message || t.awayMessage}</p>
        ${
          email
            ? html`<p part="confirmation" role="status">${t.willReplyTo(email)}</p>`
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
