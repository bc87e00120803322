import { ContextConsumer } from '@lit/context';
import { LitElement, css, html, nothing, supportsAdoptingStyleSheets } from 'lit';
import { property, state } from 'lit/decorators.js';
import { chatServiceContext } from '../../context.js';
import { LocaleConsumer } from '../../i18n/localize.js';
import type { ChatService } from '../../services/chat-service.js';
import type { FeedbackRecord } from '../../services/store.js';

/**
 * Rules of the feedback's own, adopted by the root it renders into (the message list's, whose
 * assistant-parts styles lay the rest out): the comment box's type as the other forms' fields
 * (formStyles: normal weight, at least 16 px, so iOS Safari does not zoom on focus) and its
 * buttons' row.
 */
const feedbackStyles = css`
  amoiq-assistant-feedback .feedback-comment textarea {
    font: inherit;
    font-weight: 400;
    font-size: max(16px, 1rem);
  }
  amoiq-assistant-feedback .feedback-comment-actions {
    display: flex;
    flex-wrap: wrap;
    gap: 0.375rem;
  }
`;

/**
 * "Was this answer helpful?" under an assistant message: Helpful / Not helpful (toggle buttons),
 * and after "Not helpful" an optional comment (Enter sends it, Shift+Enter adds a line, as in the
 * message box; Skip closes it). Each press is sent at once (`ChatService.feedback()`); a later
 * one replaces it. A short status line right under the buttons thanks the visitor — after
 * "Helpful" once sent, after "Not helpful" once the comment is sent or skipped — or says it
 * failed (a comment that failed stays in its box). When the comment box closes, focus moves to
 * that line (or, while the press is still on its way, to the pressed button), not to <body>.
 * What was sent is the chat's `state.feedback` (kept per conversation in IndexedDB), given as
 * `sent`, so the pressed button and a sent comment show again after a reload and in the
 * visitor's other tabs; a press not sent yet (or that failed) stays pressed here only.
 *
 * Renders into the light DOM of the message list, whose styles apply (and adopts its own few).
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
  /** A comment being sent. */
  @state() private busy = false;
  /** Counts sends, so only the latest one's outcome shows. */
  private sends = 0;
  /** Whether the latest press reached the server (the thanks waits for the comment after "Not helpful"). */
  private pressSent = false;
  private readonly l10n = new LocaleConsumer(this);
  private service?: ChatService;

  constructor() {
    super();
    new ContextConsumer(this, { context: chatServiceContext, subscribe: true, callback: (s) => (this.service = s) });
  }

  protected override createRenderRoot(): HTMLElement {
    return this;
  }

  override connectedCallback(): void {
    super.connectedCallback();
    const root = this.getRootNode();
    const sheet = feedbackStyles.styleSheet;
    if (
      supportsAdoptingStyleSheets &&
      sheet &&
      (root instanceof ShadowRoot || root instanceof Document) &&
      !root.adoptedStyleSheets.includes(sheet)
    )
      root.adoptedStyleSheets = [...root.adoptedStyleSheets, sheet];
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
      <p class="feedback-status" role="status" tabindex="-1">${this.status === 'sent' ? t.feedbackThanks : this.status === 'failed' ? t.feedbackFailed : ''}</p>
      ${
        this.commenting
          ? html`<form class="feedback-comment" @submit=${this.handleComment}>
              <label>${t.feedbackComment}<textarea name="comment" rows="2" maxlength="1000" @keydown=${this.handleKeydown}></textarea></label>
              <div class="feedback-comment-actions">
                <button class="feedback-button" type="submit" aria-disabled=${this.busy ? 'true' : 'false'}>${t.sendFeedback}</button>
                <button class="feedback-button" type="button" @click=${this.skip}>${t.feedbackSkip}</button>
              </div>
            </form>`
          : sent?.comment && choice === sent.helpful
            ? html`<p class="feedback-given" dir="auto">${t.feedbackYourComment(sent.comment)}</p>`
            : nothing
      }`;
  }

  /** Sends a press (with a comment after "Not helpful"); resolves whether it was sent and is still the latest. */
  private async send(helpful: boolean, comment?: string): Promise<boolean> {
    const service = this.service;
    if (!service || !this.messageId) return false;
    const n = ++this.sends;
    this.pending = helpful;
    if (comment === undefined) {
      this.commenting = !helpful;
      this.pressSent = false;
    }
    this.status = '';
    try {
      await service.feedback(this.messageId, helpful, comment);
      if (n !== this.sends) return false;
      this.pressSent = true;
      // The state holds it now.
      this.pending = undefined;
      // A sent comment closes its box. Thanks now, unless the comment after "Not helpful" is
      // still being asked for: then once it is sent or skipped.
      if (comment !== undefined) this.commenting = false;
      if (!this.commenting) this.status = 'sent';
      return true;
    } catch (err) {
      if (n === this.sends) this.status = 'failed';
      console.warn(`[amoiq-chat] Feedback not sent: ${(err as Error).message}`);
      return false;
    }
  }

  /** Enter sends the comment and Shift+Enter adds a line, as in the message box (not while composing). */
  private readonly handleKeydown = (e: KeyboardEvent): void => {
    if (e.key !== 'Enter' || e.shiftKey || e.isComposing || e.keyCode === 229) return;
    e.preventDefault();
    (e.target as HTMLTextAreaElement).form?.requestSubmit();
  };

  private readonly handleComment = async (e: SubmitEvent): Promise<void> => {
    e.preventDefault();
    if (this.busy) return;
    const comment = ((e.target as HTMLFormElement).elements.namedItem('comment') as HTMLTextAreaElement).value.trim();
    if (!comment) return this.skip();
    const hadFocus = this.hasFocus();
    this.busy = true;
    const sent = await this.send(false, comment);
    this.busy = false;
    // Not sent: the comment stays in its box, the failure above it.
    if (sent) await this.moveFocus(hadFocus);
  };

  /** Closes the comment box without a comment: the thanks shows once the press is sent. */
  private readonly skip = async (): Promise<void> => {
    const hadFocus = this.hasFocus();
    this.commenting = false;
    if (this.pressSent && this.status === '') this.status = 'sent';
    await this.moveFocus(hadFocus);
  };

  private hasFocus(): boolean {
    const root = this.getRootNode() as Document | ShadowRoot;
    return !!root.activeElement && this.contains(root.activeElement);
  }

  /** Where focus goes when the comment box closes under it: the status line, or the pressed button while it is empty. */
  private async moveFocus(hadFocus: boolean): Promise<void> {
    await this.updateComplete;
    if (!hadFocus) return;
    const status = this.querySelector<HTMLElement>('.feedback-status');
    if (status?.textContent) status.focus();
    else this.querySelector<HTMLElement>('[part="not-helpful-button"]')?.focus();
  }
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
