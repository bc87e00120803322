'use client';
/**
 * `amoiq-chat/react`: `<AmoiqChat>` for React 18 and 19, made with @lit/react. Properties are set
 * as properties (arrays and booleans too, also in React 18), events are `on…` props typed with
 * their event classes, and the element's methods are reached through a ref. Importing it
 * registers the tags (as `amoiq-chat/define` does).
 *
 * In Next.js (App Router) this module is a client module (`'use client'`), so a server component
 * may render `<AmoiqChat>` directly; on the server it renders the bare `<amoiq-chat>` tag, and the
 * properties and event listeners are set after hydration (nothing is lost). See docs/frameworks.md.
 *
 * @example
 * const chat = useRef<AmoiqChatElement>(null);
 * <AmoiqChat ref={chat} tenantId="acme" preChatFields={[{ name: 'email', required: true }]}
 *   open={open} onMessage={(e) => console.log(e.detail.message)} onClose={() => setOpen(false)} />
 * chat.current?.show();
 */
import * as React from 'react';
import { createComponent, type EventName } from '@lit/react';
import { AmoiqChat as AmoiqChatElement } from '../components/chat/chat.js';
import type {
  AmoiqAttachmentRejectedEvent,
  AmoiqCloseEvent,
  AmoiqConnectionChangeEvent,
  AmoiqContactEvent,
  AmoiqErrorEvent,
  AmoiqMessageEvent,
  AmoiqNewConversationEvent,
  AmoiqOpenEvent,
  AmoiqResetEvent,
} from '../events/index.js';
import { define } from '../registry.js';

define();

/** The React prop of each `<amoiq-chat>` event (custom-elements.json lists them with their details). */
export const AMOIQ_CHAT_EVENTS = {
  onOpen: 'amoiq-open' as EventName<AmoiqOpenEvent>,
  onClose: 'amoiq-close' as EventName<AmoiqCloseEvent>,
  onMessage: 'amoiq-message' as EventName<AmoiqMessageEvent>,
  onConnectionChange: 'amoiq-connection-change' as EventName<AmoiqConnectionChangeEvent>,
  onError: 'amoiq-error' as EventName<AmoiqErrorEvent>,
  onAttachmentRejected: 'amoiq-attachment-rejected' as EventName<AmoiqAttachmentRejectedEvent>,
  onReset: 'amoiq-reset' as EventName<AmoiqResetEvent>,
  onContact: 'amoiq-contact' as EventName<AmoiqContactEvent>,
  onNewConversation: 'amoiq-new-conversation' as EventName<AmoiqNewConversationEvent>,
};

/** `<amoiq-chat>` as a React component; its ref is the element (`show()`, `send()`, `identify()`, …). */
export const AmoiqChat = createComponent({
  react: React,
  tagName: 'amoiq-chat',
  elementClass: AmoiqChatElement,
  events: AMOIQ_CHAT_EVENTS,
  displayName: 'AmoiqChat',
});

/** The props of {@link AmoiqChat}. */
export type AmoiqChatProps = React.ComponentProps<typeof AmoiqChat>;

export { AmoiqChatElement };
export type * from '../events/index.js';
export type { PreChatField } from '../components/pre-chat-form/fields.js';
