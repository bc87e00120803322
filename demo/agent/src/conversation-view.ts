import { LitElement, css, html, nothing } from 'lit';
import { property, query } from 'lit/decorators.js';
import type { Conversation, Message } from './types.js';

/** How long after the last keystroke the agent counts as "stopped typing". */
const TYPING_IDLE_MS = 3000;

/**
 * One conversation: its messages (a live log), the visitor's typing indicator and the reply box.
 * It renders what it is given and reports the agent's actions as events; the app talks to the
 * backend. Defined as `<amoiq-agent-conversation>` by main.ts.
 *
 * @fires amoiq-agent-reply - `detail: { text }` when the agent sends a reply (Enter or the button)
 * @fires amoiq-agent-typing - `detail: { typing }` when the agent starts or stops typing
 */
export class AmoiqAgentConversation extends LitElement {
  static override styles = css`
    :host { display: flex; flex-direction: column; min-height: 0; height: 100%; }
    .head { padding: 12px 16px; border-bottom: 1px solid #d7dde3; background: #fff; }
    h2 { margin: 0; font-size: 1rem; }
    .meta { color: #57606a; font-size: 0.8rem; }
    [role='log'] { flex: 1; overflow-y: auto; padding: 16px; display: flex; flex-direction: column; gap: 8px; }
    .message { max-width: 70%; padding: 8px 12px; border-radius: 12px; background: #fff; border: 1px solid #d7dde3; overflow-wrap: anywhere; }
    .text { white-space: pre-wrap; }
    .message.agent { align-self: flex-end; background: #0b5cad; color: #fff; border-color: #0b5cad; }
    .who { display: block; font-size: 0.75rem; opacity: 0.8; margin-bottom: 2px; }
    .typing { padding: 0 16px 8px; color: #57606a; font-style: italic; min-height: 1.2em; }
    form { display: flex; gap: 8px; padding: 12px 16px; border-top: 1px solid #d7dde3; background: #fff; }
    textarea { flex: 1; resize: none; font: inherit; padding: 8px; border: 1px solid #8c959f; border-radius: 6px; }
    button { font: inherit; padding: 8px 16px; border: 0; border-radius: 6px; background: #0b5cad; color: #fff; cursor: pointer; }
    button:disabled { background: #8c959f; cursor: default; }
    .error { color: #a40e26; padding: 0 16px 8px; }
    .visually-hidden { position: absolute; width: 1px; height: 1px; overflow: hidden; clip: rect(0 0 0 0); white-space: nowrap; }
  `;

  @property({ attribute: false }) conversation: Conversation | null = null;
  @property({ attribute: false }) messages: Message[] = [];
  @property({ type: Boolean, attribute: 'visitor-typing' }) visitorTyping = false;
  @property({ attribute: false }) error = '';

  @query('textarea') private textarea!: HTMLTextAreaElement;
  @query('[role="log"]') private log!: HTMLElement;

  private typing = false;
  private typingTimer: ReturnType<typeof setTimeout> | undefined;

  override disconnectedCallback() {
    super.disconnectedCallback();
    this.setTyping(false);
  }

  protected override updated(changed: Map<string, unknown>) {
    // Keep the newest message in view when messages arrive or another conversation opens.
    if (changed.has('messages') || changed.has('conversation')) this.log?.scrollTo({ top: this.log.scrollHeight });
    if (changed.has('conversation') && changed.get('conversation') !== undefined) this.setTyping(false);
  }

  override render() {
    if (!this.conversation) return html`<p class="meta" style="padding:16px">Select a conversation.</p>`;
    const c = this.conversation;
    return html`
      <div class="head">
        <h2>Visitor ${c.visitorId.slice(0, 6)}…</h2>
        <span class="meta">Conversation ${c.id} · started ${new Date(c.createdAt).toLocaleString()}</span>
      </div>
      <div role="log" aria-live="polite" aria-label="Messages" tabindex="0">
        ${this.messages.map(
          (m) => html`<div class="message ${m.sender.type === 'agent' ? 'agent' : ''}">
            <span class="who">${this.renderSender(m)} · ${new Date(m.createdAt).toLocaleTimeString()}</span>
            <span class="text">${m.text}</span>
          </div>`,
        )}
      </div>
      <div class="typing" aria-live="polite">${this.visitorTyping ? 'Visitor is typing…' : nothing}</div>
      ${this.error ? html`<div class="error" role="alert">${this.error}</div>` : nothing}
      <form @submit=${this.handleSubmit}>
        <label class="visually-hidden" for="reply">Reply</label>
        <textarea id="reply" rows="2" placeholder="Type a reply, Enter to send, Shift+Enter for a new line" @keydown=${this.handleKeydown} @input=${this.handleInput}></textarea>
        <button type="submit">Send</button>
      </form>
    `;
  }

  private renderSender(m: Message) {
    if (m.sender.type === 'visitor') return 'Visitor';
    return m.sender.name ?? m.sender.type;
  }

  private handleKeydown(event: KeyboardEvent) {
    if (event.key === 'Enter' && !event.shiftKey && !event.isComposing) {
      event.preventDefault();
      this.submit();
    }
  }

  private handleInput() {
    this.setTyping(this.textarea.value.trim() !== '');
    clearTimeout(this.typingTimer);
    if (this.typing) this.typingTimer = setTimeout(() => this.setTyping(false), TYPING_IDLE_MS);
  }

  private handleSubmit(event: Event) {
    event.preventDefault();
    this.submit();
  }

  private submit() {
    const text = this.textarea.value.trim();
    if (!text) return;
    this.textarea.value = '';
    this.setTyping(false);
    this.dispatchEvent(new CustomEvent('amoiq-agent-reply', { detail: { text }, bubbles: true, composed: true }));
  }

  private setTyping(typing: boolean) {
    if (typing === this.typing) return;
    this.typing = typing;
    if (!typing) clearTimeout(this.typingTimer);
    this.dispatchEvent(new CustomEvent('amoiq-agent-typing', { detail: { typing }, bubbles: true, composed: true }));
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'amoiq-agent-conversation': AmoiqAgentConversation;
  }
}
