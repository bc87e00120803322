import { LitElement, html, nothing } from 'lit';
import { state } from 'lit/decorators.js';
import { css } from 'lit';
import { ChatStateController } from '../../controllers/chat-state-controller.js';
import { LocaleConsumer } from '../../i18n/localize.js';
import type { Handoff } from '../../protocol/assistant.js';
import { sharedStyles } from '../../styles/shared.js';
import { awayBannerBackground, awayBannerColor, chatDividerColor, chatSpacing } from '../../styles/tokens.js';

/**
 * Who answers, above the conversation, while the site has an assistant or the conversation was
 * handed to a person: "You are chatting with Robin, an AI assistant." with a "Talk to a person"
 * button (always there while the assistant answers, streaming or not); once escalated, the queue
 * position and estimated wait (updated live); once assigned, "Ada joined the conversation.". The
 * queue and assignment lines are a polite status, so a screen reader hears each change once.
 *
 * @tag amoiq-assistant-banner
 * @summary The assistant / queue / assigned banner with "Talk to a person".
 *
 * @csspart base - The banner.
 * @csspart message - Its text.
 * @csspart talk-to-person - The "Talk to a person" button.
 */
export class AmoiqAssistantBanner extends LitElement {
  static override styles = [
    sharedStyles,
    css`
      :host {
        display: block;
      }
      .base {
        display: flex;
        flex-wrap: wrap;
        align-items: center;
        justify-content: space-between;
        gap: 0.25rem 0.5rem;
        padding-block: 0.5rem;
        padding-inline: calc(${chatSpacing} * 0.75);
        border-block-end: 1px solid ${chatDividerColor};
        background: ${awayBannerBackground};
        color: ${awayBannerColor};
        font-size: 0.8125rem;
      }
      p {
        margin: 0;
      }
      button {
        border: 1px solid currentColor;
        border-radius: 1rem;
        background: transparent;
        color: inherit;
        padding: 0.125rem 0.75rem;
        min-block-size: 1.75rem;
        font: inherit;
        cursor: pointer;
      }
      .error:empty {
        display: none;
      }
      @media (forced-colors: active) {
        .base {
          border: 1px solid CanvasText;
        }
      }
    `,
  ];

  @state() private busy = false;
  @state() private failure = '';
  private readonly chat = new ChatStateController(this);
  private readonly l10n = new LocaleConsumer(this);

  override render() {
    const state = this.chat.state;
    const handoff = state?.handoff;
    const name = state?.assistant?.name;
    if (!state || (!name && (!handoff || handoff.state === 'none' || handoff.state === 'assistant'))) return nothing;
    if (handoff?.state === 'none') return nothing;
    const t = this.l10n.value.strings.assistantUi;
    const withAssistant = !handoff || handoff.state === 'assistant';
    return html`<div part="base" class="base">
      <p part="message" role="status">${withAssistant ? (name ? t.chattingWithAi(name) : '') : this.queueText(handoff!)}</p>
      ${
        withAssistant && state.conversationStatus !== 'closed'
          ? html`<button part="talk-to-person" type="button" aria-disabled=${this.busy ? 'true' : 'false'} @click=${this.handleEscalate}>
              ${t.talkToPerson}
            </button>`
          : nothing
      }
      <p class="error" role="alert">${this.failure}</p>
    </div>`;
  }

  /** The queue position and wait, or who joined. */
  private queueText(handoff: Handoff): string {
    const { strings, plural } = this.l10n.value;
    const t = strings.assistantUi;
    if (handoff.state === 'assigned') return handoff.agent ? t.assigned(handoff.agent.name) : t.escalationRequested;
    const parts = [handoff.position ? plural(t.queuePosition, handoff.position) : t.escalationRequested];
    if (typeof handoff.estimatedWaitSeconds === 'number')
      parts.push(plural(t.queueWait, Math.max(1, Math.ceil(handoff.estimatedWaitSeconds / 60))));
    return parts.join(' ');
  }

  private readonly handleEscalate = async (): Promise<void> => {
    const service = this.chat.service;
    if (!service || this.busy) return;
    this.busy = true;
    this.failure = '';
    try {
      await service.escalate();
    } catch (err) {
      this.failure = this.l10n.value.strings.assistantUi.escalationFailed;
      console.warn(`[amoiq-chat] Could not ask for a person: ${(err as Error).message}`);
    } finally {
      this.busy = false;
    }
  };
}
