/**
 * English strings of the widget, bundled as the fallback locale. Every visible or announced text
 * comes from a locale file (`en.ts`, `es.ts`, `fr.ts`, `de.ts`, `ar.ts`, `ja.ts`); the others are
 * loaded on demand by the {@link LocalizeController} of each `<amoiq-chat>`.
 *
 * Counted texts are {@link Plural} forms keyed by `Intl.PluralRules` category; `#` stands for the
 * number, formatted for the locale.
 */
import { enAssistant, type AssistantStrings } from './en-assistant.js';
import { enVoice, type VoiceStrings } from './en-voice.js';

import type { Plural } from './plural.js';

export type { Plural } from './plural.js';
export type { VoiceStrings } from './en-voice.js';

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
  /** Dismisses a message (a file refusal, the away banner). */
  dismiss: string;
  /** Shown near the length limit: "12 characters left". */
  charactersLeft: Plural;
  /** Shown over the length limit: "12 characters too many" (the text is kept, Send waits). */
  charactersOver: Plural;
  /** Shown and announced while the text is over the length limit. */
  messageTooLong: string;
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
  /** The server refused this page's embed (a configuration to fix, not a network blip): nothing will be sent. */
  unavailable: string;
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
  /** Accessible name of the attach button. */
  attach: string;
  /** Accessible name of the list of staged files. */
  attachments: string;
  /** Shown over the panel while files are dragged onto it. */
  dropFiles: string;
  /** Accessible name of a staged file's remove button. */
  removeAttachment: (name: string) => string;
  /** Accessible name of the button that aborts an upload in progress. */
  cancelUpload: (name: string) => string;
  /** Accessible name of the button that uploads a failed file again. */
  retryUpload: (name: string) => string;
  /** Accessible name of an upload's progress bar. */
  uploading: (name: string) => string;
  /** A staged file whose upload failed. */
  uploadFailed: string;
  /** Refused: over the size limit (`max` is formatted, e.g. "10 MB"). */
  attachmentTooLarge: (name: string, max: string) => string;
  /** Refused: a type of file that is not allowed. */
  attachmentWrongType: (name: string) => string;
  /** Refused: the visitor's upload storage is full (`quota_exceeded`). */
  attachmentQuotaFull: (name: string) => string;
  /** Refused: an empty file. */
  attachmentEmpty: (name: string) => string;
  /** Refused: more files than one message may carry (`max` is formatted). */
  attachmentTooMany: (max: string) => string;
  /** Said after a link that opens a file in a new tab. */
  opensInNewTab: string;
  /** Said after a link to a file the server sends as a download (PDF, text: anything but a raster image). */
  downloadsFile: string;
  // [/attachments]
  // [lifecycle]
  /** Notice when an agent closed the conversation ("Ada closed the conversation."). */
  closedNotice: (name?: string) => string;
  /** Notice when an agent reopened it. */
  reopenedNotice: (name?: string) => string;
  /** Notice when an agent wrote in the conversation for the first time. */
  joinedNotice: (name?: string) => string;
  /** Replaces the message box once the conversation is closed. */
  conversationClosed: string;
  startNewConversation: string;
  /** "Start a new conversation" failed (offline, or refused). */
  newConversationFailed: string;
  /** Away banner text when neither the element nor the tenant sets one. */
  awayMessage: string;
  awayEmailLabel: string;
  awayEmailSubmit: string;
  /** Confirmation after the visitor left an e-mail: "We'll reply to ada@example.com." */
  willReplyTo: (email: string) => string;
  emailInvalid: string;
  fieldRequired: string;
  contactFailed: string;
  preChatTitle: string;
  preChatIntro: string;
  preChatName: string;
  preChatEmail: string;
  preChatPhone: string;
  preChatSubmit: string;
  /** Explains the asterisk of required fields ("* required"); screen readers hear the native `required` instead. */
  required: string;
  /** Header status while connected but no agent is online (the away banner shows). */
  onlineAway: string;
  /** The team's typical reply time (session `config.team.replyTime`), under the team in the empty panel. */
  replyTimes: { minutes: string; hours: string; day: string };
  /** Accessible name of the online agents' avatars. */
  teamOnline: (names: string) => string;
  // [/lifecycle]
  // [emoji]
  /** Name of the emoji button of the message box. */
  emojiButton: string;
  /** Name of the emoji picker (a non-modal dialog). */
  emojiPicker: string;
  /** Name of the picker's row of group tabs. */
  emojiGroupsLabel: string;
  /** Names of the picker's groups (tabs and heading). */
  emojiGroups: {
    smileys: string;
    people: string;
    nature: string;
    food: string;
    activities: string;
    travel: string;
    objects: string;
    symbols: string;
  };
  /** The system's own emoji picker, on Windows and on macOS (shown in the picker). */
  emojiHintWindows: string;
  emojiHintMac: string;
  // [/emoji]
  // [voice]
  /** Voice: the voice panel (calls, phone callback), voice messages, dictation and read-aloud. */
  voice: VoiceStrings;
  // [/voice]
  /** The AI assistant's parts: streamed answers, feedback, handoff and queue, rating, transcript (en-assistant.ts). */
  assistantUi: AssistantStrings;
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
  dismiss: 'Dismiss',
  charactersLeft: { one: '# character left', other: '# characters left' },
  charactersOver: { one: '# character too many', other: '# characters too many' },
  messageTooLong: 'This message is too long to send. Shorten it to send it.',
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
  unavailable: 'Chat is not available right now',
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
  attach: 'Attach a file',
  attachments: 'Attachments',
  dropFiles: 'Drop files to attach them',
  removeAttachment: (name) => `Remove ${name}`,
  cancelUpload: (name) => `Cancel upload of ${name}`,
  retryUpload: (name) => `Retry upload of ${name}`,
  uploading: (name) => `Uploading ${name}`,
  uploadFailed: 'Upload failed',
  attachmentTooLarge: (name, max) => `“${name}” is too large: files can be at most ${max}.`,
  attachmentWrongType: (name) => `“${name}” cannot be attached: this type of file is not allowed.`,
  attachmentQuotaFull: (name) => `“${name}” cannot be uploaded: your storage for files in this chat is full.`,
  attachmentEmpty: (name) => `“${name}” is empty and cannot be attached.`,
  attachmentTooMany: (max) => `A message can carry at most ${max} files.`,
  opensInNewTab: '(opens in a new tab)',
  downloadsFile: '(downloads the file)',
  // [/attachments]
  // [lifecycle]
  closedNotice: (name) => (name ? `${name} closed the conversation.` : 'The conversation was closed.'),
  reopenedNotice: (name) => (name ? `${name} reopened the conversation.` : 'The conversation was reopened.'),
  joinedNotice: (name) => (name ? `${name} joined the conversation.` : 'An agent joined the conversation.'),
  conversationClosed: 'This conversation has ended.',
  startNewConversation: 'Start a new conversation',
  newConversationFailed: 'A new conversation could not be started. Check your connection and try again.',
  awayMessage: "We're away right now. Leave a message and we'll get back to you.",
  awayEmailLabel: 'Your e-mail, so we can reply',
  awayEmailSubmit: 'Save',
  willReplyTo: (email) => `We'll reply to ${email}.`,
  emailInvalid: 'Enter an e-mail address like name@example.com.',
  fieldRequired: 'Fill in this field.',
  contactFailed: 'Your details could not be saved. Try again.',
  preChatTitle: 'Before we start',
  preChatIntro: 'Tell us how to reach you.',
  preChatName: 'Name',
  preChatEmail: 'E-mail',
  preChatPhone: 'Phone',
  preChatSubmit: 'Start chatting',
  required: 'required',
  onlineAway: "Away – we'll reply later",
  replyTimes: {
    minutes: 'Typically replies in a few minutes',
    hours: 'Typically replies in a few hours',
    day: 'Typically replies within a day',
  },
  teamOnline: (names) => `Online: ${names}`,
  // [/lifecycle]
  // [emoji]
  emojiButton: 'Insert emoji',
  emojiPicker: 'Emoji',
  emojiGroupsLabel: 'Emoji categories',
  emojiGroups: {
    smileys: 'Smileys',
    people: 'People and gestures',
    nature: 'Animals and nature',
    food: 'Food and drink',
    activities: 'Activities',
    travel: 'Travel and places',
    objects: 'Objects',
    symbols: 'Symbols',
  },
  emojiHintWindows: 'More emoji: Win + . opens your system’s emoji panel.',
  emojiHintMac: 'More emoji: Ctrl + Cmd + Space opens your system’s emoji viewer.',
  // [/emoji]
  // [voice]
  voice: enVoice,
  // [/voice]
  assistantUi: enAssistant,
};
