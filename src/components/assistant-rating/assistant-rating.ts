import { LitElement, css, html } from 'lit';
import { state } from 'lit/decorators.js';
import { ChatStateController } from '../../controllers/chat-state-controller.js';
import { LocaleConsumer } from '../../i18n/localize.js';
import { sharedStyles } from '../../styles/shared.js';
import { chatAccentColor, chatMutedColor } from '../../styles/tokens.js';
import { formStyles } from '../pre-chat-form/form.styles.js';

/**
 * "How was this conversation?" after it was closed: five stars (native radio buttons, so arrow
 * keys move between them), an optional comment and Send (`ChatService.rate()`). Sending again
 * replaces the rating. The outcome is a polite status.
 *
 * @tag amoiq-assistant-rating
 * @summary The 1–5 rating form of a closed conversation.
 *
 * @csspart base - The form.
 * @csspart star - One star (a label around its radio button).
 * @csspart submit-button - The Send button.
 */
export class AmoiqAssistantRating extends LitElement {
  static override styles = [
    sharedStyles,
    formStyles,
    css`
      :host {
        display: block;
      }
      form {
        display: grid;
        gap: 0.375rem;
        justify-items: center;
      }
      fieldset {
        border: 0;
        margin: 0;
        padding: 0;
        display: grid;
        justify-items: center;
      }
      legend {
        font-size: 0.875rem;
        padding: 0;
        margin-block-end: 0.25rem;
      }
      .stars {
        display: flex;
        gap: 0.125rem;
      }
      .star {
        position: relative;
        font-size: 1.5rem;
        line-height: 1;
        color: ${chatMutedColor};
        cursor: pointer;
        padding: 0.125rem;
      }
      .star input {
        position: absolute;
        opacity: 0;
        inset: 0;
        margin: 0;
        cursor: pointer;
      }
      .star.on {
        color: ${chatAccentColor};
      }
      .star:has(input:focus-visible) {
        outline: 2px solid ${chatAccentColor};
        outline-offset: 1px;
        border-radius: 0.25rem;
      }
      label.comment {
        display: grid;
        gap: 0.125rem;
        font-size: 0.8125rem;
        justify-items: start;
      }
      textarea {
        font: inherit;
        min-inline-size: 15rem;
      }
      .status {
        margin: 0;
        font-size: 0.8125rem;
      }
      .status:empty {
        display: none;
      }
      @media (forced-colors: active) {
        .star.on {
          color: Highlight;
        }
      }
    `,
  ];

  @state() private score = 0;
  @state() private status: '' | 'sent' | 'failed' = '';
  @state() private busy = false;
  private readonly chat = new ChatStateController(this);
  private readonly l10n = new LocaleConsumer(this);

  override render() {
    const t = this.l10n.value.strings.assistantUi;
    return html`<form part="base" @submit=${this.handleSubmit}>
      <fieldset>
        <legend>${t.ratingQuestion}</legend>
        <div class="stars">
          ${[1, 2, 3, 4, 5].map(
            (n) => html`<label part="star" class="star ${n <= this.score ? 'on' : ''}">
              <input type="radio" name="score" .value=${String(n)} .checked=${n === this.score} aria-label=${t.ratingStar(n)} @change=${() => (this.score = n)} /><span aria-hidden="true"
                >${n <= this.score ? '★' : '☆'}</span
              >
            </label>`,
          )}
        </div>
      </fieldset>
      <label class="comment">${t.ratingComment}<textarea name="comment" rows="2" maxlength="1000"></textarea></label>
      <button part="submit-button" class="submit" type="submit" aria-disabled=${!this.score || this.busy ? 'true' : 'false'}>${t.submitRating}</button>
      <p class="status" role="status">${this.status === 'sent' ? t.ratingThanks : this.status === 'failed' ? t.ratingFailed : ''}</p>
    </form>`;
  }

  private readonly handleSubmit = async (e: SubmitEvent): Promise<void> => {
    e.preventDefault();
    const service = this.chat.service;
    if (!service || !this.score || this.busy) return;
    const comment = ((e.target as HTMLFormElement).elements.namedItem('comment') as HTMLTextAreaElement).value.trim();
    this.busy = true;
    this.status = '';
    try {
      await service.rate(this.score, comment || undefined);
      this.status = 'sent';
    } catch (err) {
      this.status = 'failed';
      console.warn(`[amoiq-chat] Rating not sent: ${(err as Error).message}`);
    } finally {
      this.busy = false;
    }
  };
}
