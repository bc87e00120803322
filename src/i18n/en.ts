/**
 * English strings of the widget, bundled as the fallback locale. Every visible or announced text
 * comes from a locale file (`en.ts`, `es.ts`, `fr.ts`, `de.ts`, `ar.ts`, `ja.ts`); the others are
 * loaded on demand by the {@link LocalizeController} of each `<amoiq-chat>`.
 *
 * Counted texts are {@link Plural} forms keyed by `Intl.PluralRules` category; `#` stands for the
 * number, formatted for the locale.
 */

/** Texts of a counted phrase by plural category (`one`, `few`, …); `other` is required. */
export type Plural = Partial<Record<Intl.LDMLPluralRule, string>> & { other: string };

/** Every text of the widget, in one language. */
export interface Strings {
  /** Default panel title. */
  headerText: string;
  openChat: string;
  /** Launcher name while closed with unread messages: "Open chat, 3 unread messages". */
  openChatUnread: Plural;
  closeChat: string;
  /** Announced (and set as the page title) while the tab is hidden: "(3) New messages". */
  newMessagesTitle: Plural;
  conversation: string;
  messageLabel: string;
  placeholder: string;
  send: string;
  /** Shown near the length limit: "12 characters left". */
  charactersLeft: Plural;
  retry: string;
  you: string;
  agent: string;
  assistant: string;
  system: string;
  pending: string;
  sent: string;
  failed: string;
  online: string;
  connecting: string;
  offline: string;
  idle: string;
  viaWebsocket: string;
  viaHttp: string;
  typing: (name: string) => string;
  voiceUnavailable: string;
  /** Message-list texts (delivery states, history loading, new-messages pill, quick replies). */
  delivered: string;
  read: string;
  loadingOlder: string;
  /** "3 new messages" (the pill that jumps to unseen messages). */
  newMessages: Plural;
  /** Accessible name of that pill: "3 new messages, jump to the newest". */
  newMessagesJump: Plural;
  quickReplies: string;
  aiMark: string;
  welcome: string;
  // [attachments]
  // [/attachments]
  // [lifecycle]
  // [/lifecycle]
  // [emoji]
  // [/emoji]
}

export const en: Strings = {
  headerText: 'Chat with us',
  openChat: 'Open chat',
  openChatUnread: { one: 'Open chat, # unread message', other: 'Open chat, # unread messages' },
  closeChat: 'Close chat',
  newMessagesTitle: { one: '(#) New message', other: '(#) New messages' },
  conversation: 'Conversation',
  messageLabel: 'Message',
  placeholder: 'Type a message…',
  send: 'Send',
  charactersLeft: { one: '# character left', other: '# characters left' },
  retry: 'Retry',
  you: 'You',
  agent: 'Agent',
  assistant: 'Assistant',
  system: 'System',
  pending: 'Sending…',
  sent: 'Sent',
  failed: 'Not sent',
  online: 'Online',
  connecting: 'Connecting…',
  offline: 'Offline – messages will be sent later',
  idle: 'Not connected',
  viaWebsocket: 'live connection (WebSocket)',
  viaHttp: 'fallback connection (HTTP)',
  typing: (name) => `${name} is typing…`,
  voiceUnavailable: 'Voice is not available yet.',
  delivered: 'Delivered',
  read: 'Read',
  loadingOlder: 'Loading earlier messages…',
  newMessages: { one: '# new message', other: '# new messages' },
  newMessagesJump: { one: '# new message, jump to the newest', other: '# new messages, jump to the newest' },
  quickReplies: 'Suggested replies',
  aiMark: 'AI',
  welcome: 'Welcome',
  // [attachments]
  // [/attachments]
  // [lifecycle]
  // [/lifecycle]
  // [emoji]
  // [/emoji]
};
