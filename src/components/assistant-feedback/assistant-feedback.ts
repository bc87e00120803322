import { ContextConsumer } from '@lit/context';
import { LitElement, html, nothing } from 'lit';
import { property, state } from 'lit/decorators.js';
import { chatServiceContext } from '../../context.js';
import { LocaleConsumer } from '../../i18n/localize.js';
import type { ChatService } from '../../services/chat-service.js';
import type { FeedbackRecord } from '../../services/store.js';

/**
 * "Was this answer helpful?" under an assistant message: Helpful / Not helpful (toggle buttons),
 * and after "Not helpful" an optional comment. Each press is sent at once
 * (`ChatService.feedback()`); a later one replaces it. A short status line says it was sent, or
 * that it failed. What was sent is the chat's `state.feedback` (kept per conversation in
 * IndexedDB), given as `sent`, so the pressed button and a sent comment show again after a
 * reload and in the visitor's other tabs; a press not sent yet (or that failed) stays pressed
 * here only.
 *
 * Renders into the light DOM of the message list, whose styles apply.
 *
 * @tag amoiq-assistant-feedback
 * @summary Feedback buttons of an assistant answer (inside the message list).
 * @internal
 */
export class AmoiqAssistantFeedback extends LitElement {
  /** The assistant message the feedback is about. */
  @property({ attribute: false }) messageId = '';
  /** What was sent about it (`state.feedback[messageId]`, set by the list as the state changes). */
  @property({ attribute: false }) sent?: FeedbackRecord;

  @state() private commenting = false;
  @state() private status: '' | 'sent' | 'failed' = '';
  /** The press being sent, or that could not be: shown pressed until the sent one replaces it. */
  @state() private pending?: boolean;
  private readonly l10n = new LocaleConsumer(this);
  private service?: ChatService;

  constructor() {
    super();
    new ContextConsumer(this, { context: chatServiceContext, subscribe: true, callback: (s) => (this.service = s) });
  }

  protected override createRenderRoot(): HTMLElement {
    return this;
  }

  override render() {
    const t = this.l10n.value.strings.assistantUi;
    const sent = this.sent;
    const choice = this.pending ?? sent?.helpful;
    return html`<div part="feedback" class="feedback" role="group" aria-label=${t.feedbackQuestion}>
        <button part="helpful-button" class="feedback-button" type="button" aria-pressed=${choice === true ? 'true' : 'false'} @click=${() => this.send(true)}>
          ${thumbUp}${t.helpful}
        </button>
        <button part="not-helpful-button" class="feedback-button" type="button" aria-pressed=${choice === false ? 'true' : 'false'} @click=${() => this.send(false)}>
          ${thumbDown}${t.notHelpful}
        </button>
      </div>
      ${
        this.commenting
          ? html`<form class="feedback-comment" @submit=${this.handleComment}>
              <label>${t.feedbackComment}<textarea name="comment" rows="2" maxlength="1000"></textarea></label>
              <button class="feedback-button" type="submit">${t.sendFeedback}</button>
            </form>`
          : sent?.comment && choice === sent.helpful
            ? html`<p class="feedback-given" dir="auto">${t.feedbackYourComment(sent.comment)}</p>`
            : nothing
      }
      <p class="feedback-status" role="status">${this.status === 'sent' ? t.feedbackThanks : this.status === 'failed' ? t.feedbackFailed : ''}</p>`;
  }

  private async send(helpful: boolean, comment?: string): Promise<void> {
    const service = this.service;
    if (!service || !this.messageId) return;
    this.pending = helpful;
    this.commenting = !helpful && comment === undefined;
    this.status = '';
    try {
      await service.feedback(this.messageId, helpful, comment);
      this.status = 'sent';
      // The state holds it now (unless a later press is on its way).
      if (this.pending === helpful) this.pending = undefined;
    } catch (err) {
      this.status = 'failed';
      console.warn(`[amoiq-chat] Feedback not sent: ${(err as Error).message}`);
    }
  }

  private readonly handleComment = (e: SubmitEvent): void => {
    e.preventDefault();
    const comment = ((e.target as HTMLFormElement).elements.namedItem('comment') as HTMLTextAreaElement).value.trim();
    this.commenting = false;
    void this.send(false, comment);
  };
}

/** Thumbs up and down as the widget's other icons are drawn (no emoji: not every system has an emoji font). */
const thumbUp = html`<svg class="feedback-icon" viewBox="0 0 24 24" aria-hidden="true">
  <path
    d="M2 21h4V9H2v12zM23 10c0-1.1-.9-2-2-2h-6.3l1-4.6v-.3c0-.4-.2-.8-.4-1.1L14.2 1 7.6 7.6C7.2 7.9 7 8.4 7 9v10c0 1.1.9 2 2 2h9c.8 0 1.5-.5 1.8-1.2l3-7.1c.1-.2.2-.5.2-.7v-2z"
  />
</svg>`;
const thumbDown = html`<svg class="feedback-icon" viewBox="0 0 24 24" aria-hidden="true">
  <path
    d="M22 3h-4v12h4V3zM1 14c0 1.1.9 2 2 2h6.3l-1 4.6v.3c0 .4.2.8.4 1.1L9.8 23l6.6-6.6c.4-.3.6-.8.6-1.4V5c0-1.1-.9-2-2-2H6c-.8 0-1.5.5-1.8 1.2l-3 7.1c-.1.2-.2.5-.2.7v2z"
  />
</svg>`;
