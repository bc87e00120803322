import type { ChatState } from '../../services/chat-service.js';

/**
 * Whether the site's assistant answers this conversation now: it has one, and nobody was asked for
 * (or the conversation came back to it). Meanwhile the team being away is not the visitor's
 * concern yet: the header says the assistant answers, the away banner and its e-mail field wait
 * until the visitor asks for a person (the assistant banner says the team is away).
 */
export function assistantAnswers(state: Pick<ChatState, 'assistant' | 'handoff'> | undefined): boolean {
  return !!state?.assistant && (!state.handoff || state.handoff.state === 'assistant');
}

/**
 * Whether `<amoiq-assistant-banner>` shows above the conversation: while the site has an assistant,
 * or the conversation is queued for or assigned to a person — not once it is closed (the closed bar says so). Its module is imported the first time
 * it shows (in the drop-in, a chunk of its own).
 */
export function showAssistantBanner(state: ChatState | undefined): boolean {
  if (
    !state ||
    state.conversationStatus === 'closed' ||
    (!state.assistant && (!state.handoff || state.handoff.state === 'none' || state.handoff.state === 'assistant'))
  )
    return false;
  import('./assistant-banner.js')
    .then(({ AmoiqAssistantBanner }) => {
      if (!customElements.get('amoiq-assistant-banner')) customElements.define('amoiq-assistant-banner', AmoiqAssistantBanner);
    })
    .catch((err: unknown) => console.warn('[amoiq-chat] could not load part of the widget:', err));
  return true;
}
