import { LitElement, html, nothing, type PropertyValues } from 'lit';
import { property } from 'lit/decorators.js';
import { ChatStateController } from '../../controllers/chat-state-controller.js';
import { AmoiqCloseRequestEvent } from '../../events/close-request-event.js';
import { LocaleConsumer } from '../../i18n/localize.js';
import type { ConnectionState } from '../../services/transport.js';
import { sharedStyles } from '../../styles/shared.js';
import { styles } from './chat-header.styles.js';
import { closeIcon } from '../../styles/icons.js';
import { phoneIcon } from '../voice-panel/icons.js';
import { assistantAnswers } from '../assistant-banner/banner-slot.js';

/**
 * The panel's title bar: the title, the connection state and a close button. Screen readers hear
 * a connection change once, politely, when it really changes between online and offline
 * (reconnection attempts in between are not announced).
 *
 * @tag amoiq-chat-header
 * @summary Title, connection state and close button of the chat panel.
 *
 * @slot - Extra content after the title (a logo, an agent avatar).
 *
 * @fires {AmoiqCloseRequestEvent} amoiq-close-request - The visitor pressed the close button.
 * @fires amoiq-voice-toggle - The visitor pressed the voice button (open or close the voice panel).
 *
 * @csspart base - The header bar.
 * @csspart title - The title text.
 * @csspart status - The connection state line ("Online", "Offline – …", "Away – we'll reply later" while connected and no agent is online, or "Robin (AI) answers right away" while the site's assistant answers).
 * @csspart close-button - The close button.
 * @csspart voice-button - The voice button (when the site offers voice); it shows the conversation's mode.
 */
export class AmoiqChatHeader extends LitElement {
  static override styles = [sharedStyles, styles];

  /** The title shown in the bar; empty for the localized default ("Chat with us"). */
  @property({ attribute: 'header-text' }) headerText = '';

  /** The conversation's mode when the site offers voice (`chat`, or `voice` during a call); empty: no voice button. */
  @property({ attribute: false }) voiceMode: '' | 'chat' | 'voice' = '';

  /** The voice panel is showing (the voice button is pressed). */
  @property({ type: Boolean, attribute: false }) voiceOpen = false;

  private readonly chat = new ChatStateController(this, (s) => [
    s.connection,
    s.transport,
    s.agentsOnline,
    s.conversationStatus,
    s.assistant,
    s.handoff,
  ]);
  private readonly l10n = new LocaleConsumer(this);
  private settled?: ConnectionState;
  private announcement = '';

  protected override willUpdate(changed: PropertyValues<this>): void {
    super.willUpdate(changed);
    const state = this.chat.state?.connection;
    if ((state === 'online' || state === 'offline' || state === 'unavailable') && state !== this.settled) {
      // The first settled state is what the visible status line shows; only changes are news.
      if (this.settled) this.announcement = this.l10n.value.strings[state];
      this.settled = state;
    }
  }

  override render() {
    const en = this.l10n.value.strings;
    const state = this.chat.state?.connection ?? 'idle';
    const chat = this.chat.state;
    const open = state === 'online' && chat?.conversationStatus !== 'closed';
    // Connected and the site's assistant answers: the line says so, whether or not the team is in
    // (not "Away – we'll reply later", which the visitor would read as "nobody answers").
    const assistant = open && assistantAnswers(chat) ? chat!.assistant!.name : '';
    // Connected, but nobody to answer now: the line says "Away" (not "Online", which reads as "an agent is there").
    const away = !assistant && open && chat?.agentsOnline === false;
    // Reconnect attempts while the server is down are not news to the eye either: "Offline" stays
    // until a connection is made, instead of flipping with every attempt.
    const shown = state === 'connecting' && this.settled === 'offline' ? 'offline' : state;
    // How it is connected is a detail for the curious (a tooltip), not for screen readers.
    const transport = this.chat.state?.transport;
    const via = transport === 'websocket' ? en.viaWebsocket : transport === 'http' ? en.viaHttp : '';
    return html`
      <div part="base" class="base">
        <div class="titles">
          <h2 part="title" id="title">${this.headerText || en.headerText}</h2>
          <div part="status" class="status">
            <span class="dot ${away ? 'away' : state}" aria-hidden="true" title=${via}></span>
            <span>${assistant ? en.assistantUi.answersNow(assistant) : away ? en.onlineAway : en[shown]}</span>
          </div>
        </div>
        <div class="visually-hidden" role="status">${this.announcement}</div>
        <slot></slot>
        ${
          this.voiceMode
            ? html`<button part="voice-button" class="close voice mode-${this.voiceMode}" type="button" aria-pressed=${this.voiceOpen ? 'true' : 'false'} aria-label=${en.voice.panel} title=${en.voice.panel} @click=${this.handleVoice}>
                ${phoneIcon}${this.voiceMode === 'voice' ? html`<span class="on-call">${en.voice.callbackStates.in_progress}</span>` : nothing}
              </button>`
            : nothing
        }
        <button part="close-button" class="close" type="button" aria-label=${en.closeChat} @click=${this.handleClose}>
          ${closeIcon}
        </button>
      </div>
    `;
  }

  private handleVoice(): void {
    this.dispatchEvent(new CustomEvent('amoiq-voice-toggle', { bubbles: true }));
  }

  private handleClose(): void {
    this.dispatchEvent(new AmoiqCloseRequestEvent());
  }
}
