import { LitElement, html, nothing, type PropertyValues } from 'lit';
import { property, query } from 'lit/decorators.js';
import { repeat } from 'lit/directives/repeat.js';
import { ChatStateController } from '../../controllers/chat-state-controller.js';
import { AmoiqRetryEvent } from '../../events/retry-event.js';
import { en } from '../../i18n/en.js';
import type { ChatMessage } from '../../services/chat-service.js';
import type { Sender } from '../../protocol/v1.js';
import { sharedStyles } from '../../styles/shared.js';
import { styles } from './message-list.styles.js';

const timeFormat = new Intl.DateTimeFormat(undefined, { hour: 'numeric', minute: '2-digit' });

/**
 * The conversation: the welcome message, every message with its sender and time, the delivery
 * state of the visitor's own messages with a Retry action, and the typing indicator. Screen
 * readers hear new messages through the `log` role. It follows new messages only while the
 * visitor is at the bottom.
 *
 * @tag amoiq-message-list
 * @summary The scrolling list of messages of a conversation.
 *
 * @fires {AmoiqRetryEvent} amoiq-retry - The visitor asked to send a failed message again.
 *
 * @csspart base - The scrolling container.
 * @csspart message - One message (sender, bubble, meta).
 * @csspart bubble - The text bubble of a message.
 * @csspart meta - Time and delivery state under a bubble.
 * @csspart typing - The typing indicator line.
 *
 * @cssprop [--amoiq-message-list-background=var(--amoiq-chat-surface-color, #fff)] - List background.
 * @cssprop [--amoiq-message-list-incoming-background=#eef1f4] - Bubble of messages from the other side.
 * @cssprop [--amoiq-message-list-outgoing-background=var(--amoiq-chat-accent-color)] - Bubble of the visitor's messages.
 * @cssprop [--amoiq-chat-bubble-radius=1rem] - Corner radius of bubbles.
 */
export class AmoiqMessageList extends LitElement {
  static override styles = [sharedStyles, styles];

  /** A greeting shown first, before any message; not stored on the server. */
  @property({ attribute: 'welcome-message' }) welcomeMessage = '';

  @query('.base') private scroller?: HTMLElement;

  private readonly chat = new ChatStateController(this);
  private stickToBottom = true;

  override render() {
    const messages = this.chat.state?.messages ?? [];
    const typing = this.chat.state?.typing;
    return html`
      <div part="base" class="base" @scroll=${this.handleScroll}>
        <div role="log" aria-live="polite" aria-label=${en.conversation}>
          <ol>
            ${this.welcomeMessage
              ? html`<li part="message" class="message welcome">
                  <div part="bubble" class="bubble">${this.welcomeMessage}</div>
                </li>`
              : nothing}
            ${repeat(messages, (m) => m.key, (m) => this.renderMessage(m))}
          </ol>
        </div>
        <div part="typing" class="typing" aria-live="polite">${typing ? en.typing(senderName(typing)) : ''}</div>
      </div>
    `;
  }

  protected override willUpdate(): void {
    const el = this.scroller;
    if (el) this.stickToBottom = el.scrollHeight - el.scrollTop - el.clientHeight < 48;
  }

  protected override updated(changed: PropertyValues): void {
    super.updated(changed);
    if (this.stickToBottom && this.scroller) this.scroller.scrollTop = this.scroller.scrollHeight;
  }

  private renderMessage(m: ChatMessage) {
    const own = m.sender.type === 'visitor';
    const time = timeFormat.format(new Date(m.createdAt));
    return html`
      <li part="message" class="message ${own ? 'own' : m.sender.type}" data-key=${m.key}>
        ${own ? nothing : html`<span class="sender">${senderName(m.sender)}</span>`}
        ${own ? html`<span class="visually-hidden">${en.you}:</span>` : nothing}
        <div part="bubble" class="bubble">${m.text}</div>
        <div part="meta" class="meta">
          <time datetime=${m.createdAt}>${time}</time>
          ${own && m.status ? this.renderStatus(m) : nothing}
        </div>
      </li>
    `;
  }

  private renderStatus(m: ChatMessage) {
    if (m.status !== 'failed') return html`<span class="status">${en[m.status!]}</span>`;
    return html`<span class="status failed" title=${m.error ?? ''}>${en.failed}</span>
      <button class="retry" type="button" @click=${() => this.handleRetry(m)}>${en.retry}</button>`;
  }

  private handleScroll(): void {
    const el = this.scroller!;
    this.stickToBottom = el.scrollHeight - el.scrollTop - el.clientHeight < 48;
  }

  private handleRetry(m: ChatMessage): void {
    if (m.clientId) this.dispatchEvent(new AmoiqRetryEvent({ clientId: m.clientId }));
  }
}

function senderName(sender: Sender): string {
  if (sender.name) return sender.name;
  return { visitor: en.you, agent: en.agent, ai: en.assistant, system: en.system }[sender.type];
}
