import type { Strings } from './en.js';

/** Spanish strings, loaded on demand. */
const es: Strings = {
  headerText: 'Chatea con nosotros',
  openChat: 'Abrir el chat',
  openChatUnread: { one: 'Abrir el chat, # mensaje sin leer', other: 'Abrir el chat, # mensajes sin leer' },
  closeChat: 'Cerrar el chat',
  newMessagesTitle: { one: '(#) Mensaje nuevo', other: '(#) Mensajes nuevos' },
  conversation: 'Conversación',
  messageLabel: 'Mensaje',
  placeholder: 'Escribe un mensaje…',
  send: 'Enviar',
  charactersLeft: { one: 'Queda # carácter', other: 'Quedan # caracteres' },
  retry: 'Reintentar',
  you: 'Tú',
  agent: 'Agente',
  assistant: 'Asistente',
  system: 'Sistema',
  pending: 'Enviando…',
  sent: 'Enviado',
  failed: 'No enviado',
  online: 'En línea',
  connecting: 'Conectando…',
  offline: 'Sin conexión: los mensajes se enviarán más tarde',
  idle: 'No conectado',
  viaWebsocket: 'conexión en directo (WebSocket)',
  viaHttp: 'conexión alternativa (HTTP)',
  typing: (name) => `${name} está escribiendo…`,
  voiceUnavailable: 'La voz aún no está disponible.',
  delivered: 'Entregado',
  read: 'Leído',
  loadingOlder: 'Cargando mensajes anteriores…',
  newMessages: { one: '# mensaje nuevo', other: '# mensajes nuevos' },
  newMessagesJump: { one: '# mensaje nuevo, ir al más reciente', other: '# mensajes nuevos, ir al más reciente' },
  quickReplies: 'Respuestas sugeridas',
  aiMark: 'IA',
  welcome: 'Bienvenida',
  // [attachments]
  // [/attachments]
  // [lifecycle]
  // [/lifecycle]
  // [emoji]
  // [/emoji]
};
export default es;
