import type { Strings } from './en.js';

/** French strings, loaded on demand. */
const fr: Strings = {
  headerText: 'Discutons',
  openChat: 'Ouvrir le chat',
  openChatUnread: { one: 'Ouvrir le chat, # message non lu', other: 'Ouvrir le chat, # messages non lus' },
  closeChat: 'Fermer le chat',
  newMessagesTitle: { one: '(#) Nouveau message', other: '(#) Nouveaux messages' },
  conversation: 'Conversation',
  messageLabel: 'Message',
  placeholder: 'Écrivez un message…',
  send: 'Envoyer',
  charactersLeft: { one: '# caractère restant', other: '# caractères restants' },
  retry: 'Réessayer',
  you: 'Vous',
  agent: 'Conseiller',
  assistant: 'Assistant',
  system: 'Système',
  pending: 'Envoi…',
  sent: 'Envoyé',
  failed: 'Non envoyé',
  online: 'En ligne',
  connecting: 'Connexion…',
  offline: 'Hors ligne – les messages partiront plus tard',
  idle: 'Non connecté',
  viaWebsocket: 'connexion directe (WebSocket)',
  viaHttp: 'connexion de secours (HTTP)',
  typing: (name) => `${name} écrit…`,
  voiceUnavailable: 'La voix n’est pas encore disponible.',
  delivered: 'Distribué',
  read: 'Lu',
  loadingOlder: 'Chargement des messages précédents…',
  newMessages: { one: '# nouveau message', other: '# nouveaux messages' },
  newMessagesJump: { one: '# nouveau message, aller au plus récent', other: '# nouveaux messages, aller au plus récent' },
  quickReplies: 'Réponses suggérées',
  aiMark: 'IA',
  welcome: 'Bienvenue',
  // [attachments]
  // [/attachments]
  // [lifecycle]
  // [/lifecycle]
  // [emoji]
  // [/emoji]
};
export default fr;
