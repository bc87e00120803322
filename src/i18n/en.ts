/**
 * English strings of the widget, bundled as the fallback locale. Every visible or announced text
 * comes from a locale file (`en.ts`, `es.ts`, `fr.ts`, `de.ts`, `ar.ts`, `ja.ts`); the others are
 * loaded on demand by the {@link LocalizeController} of each `<amoiq-chat>`.
 *
 * Counted texts are {@link Plural} forms keyed by `Intl.PluralRules` category; `#` stands for the
 * number, formatted for the locale.
 */
import type { DictationProblem } from '../services/voice/dictation.js';
import type { VoiceProblem } from '../services/voice/errors.js';
import type { CallReason } from '../services/voice/wire.js';
import { enAssistant, type AssistantStrings } from './en-assistant.js';

import type { Plural } from './plural.js';

export type { Plural } from './plural.js';

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

// [voice]
/** Phases of a phone callback, as the voice panel names them. */
type CallbackPhase = 'requested' | 'connecting' | 'ringing' | 'in_progress' | 'ended' | 'failed' | 'cancelled';
/** Phases of an in-browser call (the incoming one has its own text, {@link VoiceStrings.incoming}). */
type WebrtcPhase = 'requested' | 'ringing' | 'connecting' | 'in_progress' | 'interrupted' | 'ended' | 'failed' | 'cancelled';

/**
 * Texts of voice. `errors` has one text per problem code the voice services report
 * (`VoiceProblem`, src/services/voice/errors.ts) plus the phone form's own checks; `reasons` one
 * per reason a call ends for (`CallReason`, src/services/voice/wire.ts).
 */
