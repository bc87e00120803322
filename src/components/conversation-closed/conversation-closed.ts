import { LitElement, html } from 'lit';
import { query, state } from 'lit/decorators.js';
import { ChatStateController } from '../../controllers/chat-state-controller.js';
import { LocaleConsumer } from '../../i18n/localize.js';
import { sharedStyles } from '../../styles/shared.js';
import { formStyles } from '../pre-chat-form/form.styles.js';
import { styles } from './conversation-closed.styles.js';
import { AmoiqAssistantRating } from '../assistant-rating/assistant-rating.js';
import { AmoiqAssistantTranscript } from '../assistant-transcript/assistant-transcript.js';

// The elements the bar shows, registered with it. By name, never by a bare `import './x.js'`: the
// package marks only dist/ files as having side effects, so a bundler (ours for the drop-in, an
// app's for `amoiq-chat/lazy`) drops a module imported for its side effects alone.
for (const [tag, ctor] of [
  ['amoiq-assistant-rating', AmoiqAssistantRating],
  ['amoiq-assistant-transcript', AmoiqAssistantTranscript],
] as const)
  if (!customElements.get(tag)) customElements.define(tag, ctor);

/**
 * Takes the place of the message box once an agent closed the conversation: a short note and a
 * "Start a new conversation" button. Pressing it asks the server for a new conversation
 * (`startNewConversation()`); messages still queued move there. When that fails (offline, refused)
 * it says so under the note, in an alert. Under the button: the rating (stars; the comment once a
 * star is chosen) and the transcript's actions in one row. The bar is kept compact; when the
 * panel is small it scrolls within its row, and each part brings what it newly shows (a form, an
 * outcome) into view there.
 *
 * @tag amoiq-conversation-closed
 * @summary Closed-conversation note and new-conversation button.
 *
 * @csspart base - The bar.
 * @csspart note - The note saying the conversation ended.
 * @csspart new-conversation-button - The "Start a new conversation" button.
 * @csspart rating - The 1–5 rating form (`<amoiq-assistant-rating>`).
 * @csspart transcript - Download or e-mail the transcript (`<amoiq-assistant-transcript>`).
 */
export class AmoiqConversationClosed extends LitElement {
  static override styles = [sharedStyles, formStyles, styles];
  static override shadowRootOptions = { ...LitElement.shadowRootOptions, delegatesFocus: true };

  @state() private busy = false;
  /** Why the last press did not start a conversation, shown and announced. */
  @state() private failure = '';
  @query('button') private button?: HTMLButtonElement;

  private readonly chat = new ChatStateController(this);
  private readonly l10n = new LocaleConsumer(this);

  /** Moves focus to the button. */
  override focus(options?: FocusOptions): void {
    this.button?.focus(options);
  }

  override render() {
    const t = this.l10n.value.strings;
    return html`<div part="base" class="base">
      <p part="note">${t.conversationClosed}</p>
      <p class="error" role="alert">${this.failure}</p>
      <button part="new-conversation-button" class="submit" type="button" aria-disabled=${this.busy ? 'true' : 'false'} @click=${this.handleClick}>
        ${t.startNewConversation}
      </button>
      <amoiq-assistant-rating part="rating"></amoiq-assistant-rating>
      <amoiq-assistant-transcript part="transcript"></amoiq-assistant-transcript>
    </div>`;
  }

  private async handleClick(): Promise<void> {
    const service = this.chat.service;
    if (!service || this.busy) return;
    this.busy = true;
    this.failure = '';
    try {
      // <amoiq-chat> fires amoiq-new-conversation and shows the message box.
      await service.startNewConversation();
    } catch (err) {
      this.failure = this.l10n.value.strings.newConversationFailed;
      console.warn(`[amoiq-chat] Could not start a new conversation: ${(err as Error).message}`);
    } finally {
      this.busy = false;
    }
    // The bar scrolls within the panel when the panel is small: the failure is brought into view.
    if (this.failure) {
      await this.updateComplete;
      this.renderRoot.querySelector('.error')?.scrollIntoView({ block: 'nearest' });
    }
  }
}
