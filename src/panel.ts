/**
 * The parts of the chat panel: header, message list and message box (the voice panel is a chunk
 * of its own, loaded when the visitor opens it: components/voice-panel/chat-voice.ts). The npm
 * entries register them with everything else (registry.ts). The drop-in script registers only
 * `<amoiq-chat>` at first, with its launcher, connection and unread badge, and imports this
 * module (a chunk of its own) when the visitor shows interest — pointer over or focus on the
 * launcher, a touch, or the panel opening — so page views that never open the chat do not pay
 * for the panel. Until then its parts are unupgraded elements that upgrade when it arrives.
 */
import { AmoiqChatHeader } from './components/chat-header/chat-header.js';
import { AmoiqChatInput } from './components/chat-input/chat-input.js';
import { AmoiqMessageList } from './components/message-list/message-list.js';

/** The panel's tags and their classes. */
export const PANEL_TAGS = {
  'amoiq-chat-header': AmoiqChatHeader,
  'amoiq-message-list': AmoiqMessageList,
  'amoiq-chat-input': AmoiqChatInput,
} as const;

/** Registers the panel's tags that are not registered yet. */
export function definePanel(registry: CustomElementRegistry = customElements): void {
  for (const [tag, ctor] of Object.entries(PANEL_TAGS)) {
    if (!registry.get(tag)) registry.define(tag, ctor);
  }
}