export interface VoiceStrings {
  /** Name of the voice panel (a region). */
  panel: string;
  menuTitle: string;
  /** Menu: start an in-browser call with the team, and its one-line explanation. */
  callTeam: string;
  callTeamHint: string;
  /** Menu: ask to be called on the phone, and its one-line explanation. */
  requestCallback: string;
  requestCallbackHint: string;
  /** Shown when the site offers no voice at all. */
  nothingOffered: string;
  backToChat: string;
  phoneTitle: string;
  country: string;
  phoneNumber: string;
  /** Under the number once it is valid: the number that will be called. */
  willCall: (number: string) => string;
  /** The consent the visitor ticks; sent to the server word for word. */
  consent: string;
  callMe: string;
  cancel: string;
  loading: string;
  callbackStates: Record<CallbackPhase, string>;
  webrtcStates: Record<WebrtcPhase, string>;
  /** An agent calls the visitor ("Ada is calling you"). */
  incoming: (name?: string) => string;
  /** A phone callback on its way to a number ("Calling +1••••••2671…"). */
  calling: (number: string) => string;
  /** Final status with the talk time ("Call ended, 3:12"). */
  endedAfter: (duration: string) => string;
  /** Name of the duration timer. */
  duration: string;
  reasons: Record<CallReason, string>;
  cancelCall: string;
  hangUp: string;
  /** The mute toggle (a pressed button while muted). */
  mute: string;
  /** Name of the microphone level meter. */
  micLevel: string;
  remoteMuted: string;
  accept: string;
  decline: string;
  /** Shown throughout a call of the server's simulation. */
  simulated: string;
  newCall: string;
  errors: Record<VoiceProblem | 'phone_required' | 'phone_invalid' | 'consent_missing', string>;
  /** Voice messages: the record button, the recording's controls and status. */
  record: string;
  recording: string;
  /** Recording time against the limit ("0:07 of 2:00"). */
  recordingTime: (elapsed: string, max: string) => string;
  recordingLimit: string;
  sendRecording: string;
  discardRecording: string;
  recordingDiscarded: string;
  /** The audio player of voice messages. */
  voiceMessage: string;
  play: string;
  pause: string;
  /** Name of the position slider. */
  position: string;
  /** The slider's spoken value ("0:12 of 1:03"). */
  positionOf: (position: string, duration: string) => string;
  dictate: string;
  stopDictation: string;
  listening: string;
  dictationErrors: Record<DictationProblem, string>;
  readAloud: string;
  stopReading: string;
}
// [/voice]

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
  onlineAway: 'Online, team away',
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
  voice: {
    panel: 'Voice',
    menuTitle: 'Talk to us',
    callTeam: 'Call the team from your browser',
    callTeamHint: 'Uses your microphone. Nothing to install.',
    requestCallback: 'Ask us to call your phone',
    requestCallbackHint: 'Leave your number and we will call you.',
    nothingOffered: 'Voice calls are not available right now.',
    backToChat: 'Back to chat',
    phoneTitle: 'We will call you',
    country: 'Country',
    phoneNumber: 'Phone number',
    willCall: (number) => `We will call ${number}.`,
    consent: 'I agree to receive a phone call from this site at this number about this conversation.',
    callMe: 'Call me',
    cancel: 'Cancel',
    loading: 'Loading…',
    callbackStates: {
      requested: 'Requesting your call…',
      connecting: 'Placing the call…',
      ringing: 'Your phone is ringing…',
      in_progress: 'On the phone',
      ended: 'Call ended',
      failed: 'The call did not go through',
      cancelled: 'Call cancelled',
    },
    webrtcStates: {
      requested: 'Waiting for your microphone…',
      ringing: 'Calling the team…',
      connecting: 'Connecting…',
      in_progress: 'Connected',
      interrupted: 'Connection lost, reconnecting…',
      ended: 'Call ended',
      failed: 'The call failed',
      cancelled: 'Call cancelled',
    },
    incoming: (name) => (name ? `${name} is calling you` : 'The team is calling you'),
    calling: (number) => `Calling ${number}…`,
    endedAfter: (duration) => `Call ended, ${duration}`,
    duration: 'Call duration',
    reasons: {
      busy: 'The line was busy.',
      no_answer: 'Nobody answered.',
      invalid_number: 'This number cannot be called.',
      provider_error: 'The phone service could not place the call.',
      rate_limited: 'The phone service is busy. Try again later.',
      timeout: 'The phone service did not respond.',
      cancelled_by_visitor: 'You cancelled the call.',
      completed: 'The call is over.',
      declined: 'The call was declined.',
      cancelled_by_agent: 'The team cancelled the call.',
      connection_failed: 'The connection failed.',
      microphone_unavailable: 'The microphone could not be used.',
    },
    cancelCall: 'Cancel call',
    hangUp: 'Hang up',
    mute: 'Mute microphone',
    micLevel: 'Microphone level',
    remoteMuted: 'The other person muted their microphone.',
    accept: 'Accept',
    decline: 'Decline',
    simulated: 'Simulated call — no real phone call is made.',
    newCall: 'New call',
    errors: {
      phone_required: 'Enter your phone number.',
      phone_invalid: 'Enter a valid phone number for the country chosen, or start it with + and the country code.',
      consent_missing: 'Tick the box to agree to the call.',
      consent_required: 'Tick the box to agree to the call.',
      invalid_number: 'This number cannot be called. Check it and try again.',
      voice_disabled: 'Phone calls are not offered on this site.',
      country_not_allowed: 'We cannot call numbers in this country.',
      outside_calling_hours: 'We only call during opening hours. Please try again later.',
      call_active: 'A call is already in progress.',
      rate_limited: 'Too many call requests. Please try again later.',
      provider_error: 'The call could not be placed. Please try again later.',
      provider_timeout: 'The phone service did not respond. Please try again.',
      permission_denied: 'Microphone access was refused. Allow the microphone for this site in your browser settings, then try again.',
      no_microphone: 'No microphone was found. Connect one and try again.',
      microphone_busy: 'Your microphone could not be opened. Close other apps that use it and try again.',
      connection_failed: 'The call could not connect. Check your network and try again.',
      unsupported: 'Your browser does not support this. Try an up-to-date browser.',
      network: 'No connection. Check your network and try again.',
      unknown: 'Something went wrong. Please try again.',
    },
    record: 'Record a voice message',
    recording: 'Recording',
    recordingTime: (elapsed, max) => `${elapsed} of ${max}`,
    recordingLimit: 'Maximum length reached.',
    sendRecording: 'Send voice message',
    discardRecording: 'Discard voice message',
    recordingDiscarded: 'Voice message discarded.',
    voiceMessage: 'Voice message',
    play: 'Play',
    pause: 'Pause',
    position: 'Position',
    positionOf: (position, duration) => `${position} of ${duration}`,
    dictate: 'Dictate',
    stopDictation: 'Stop dictation',
    listening: 'Listening…',
    dictationErrors: {
      permission_denied: 'Dictation needs the microphone. Allow it in your browser settings.',
      no_microphone: 'No microphone was found.',
      network: 'Dictation needs a network connection.',
      language: 'Dictation is not available in this language.',
      no_speech: 'Nothing was heard. Try again.',
      unknown: 'Dictation stopped. Try again.',
    },
    readAloud: 'Read aloud',
    stopReading: 'Stop reading',
  },
  // [/voice]
  assistantUi: enAssistant,
};
