/**
 * The public events of `<amoiq-chat>`: each bubbles, is composed, and is typed in
 * `HTMLElementEventMap`. The events the widget's parts send each other (`amoiq-input-submit`,
 * `amoiq-typing`, `amoiq-close-request`, `amoiq-retry`, `amoiq-quick-reply`, the emoji picker's)
 * are `@internal`: not composed, and not exported here.
 */
export { AmoiqOpenEvent } from './open-event.js';
export { AmoiqCloseEvent } from './close-event.js';
export { AmoiqMessageEvent } from './message-event.js';
export { AmoiqConnectionChangeEvent } from './connection-change-event.js';
export { AmoiqErrorEvent, type ErrorEventDetail } from './error-event.js';
export { AmoiqResetEvent } from './reset-event.js';
export { AmoiqContactEvent, type ContactEventDetail } from './contact-event.js';
export { AmoiqNewConversationEvent } from './new-conversation-event.js';
export { AmoiqEscalationEvent, type EscalationEventDetail } from './escalation-event.js';
export { AmoiqAttachmentRejectedEvent, type AttachmentRejectedDetail, type AttachmentRejectedReason } from './attachment-rejected-event.js';
