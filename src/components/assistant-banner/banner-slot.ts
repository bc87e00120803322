import { html, nothing, type TemplateResult } from 'lit';
import type { ChatState } from '../../services/chat-service.js';

/**
 * `<amoiq-assistant-banner>` above the conversation while the site has an assistant or the
 * conversation is queued for or assigned to a person; its module is imported the first time it
 * shows (in the drop-in, a chunk of its own).
 */
export function renderAssistantBanner(state: ChatState | undefined): TemplateResult | typeof nothing {
  if (!state || (!state.assistant && (!state.handoff || state.handoff.state === 'none' || state.handoff.state === 'assistant')))
    return nothing;
  import('./assistant-banner.js').catch((err: unknown) => console.warn('[amoiq-chat] could not load part of the widget:', err));
  return html`<amoiq-assistant-banner
    part="assistant-banner"
    exportparts="base:assistant-banner, message:assistant-banner-message, talk-to-person"
  ></amoiq-assistant-banner>`;
}
