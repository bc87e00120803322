import type { ChatState } from '../../services/chat-service.js';

/**
 * Whether `<amoiq-assistant-banner>` shows above the conversation: while the site has an assistant,
 * or the conversation is queued for or assigned to a person. Its module is imported the first time
 * it shows (in the drop-in, a chunk of its own).
 */
export function showAssistantBanner(state: ChatState | undefined): boolean {
  if (!state || (!state.assistant && (!state.handoff || state.handoff.state === 'none' || state.handoff.state === 'assistant')))
    return false;
  import('./assistant-banner.js')
    .then(({ AmoiqAssistantBanner }) => {
      if (!customElements.get('amoiq-assistant-banner')) customElements.define('amoiq-assistant-banner', AmoiqAssistantBanner);
    })
    .catch((err: unknown) => console.warn('[amoiq-chat] could not load part of the widget:', err));
  return true;
}
