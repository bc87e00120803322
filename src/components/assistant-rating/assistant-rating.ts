import { LitElement, css, html, nothing } from 'lit';
import { query, state } from 'lit/decorators.js';
import { ChatStateController } from '../../controllers/chat-state-controller.js';
import { LocaleConsumer } from '../../i18n/localize.js';
import { sharedStyles } from '../../styles/shared.js';
import { chatAccentColor, chatMutedColor } from '../../styles/tokens.js';
import { formStyles } from '../pre-chat-form/form.styles.js';

/**
 * "How was this conversation?" after it was closed: five stars (native radio buttons, so arrow
 * keys move between them); once a star is chosen, an optional comment and Send
 * (`ChatService.rate()`). The outcome is a polite status, scrolled into view within the closed
 * bar. Once stored, the form gives way to the rating as given ("You rated 4 of 5.", and the
 * comment), read-only, and focus moves there: it is not sent again. When sending fails the form
 * stays as it was, saying so.
 *
 * @tag amoiq-assistant-rating
 * @summary The 1–5 rating form of a closed conversation.
 *
 * @csspart base - The form.
 * @csspart star - One star (a label around its radio button).
 * @csspart submit-button - The Send button.
 * @csspart given - The rating as given, once stored (read-only).
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
      .more {
        display: grid;
        gap: 0.375rem;
        justify-items: center;
      }
      .more[hidden] {
        display: none;
      }
      label.comment {
        display: grid;
        gap: 0.125rem;
        font-size: 0.8125rem;
        justify-items: start;
      }
      textarea {
        min-inline-size: min(15rem, 100%);
      }
      .given {
        display: grid;
        gap: 0.125rem;
        justify-items: center;
        padding: 0.125rem 0.5rem;
      }
      .given:focus {
        outline: none;
      }
      .given:focus-visible {
        outline: 2px solid ${chatAccentColor};
        border-radius: 0.25rem;
      }
      .given p {
        margin: 0;
        font-size: 0.875rem;
      }
      .given .stars {
        font-size: 1.25rem;
        line-height: 1;
        color: ${chatAccentColor};
      }
      .status {
        margin: 0;
        font-size: 0.8125rem;
        text-align: center;
      }
      .status:empty {
        display: none;
      }
      @media (forced-colors: active) {
        .star.on,
        .given .stars {
          color: Highlight;
        }
      }
    `,
  ];

  @state() private score = 0;
  @state() private status: '' | 'sent' | 'failed' = '';
  @state() private busy = false;
  /** What was stored: shown, read-only, instead of the form. */
  @state() private given?: { score: number; comment: string };
  @query('.status') private statusLine?: HTMLElement;
  @query('.given') private givenBlock?: HTMLElement;
  @query('.more') private more?: HTMLElement;
  private readonly chat = new ChatStateController(this);
  private readonly l10n = new LocaleConsumer(this);

  override render() {
    const t = this.l10n.value.strings.assistantUi;
    const given = this.given;
    return html`${
      given
        ? html`<div part="given" class="given" tabindex="-1">
            <p><span class="stars" aria-hidden="true">${'★'.repeat(given.score)}${'☆'.repeat(5 - given.score)}</span></p>
            <p>${t.ratingGiven(given.score)}</p>
            ${given.comment ? html`<p dir="auto">${t.feedbackYourComment(given.comment)}</p>` : nothing}
          </div>`
        : html`<form part="base" @submit=${this.handleSubmit}>
            <fieldset>
              <legend>${t.ratingQuestion}</legend>
              <div class="stars">
                ${[1, 2, 3, 4, 5].map(
                  (n) => html`<label part="star" class="star ${n <= this.score ? 'on' : ''}">
                    <input type="radio" name="score" .value=${String(n)} .checked=${n === this.score} aria-label=${t.ratingStar(n)} @change=${() => this.choose(n)} /><span aria-hidden="true"
                      >${n <= this.score ? '★' : '☆'}</span
                    >
                  </label>`,
                )}
              </div>
            </fieldset>
            <div class="more" ?hidden=${!this.score}>
              <label class="comment">${t.ratingComment}<textarea name="comment" rows="2" maxlength="1000"></textarea></label>
              <button part="submit-button" class="submit" type="submit" aria-disabled=${!this.score || this.busy ? 'true' : 'false'}>${t.submitRating}</button>
            </div>
          </form>`
    }
    <p class="status" role="status">${this.status === 'sent' ? t.ratingThanks : this.status === 'failed' ? t.ratingFailed : ''}</p>`;
  }

  /** A star chosen: the first time, the comment and Send show under the stars, brought into view. */
  private async choose(n: number): Promise<void> {
    const first = !this.score;
    this.score = n;
    if (!first) return;
    await this.updateComplete;
    this.more?.scrollIntoView({ block: 'nearest' });
  }

  private readonly handleSubmit = async (e: SubmitEvent): Promise<void> => {
    e.preventDefault();
    const service = this.chat.service;
    if (!service || !this.score || this.busy || this.given) return;
    const score = this.score;
    const hadFocus = !!this.shadowRoot?.activeElement;
    const comment = ((e.target as HTMLFormElement).elements.namedItem('comment') as HTMLTextAreaElement).value.trim();
    this.busy = true;
    this.status = '';
    try {
      await service.rate(score, comment || undefined);
      this.status = 'sent';
      this.given = { score, comment };
    } catch (err) {
      this.status = 'failed';
      console.warn(`[amoiq-chat] Rating not sent: ${(err as Error).message}`);
    } finally {
      this.busy = false;
    }
    await this.updateComplete;
    // The closed bar scrolls within the panel: the outcome is brought into view there.
    if (this.given) {
      // The Send button is gone: focus goes to the rating as given, not to <body>.
      if (hadFocus) this.givenBlock?.focus({ preventScroll: true });
      this.scrollIntoView({ block: 'nearest' });
    } else this.statusLine?.scrollIntoView({ block: 'nearest' });
  };
}
