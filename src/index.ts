/**
 * amoiq-chat: the public classes, types, events and contexts. Importing this module registers
 * nothing; import `amoiq-chat/define` (or call {@link define}) to register the tags.
 */
export { AmoiqChat } from './components/chat/chat.js';
export { AmoiqChatHeader } from './components/chat-header/chat-header.js';
export { AmoiqMessageList } from './components/message-list/message-list.js';
export { AmoiqChatInput } from './components/chat-input/chat-input.js';
export { AmoiqVoicePanel } from './components/voice-panel/voice-panel.js';
export { AmoiqAwayBanner } from './components/away-banner/away-banner.js';
export { AmoiqConversationClosed } from './components/conversation-closed/conversation-closed.js';
export { AmoiqPreChatForm } from './components/pre-chat-form/pre-chat-form.js';
export type { PreChatField } from './components/pre-chat-form/fields.js';
export type { ContactDetails } from './services/chat-service.js';
export type { ChatPosition, ChatTheme } from './config.js';
export * from './events/index.js';
export { chatServiceContext } from './context.js';
export { ChatService, type ChatMessage, type ChatState, type ChatServiceOptions, type DeliveryStatus } from './services/chat-service.js';
export { ChatTransport, type ConnectionState, type TransportKind } from './services/transport.js';
export { ChatApi } from './services/api.js';
export {
  ApiError,
  ChatSendError,
  PROTOCOL_ERROR_CODES,
  type ChatErrorCode,
  type ProtocolErrorCode,
  type ClientErrorCode,
} from './protocol/errors.js';
export { ChatStore } from './services/store.js';
export { Backoff } from './services/backoff.js';
export * from './protocol/v1.js';
export { define, TAGS } from './registry.js';
export { LocalizeController, LocaleConsumer, localeContext, localized, fallbackLocale, LOCALES, type Localized } from './i18n/localize.js';
export type { Strings, Plural } from './i18n/en.js';
