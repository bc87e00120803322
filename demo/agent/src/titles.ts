import type { Conversation } from './types.js';

/**
 * The name the console uses for a conversation's visitor: verified user, then contact, then the
 * visitor's opaque reference. It is text someone else chose: render it isolated (`<bdi>`), so bidi
 * control characters in it cannot reorder the text around it.
 */
export function conversationTitle(c: Conversation): string {
  return visitorName(c);
}

/**
 * {@link conversationTitle} of anything that names a visitor as a conversation does (the queue's
 * entries carry a conversation; the list, the search and the header show the same name): never
 * the raw `v_…` reference.
 */
export function visitorName(c: Pick<Conversation, 'user' | 'contact'> & { visitorRef?: string }): string {
  return (
    c.user?.name ||
    c.user?.email ||
    c.contact?.name ||
    c.contact?.email ||
    `Visitor ${(c.visitorRef ?? '').replace(/^v_/, '').slice(0, 6)}…`
  );
}

/**
 * A short number that tells a visitor's conversations apart: `#` and the first four characters
 * of the conversation id (random, so two conversations of one visitor practically never share
 * it; the full id is in the conversation's header).
 */
export function conversationNumber(c: Pick<Conversation, 'id'>): string {
  return `#${c.id.replace(/^c_/, '').slice(0, 4)}`;
}

/** When the conversation started (its first message), as "2 Dec, 14:05", today as "14:05". */
export function startedLabel(c: Conversation, now = new Date()): string {
  const started = new Date(c.startedAt ?? c.createdAt);
  if (Number.isNaN(started.getTime())) return '';
  const sameDay = started.toDateString() === now.toDateString();
  return sameDay
    ? started.toLocaleTimeString(undefined, { hour: '2-digit', minute: '2-digit' })
    : started.toLocaleString(undefined, { day: 'numeric', month: 'short', hour: '2-digit', minute: '2-digit' });
}

/** The line under a title that sets a conversation apart from the visitor's others: "Started 2 Dec, 14:05 · #k3Fq". */
export function conversationSubtitle(c: Conversation, now = new Date()): string {
  return `Started ${startedLabel(c, now)} · ${conversationNumber(c)}`;
}
