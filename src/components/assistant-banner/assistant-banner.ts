import { LitElement, html, nothing } from 'lit';
import { state } from 'lit/decorators.js';
import { css } from 'lit';
import { ChatStateController } from '../../controllers/chat-state-controller.js';
import { LocaleConsumer } from '../../i18n/localize.js';
import type { Handoff } from '../../protocol/assistant.js';
import { sharedStyles } from '../../styles/shared.js';
import { awayBannerBackground, awayBannerColor, chatDividerColor, chatSpacing } from '../../styles/tokens.js';
import { WAIT_REFRESH_MS, remainingWaitMinutes } from './queue-wait.js';
import { thenFocusComposer } from '../composer-focus.js';

/**
 * Who answers, above the conversation, while the site has an assistant or the conversation was
 * handed to a person: "You are chatting with Robin, an AI assistant." with a "Talk to a person"
 * button (always there while the assistant answers, streaming or not); once escalated, the queue
 * position and estimated wait (updated live); once assigned, "Ada joined the conversation.". The
 * estimate counts down from when the server gave it (recomputed every 15 s), and once it has run
 * out the banner says a person will come as soon as possible instead of "about 1 minute" forever.
 * Who answers, the queue position and that last line are a polite status, so a screen reader
 * hears each change once; the minutes counting down are shown, not announced.
 *
 * @tag amoiq-assistant-banner
 * @summary The assistant / queue / assigned banner with "Talk to a person".
 *
 * @csspart base - The banner.
 * @csspart message - Its text.
 * @csspart wait - The queue's estimated wait, inside `message`.
 * @csspart team-away - "Our team is away right now…", inside `message` while the assistant answers and no agent is online.
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

  /**
   * How often the wait is recomputed, in ms (tests shorten it).
   * @internal
   */
  static waitRefreshMs = WAIT_REFRESH_MS;

  @state() private busy = false;
  @state() private failure = '';
  private readonly chat = new ChatStateController(this);
  private readonly l10n = new LocaleConsumer(this);
  private ticker?: ReturnType<typeof setInterval>;

  override render() {
    const state = this.chat.state;
    const handoff = state?.handoff;
    const name = state?.assistant?.name;
    if (!state || (!name && (!handoff || handoff.state === 'none' || handoff.state === 'assistant'))) return nothing;
    // A closed conversation: the closed bar says so; "Ada joined" or "You are chatting with Robin" would be stale.
    if (handoff?.state === 'none' || state.conversationStatus === 'closed') return nothing;
    const t = this.l10n.value.strings.assistantUi;
    const withAssistant = !handoff || handoff.state === 'assistant';
    return html`<div part="base" class="base">
      <p part="message">${withAssistant ? this.renderAssistant(name, state.agentsOnline === false) : this.renderQueue(handoff!)}</p>
      ${
        withAssistant
          ? html`<button part="talk-to-person" type="button" aria-disabled=${this.busy ? 'true' : 'false'} @click=${this.handleEscalate}>
              ${t.talkToPerson}
            </button>`
          : nothing
      }
      <p class="error" role="alert">${this.failure}</p>
    </div>`;
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    this.stopTicker();
  }

  protected override updated(): void {
    // Recompute the wait while it counts down; not once it has run out, nor without one.
    const ticking = !!this.minutesLeft();
    if (ticking && !this.ticker) this.ticker = setInterval(() => this.requestUpdate(), AmoiqAssistantBanner.waitRefreshMs);
    if (!ticking) this.stopTicker();
  }

  private stopTicker(): void {
    clearInterval(this.ticker);
    this.ticker = undefined;
  }

  /** The minutes left of the queue's estimate now (queue-wait.ts); undefined unless queued with one. */
  private minutesLeft(): number | undefined {
    const state = this.chat.state;
    if (state?.handoff?.state !== 'queued') return undefined;
    return remainingWaitMinutes(state.handoff.estimatedWaitSeconds, state.handoffAt, Date.now());
  }

  /**
   * Who answers (a status), and while no agent is online that a person replies later if asked for:
   * the away banner's e-mail field comes with the request, not before it.
   */
  private renderAssistant(name: string | undefined, teamAway: boolean) {
    const t = this.l10n.value.strings.assistantUi;
    return html`<span role="status">${name ? t.chattingWithAi(name) : ''}</span>${
      teamAway ? html` <span part="team-away" class="team-away">${t.teamAwayWithAssistant}</span>` : nothing
    }`;
  }

  /**
   * The queue position (a status) and the wait (counting down, not announced; once run out, a
   * line in the status), or who joined (a status).
   */
  private renderQueue(handoff: Handoff) {
    const { strings, plural } = this.l10n.value;
    const t = strings.assistantUi;
    // Not a status: the conversation's own notice ("Ada joined the conversation.") is what the list
    // announces; read here too it was heard twice.
    if (handoff.state === 'assigned') return html`<span>${handoff.agent ? t.assigned(handoff.agent.name) : t.escalationRequested}</span>`;
    const position = handoff.position ? plural(t.queuePosition, handoff.position) : t.escalationRequested;
    const minutes = this.minutesLeft();
    return html`<span role="status">${minutes === 0 ? `${position} ${t.queueWaitOver}` : position}</span>${
      minutes ? html` <span part="wait" class="wait">${plural(t.queueWait, minutes)}</span>` : nothing
    }`;
  }

  private readonly handleEscalate = async (e: Event): Promise<void> => {
    const service = this.chat.service;
    if (!service || this.busy) return;
    this.busy = true;
    this.failure = '';
    try {
      // The button goes with the request (the banner shows the queue): focus goes on to the message box.
      await thenFocusComposer(this, e.currentTarget as Element, () => service.escalate());
    } catch (err) {
      this.failure = this.l10n.value.strings.assistantUi.escalationFailed;
      console.warn(`[amoiq-chat] Could not ask for a person: ${(err as Error).message}`);
    } finally {
      this.busy = false;
    }
  };
}
