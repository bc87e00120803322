import type { Strings } from './en.js';

/** German strings, loaded on demand. */
const de: Strings = {
  headerText: 'Schreiben Sie uns',
  openChat: 'Chat öffnen',
  openChatUnread: { one: 'Chat öffnen, # ungelesene Nachricht', other: 'Chat öffnen, # ungelesene Nachrichten' },
  closeChat: 'Chat schließen',
  newMessagesTitle: { one: '(#) Neue Nachricht', other: '(#) Neue Nachrichten' },
  conversation: 'Unterhaltung',
  messageLabel: 'Nachricht',
  placeholder: 'Nachricht eingeben…',
  send: 'Senden',
  charactersLeft: { one: 'Noch # Zeichen', other: 'Noch # Zeichen' },
  retry: 'Erneut senden',
  you: 'Sie',
  agent: 'Mitarbeiter',
  assistant: 'Assistent',
  system: 'System',
  pending: 'Wird gesendet…',
  sent: 'Gesendet',
  failed: 'Nicht gesendet',
  online: 'Online',
  connecting: 'Verbinde…',
  offline: 'Offline – Nachrichten werden später gesendet',
  idle: 'Nicht verbunden',
  viaWebsocket: 'Live-Verbindung (WebSocket)',
  viaHttp: 'Ersatzverbindung (HTTP)',
  typing: (name) => `${name} schreibt…`,
  voiceUnavailable: 'Sprachanrufe sind noch nicht verfügbar.',
  delivered: 'Zugestellt',
  read: 'Gelesen',
  loadingOlder: 'Ältere Nachrichten werden geladen…',
  newMessages: { one: '# neue Nachricht', other: '# neue Nachrichten' },
  newMessagesJump: { one: '# neue Nachricht, zur neuesten springen', other: '# neue Nachrichten, zur neuesten springen' },
  quickReplies: 'Antwortvorschläge',
  aiMark: 'KI',
  welcome: 'Willkommen',
  // [attachments]
  // [/attachments]
  // [lifecycle]
  // [/lifecycle]
  // [emoji]
  // [/emoji]
};
export default de;
