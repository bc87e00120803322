import { AmoiqChat } from './components/chat/chat.js';
import { useRuntime } from './components/chat/runtime-slot.js';
import * as chatRuntime from './components/chat/chat-runtime.js';
import type { AmoiqChatHeader } from './components/chat-header/chat-header.js';
import type { AmoiqChatInput } from './components/chat-input/chat-input.js';
import type { AmoiqMessageList } from './components/message-list/message-list.js';
import type { AmoiqVoicePanel } from './components/voice-panel/voice-panel.js';
import { PANEL_TAGS } from './panel.js';
export { LAZY_TAGS, defineLazy, type LazyTag } from './lazy-tags.js';
import { AmoiqAwayBanner } from './components/away-banner/away-banner.js';
import { AmoiqConversationClosed } from './components/conversation-closed/conversation-closed.js';
import { AmoiqPreChatForm } from './components/pre-chat-form/pre-chat-form.js';
import * as attachmentChips from './components/chat-input/attachment-chips.js';
import * as messageAttachments from './components/message-list/message-attachments.js';
import { registerPart } from './controllers/lazy-part-controller.js';

/**
 * Every tag of the library and its class. The eager npm entry (`amoiq-chat/define`) registers
 * them all up front, with `<amoiq-chat>`'s runtime (chat-runtime.ts), and leaves code splitting
 * to the app's bundler; the lazy ones (the drop-in script, `amoiq-chat/lazy`: lazy.ts) do not use
 * this module: they register `<amoiq-chat>` alone and load the runtime, the panel and the parts
 * only some conversations show on interest (chat-runtime.ts, panel.ts, lazy-tags.ts,
 * LazyPartController).
 */
export const TAGS = {
  'amoiq-chat': AmoiqChat,
  ...PANEL_TAGS,
  'amoiq-away-banner': AmoiqAwayBanner,
  'amoiq-conversation-closed': AmoiqConversationClosed,
  'amoiq-pre-chat-form': AmoiqPreChatForm,
} as const;

/**
 * Registers every tag that is not registered yet (the lazy ones when first rendered). Safe to
 * call more than once, and safe when another copy of the library (the drop-in script and an npm
 * import on one page) got there first.
 */
export function define(registry: CustomElementRegistry = customElements): void {
  useRuntime(chatRuntime);
  registerPart('attachment-chips', attachmentChips);
  registerPart('message-attachments', messageAttachments);
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
