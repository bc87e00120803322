import { ContextConsumer } from '@lit/context';
import { LitElement, html, nothing } from 'lit';
import { property, state } from 'lit/decorators.js';
import { chatServiceContext } from '../../context.js';
import { LocaleConsumer } from '../../i18n/localize.js';
import type { ChatService } from '../../services/chat-service.js';

/** What the visitor said about each answer, per chat: rows come and go as the list scrolls. */
const given = new WeakMap<ChatService, Map<string, boolean>>();

/**
 * "Was this answer helpful?" under an assistant message: Helpful / Not helpful (toggle buttons),
 * and after "Not helpful" an optional comment. Each press is sent at once
 * (`ChatService.feedback()`); a later one replaces it. A short status line says it was sent, or
 * that it failed.
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

  @state() private commenting = false;
  @state() private status: '' | 'sent' | 'failed' = '';
  private readonly l10n = new LocaleConsumer(this);
  private service?: ChatService;

  constructor() {
    super();
    new ContextConsumer(this, {
      context: chatServiceContext,
      subscribe: true,
      callback: (s) => {
        this.service = s;
        this.requestUpdate();
      },
    });
  }

  protected override createRenderRoot(): HTMLElement {
    return this;
  }

  private get choice(): boolean | undefined {
    return this.service ? given.get(this.service)?.get(this.messageId) : undefined;
  }

  override render() {
    const t = this.l10n.value.strings.assistantUi;
    const choice = this.choice;
    return html`<div part="feedback" class="feedback" role="group" aria-label=${t.feedbackQuestion}>
        <button part="helpful-button" class="feedback-button" type="button" aria-pressed=${choice === true ? 'true' : 'false'} @click=${() => this.send(true)}>
          <span aria-hidden="true">👍</span>${t.helpful}
        </button>
        <button part="not-helpful-button" class="feedback-button" type="button" aria-pressed=${choice === false ? 'true' : 'false'} @click=${() => this.send(false)}>
          <span aria-hidden="true">👎</span>${t.notHelpful}
        </button>
      </div>
      ${
        this.commenting
          ? html`<form class="feedback-comment" @submit=${this.handleComment}>
              <label>${t.feedbackComment}<textarea name="comment" rows="2" maxlength="1000"></textarea></label>
              <button class="feedback-button" type="submit">${t.sendFeedback}</button>
            </form>`
          : nothing
      }
      <p class="feedback-status" role="status">${this.status === 'sent' ? t.feedbackThanks : this.status === 'failed' ? t.feedbackFailed : ''}</p>`;
  }

  private async send(helpful: boolean, comment?: string): Promise<void> {
    const service = this.service;
    if (!service || !this.messageId) return;
    let mine = given.get(service);
    if (!mine) given.set(service, (mine = new Map()));
    mine.set(this.messageId, helpful);
    this.commenting = !helpful && comment === undefined;
    this.status = '';
    try {
      await service.feedback(this.messageId, helpful, comment);
      this.status = 'sent';
    } catch (err) {
      this.status = 'failed';
      console.warn(`[amoiq-chat] Feedback not sent: ${(err as Error).message}`);
    }
    this.requestUpdate();
  }

  private readonly handleComment = (e: SubmitEvent): void => {
    e.preventDefault();
    const comment = ((e.target as HTMLFormElement).elements.namedItem('comment') as HTMLTextAreaElement).value.trim();
    this.commenting = false;
    void this.send(false, comment);
  };
}
