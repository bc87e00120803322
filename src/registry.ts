import { AmoiqChat } from './components/chat/chat.js';
import { AmoiqChatHeader } from './components/chat-header/chat-header.js';
import { AmoiqChatInput } from './components/chat-input/chat-input.js';
import { AmoiqMessageList } from './components/message-list/message-list.js';
import { AmoiqVoicePanel } from './components/voice-panel/voice-panel.js';
import { AmoiqAwayBanner } from './components/away-banner/away-banner.js';
import { AmoiqConversationClosed } from './components/conversation-closed/conversation-closed.js';
import { AmoiqPreChatForm } from './components/pre-chat-form/pre-chat-form.js';

/** Every tag of the library and its class. */
export const TAGS = {
  'amoiq-chat': AmoiqChat,
  'amoiq-chat-header': AmoiqChatHeader,
  'amoiq-message-list': AmoiqMessageList,
  'amoiq-chat-input': AmoiqChatInput,
  'amoiq-voice-panel': AmoiqVoicePanel,
  'amoiq-away-banner': AmoiqAwayBanner,
  'amoiq-conversation-closed': AmoiqConversationClosed,
  'amoiq-pre-chat-form': AmoiqPreChatForm,
} as const;

/**
 * Registers every tag that is not registered yet. Safe to call more than once, and safe when
 * another copy of the library (the drop-in script and an npm import on one page) got there first.
 */
export function define(registry: CustomElementRegistry = customElements): void {
  for (const [tag, ctor] of Object.entries(TAGS)) {
    if (!registry.get(tag)) registry.define(tag, ctor);
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'amoiq-chat': AmoiqChat;
    'amoiq-chat-header': AmoiqChatHeader;
    'amoiq-message-list': AmoiqMessageList;
    'amoiq-chat-input': AmoiqChatInput;
    'amoiq-voice-panel': AmoiqVoicePanel;
    'amoiq-away-banner': AmoiqAwayBanner;
    'amoiq-conversation-closed': AmoiqConversationClosed;
    'amoiq-pre-chat-form': AmoiqPreChatForm;
  }
}
