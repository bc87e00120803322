/**
 * English strings of the widget. Every visible or announced text comes from here, so locales can
 * be added without touching the components.
 */
export const en = {
  openChat: 'Open chat',
  closeChat: 'Close chat',
  conversation: 'Conversation',
  messageLabel: 'Message',
  placeholder: 'Type a message…',
  send: 'Send',
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
  typing: (name: string) => `${name} is typing…`,
  voiceUnavailable: 'Voice is not available yet.',
};

export type Strings = typeof en;
