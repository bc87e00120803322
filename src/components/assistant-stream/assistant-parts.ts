/**
 * The assistant's parts of the message list, loaded the first time the list shows an assistant
 * message or stream (`LazyPartController` 'assistant-parts'; in the drop-in a chunk of its own):
 * the streamed answers (`<amoiq-assistant-stream>`), and under a stored assistant message its
 * sources, feedback buttons and, when the message offers it, "Talk to a person". Its `styles` are
 * adopted by the list's shadow root, where these parts render.
 */
import { css, html, nothing, type TemplateResult } from 'lit';
import type { Strings } from '../../i18n/en.js';
import type { ChatMessage, ChatService } from '../../services/chat-service.js';
import { chatAccentColor, chatDividerColor, chatMutedColor, chatTextColor, messageListAvatarSize } from '../../styles/tokens.js';
import { AmoiqAssistantFeedback } from '../assistant-feedback/assistant-feedback.js';
import { AmoiqAssistantStream } from './assistant-stream.js';
import { renderSources } from './assistant-render.js';
import { thenFocusComposer } from '../composer-focus.js';

export { renderAiAvatar, renderAiName } from './assistant-render.js';

for (const [tag, ctor] of [
  ['amoiq-assistant-stream', AmoiqAssistantStream],
  ['amoiq-assistant-feedback', AmoiqAssistantFeedback],
] as const) {
  if (!customElements.get(tag)) customElements.define(tag, ctor);
}

/** The streamed answers, at the end of the list (while any runs). */
export function renderStreams(): TemplateResult {
  return html`<amoiq-assistant-stream></amoiq-assistant-stream>`;
}

/** Sources, feedback and the handoff offer under a stored assistant message. */
export function renderAssistantExtras(m: ChatMessage, strings: Strings, service: ChatService | undefined): TemplateResult {
  const t = strings.assistantUi;
  const handoff = service?.state.handoff;
  const offer = m.handoffOffer && (!handoff || handoff.state === 'assistant');
  return html`${renderSources(m.sources, t)}
    ${m.stopped ? html`<span class="stream-note">${t.stopped}</span>` : m.interrupted ? html`<span class="stream-note">${t.interrupted}</span>` : nothing}
    ${
      offer
        ? html`<button part="talk-to-person" class="stream-action" type="button"
            @click=${(e: Event) => escalateFrom(e, service)}
          >${t.talkToPerson}</button>`
        : nothing
    }
    ${isAnswer(m) ? html`<amoiq-assistant-feedback .messageId=${m.id} .sent=${service?.state.feedback?.[m.id]}></amoiq-assistant-feedback>` : nothing}`;
}

/** "Talk to a person" under an answer: the offer goes once a person is asked for; focus goes on to the message box. */
function escalateFrom(e: Event, service: ChatService | undefined): void {
  const button = e.currentTarget as HTMLElement;
  if (!service) return;
  // The list re-renders the row without the offer: look for the composer from the list's host.
  const root = button.getRootNode();
  const anchor = root instanceof ShadowRoot ? root.host : button;
  thenFocusComposer(anchor, button, () => service.escalate()).catch((err: unknown) =>
    console.warn(`[amoiq-chat] Could not ask for a person: ${(err as Error).message}`),
  );
}

/**
 * Whether a stored assistant message is an answer, the thing feedback is about: the final message
 * of a stream (`streamId`, docs/protocol.md "Streams") that is not one of the assistant's own
 * notices — flagged `notice` by the server (the handoff text, the apology), or carrying a "Talk to
 * a person" offer (`handoffOffer`) — which get no Helpful / Not helpful.
 */
export function isAnswer(m: ChatMessage): m is ChatMessage & { id: string } {
  return !!m.id && !!m.streamId && !m.notice && !m.handoffOffer;
}

export const styles = css`
  amoiq-assistant-stream,
  amoiq-assistant-feedback {
    display: block;
  }
  /* A growing answer lays out on its own: the rows above it are not laid out again per delta. */
  amoiq-assistant-stream {
    contain: layout style;
  }
  .stream:not(.first) .message {
    padding-inline-start: calc(${messageListAvatarSize} + 0.5rem);
  }
  .thinking {
    display: inline-flex;
    align-items: center;
    gap: 0.5rem;
  }
  .sources {
    margin-block-start: 0.25rem;
    margin-inline: 0.25rem;
    font-size: 0.8125rem;
    color: ${chatMutedColor};
  }
  .sources ul {
    margin: 0;
    padding-inline-start: 1.1em;
  }
  .sources a {
    color: ${chatTextColor};
  }
  .stream-actions,
  .feedback {
    display: flex;
    flex-wrap: wrap;
    gap: 0.375rem;
    margin-block-start: 0.25rem;
  }
  .stream-action,
  .feedback-button {
    display: inline-flex;
    align-items: center;
    gap: 0.25rem;
    min-block-size: 1.5rem;
    padding: 0.125rem 0.625rem;
    border: 1px solid ${chatDividerColor};
    border-radius: 1rem;
    background: transparent;
    color: ${chatTextColor};
    font: inherit;
    font-size: 0.75rem;
    cursor: pointer;
  }
  .feedback-icon {
    inline-size: 0.875rem;
    block-size: 0.875rem;
    flex: none;
    fill: currentColor;
  }
  .feedback-button[aria-pressed='true'] {
    border-color: ${chatAccentColor};
    font-weight: 600;
  }
  .stop-icon {
    inline-size: 0.5rem;
    block-size: 0.5rem;
    background: currentColor;
  }
  .stream-note,
  .feedback-given,
  .feedback-status {
    margin: 0.125rem 0.25rem 0;
    font-size: 0.75rem;
    color: ${chatMutedColor};
  }
  .feedback-status:empty {
    display: none;
  }
  .feedback-comment {
    display: flex;
    flex-direction: column;
    gap: 0.25rem;
    margin-block-start: 0.25rem;
    font-size: 0.75rem;
  }
  .feedback-comment label {
    display: flex;
    flex-direction: column;
    gap: 0.125rem;
  }
  .feedback-comment textarea {
    font: inherit;
    min-inline-size: 14rem;
  }
  @media (forced-colors: active) {
    .stop-icon {
      background: ButtonText;
    }
  }
`;
