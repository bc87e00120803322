/**
 * What `<amoiq-message-list>` shows, computed without the DOM: the messages turned into rows
 * (date separators, sender groups, notices), sender initials and colours, the locale to format
 * with, and which quick replies are on offer.
 */
import type { Strings } from '../../i18n/en.js';
import type { CallFailReason, HandoffReasonCode } from '../../i18n/en-notices.js';
import type { CallNotice } from '../../protocol/v1.js';
import type { ChatMessage } from '../../services/chat-service.js';
import type { Sender } from '../../protocol/v1.js';

/**
 * The site's assistant introducing itself (session `config.assistant.greeting`): shown as its
 * first words, after the welcome message; not a stored message.
 */
export interface Greeting {
  text: string;
  /** The assistant, as its messages name it (`type: 'ai'`, name, avatar). */
  sender: Sender;
}

/** A message as the list reads it: quick replies may ride along (protocol v1, optional). */
export type ListMessage = ChatMessage & { quickReplies?: readonly string[] };

/**
 * One row of the (virtualized) list. `pos`: its place among the rows that are articles of the
 * feed (all but date separators), from 1 — its `aria-posinset`. `time`: the message ends a run of
 * one sender within one minute, so its time shows (see {@link sameRun}).
 */
export type Row =
  | { kind: 'welcome'; key: string; text: string; pos: number }
  | { kind: 'greeting'; key: string; greeting: Greeting; pos: number }
  | { kind: 'date'; key: string; label: string }
  | { kind: 'notice'; key: string; message: ListMessage; pos: number }
  | { kind: 'message'; key: string; message: ListMessage; own: boolean; first: boolean; last: boolean; time: boolean; pos: number };

/** How many rows are articles of the feed (its `aria-setsize` when all history is loaded). */
export function articleCount(rows: readonly Row[]): number {
  const last = rows.at(-1);
  // A date separator is always followed by the message it dates: the last row is an article.
  return last && last.kind !== 'date' ? last.pos : 0;
}

/** How many messages from the start are the same objects in both lists. */
export function sharedPrefix<T>(a: readonly T[], b: readonly T[]): number {
  const n = Math.min(a.length, b.length);
  let i = 0;
  while (i < n && a[i] === b[i]) i++;
  return i;
}

/** The label of a delivery state; undefined for states without one (a future protocol's), which are not shown. */
export function statusLabel(status: string | undefined, t: Strings): string | undefined {
  const labels: Record<string, string> = { pending: t.pending, sent: t.sent, delivered: t.delivered, read: t.read, failed: t.failed };
  return status && Object.hasOwn(labels, status) ? labels[status] : undefined;
}

/**
 * The text of a message as the list shows it: a system notice with a known `event` in the
 * visitor's language, made from its fields (never the server's English `text`): closed, reopened,
 * joined, the handoff (escalated with who asked and why, assigned, transferred, returned) and the
 * calls (`call`: dialling, ringing, connected, ended with its duration, cancelled, failed and
 * why); naming the agent when the server gave a name. Anything else as sent.
 */
export function noticeText(message: Pick<ChatMessage, 'text' | 'event' | 'sender' | 'handoff' | 'call'>, t: Strings): string {
  if (message.sender.type !== 'system' || !message.event) return message.text;
  const name = message.sender.name || undefined;
  const n = t.assistantUi.notices;
  switch (message.event) {
    case 'closed':
      return t.closedNotice(name);
    case 'reopened':
      return t.reopenedNotice(name);
    case 'joined':
      return t.joinedNotice(name);
    case 'escalated': {
      const { reason, requestedBy } = message.handoff ?? {};
      if (requestedBy === 'assistant')
        return n.escalatedByAssistant(
          reason && Object.hasOwn(n.handoffReasons, reason) ? n.handoffReasons[reason as HandoffReasonCode] : undefined,
        );
      // The server's default reason says only who asked: nothing to add.
      const given = reason && reason !== DEFAULT_ESCALATION_REASON ? reason : undefined;
      return requestedBy === 'agent' ? n.escalatedByAgent(given) : n.escalatedByVisitor(given);
    }
    case 'assigned':
      return n.assigned(message.handoff?.agent?.name ?? name);
    case 'transferred':
      return n.transferred(message.handoff?.agent?.name ?? name);
    case 'returned':
      return n.returned(name);
    case 'call':
      return message.call ? callNoticeText(message.call, t) : message.text;
    default:
      return message.text;
  }
}

/** What the server gives as the reason of an escalation the visitor asked for without one. */
const DEFAULT_ESCALATION_REASON = 'requested by the visitor';

/** A call notice from its fields: the state, who called, the duration, why it failed. */
function callNoticeText(call: CallNotice, t: Strings): string {
  const n = t.assistantUi.notices;
  const seconds = Math.max(0, Math.round(call.durationSeconds ?? 0));
  let text: string;
  switch (call.state) {
    case 'requested':
      text = call.kind === 'callback' ? n.callCalling(call.to) : call.from === 'agent' ? n.callTeamCalling : n.callVisitorCalling;
      break;
    case 'in_progress':
      text = n.callConnected;
      break;
    case 'ended':
      text = n.callEnded(`${Math.floor(seconds / 60)}:${String(seconds % 60).padStart(2, '0')}`);
      break;
    case 'cancelled':
      text = n.callCancelled;
      break;
    default: {
      const reason = call.reason;
      text = n.callFailed(reason && Object.hasOwn(n.callFailReasons, reason) ? n.callFailReasons[reason as CallFailReason] : undefined);
    }
  }
  return call.simulated ? n.callSimulated(text) : text;
}

/** The name shown for a sender, falling back to a label for its type. */
export function senderName(sender: Sender, t: Strings): string {
  if (sender.name) return sender.name;
  return { visitor: t.you, agent: t.agent, ai: t.assistant, system: t.system }[sender.type];
}

/**
 * Up to two initials of a name, in upper case ("Ada Lovelace" → "AL"). What is in brackets is a
 * note, not a name: "Ada (demo agent)" → "A", "Ada Lovelace [Support]" → "AL".
 */
export function initials(name: string): string {
  const bare = name.replace(/\([^)]*\)|\[[^\]]*\]|\{[^}]*\}/g, ' ').trim();
  const words = (bare || name.replace(/[()[\]{}]/g, ' ')).trim().split(/\s+/).filter(Boolean);
  const letters = words.length > 1 ? [words[0], words[words.length - 1]] : words;
  return (
    letters
      .map((w) => [...w][0] ?? '')
      .join('')
      .toLocaleUpperCase() || '?'
  );
}

/** A stable hue (0–359) for a name, so a sender keeps their avatar colour everywhere. */
export function avatarHue(name: string): number {
  let hash = 0;
  for (let i = 0; i < name.length; i++) hash = (hash * 31 + name.charCodeAt(i)) | 0;
  return Math.abs(hash) % 360;
}

/**
 * The locale of an element: the nearest `lang` attribute, looking through shadow roots to the
 * host page, then the document's, then the browser's.
 */
export function localeOf(el: Element): string {
  let node: Node | null = el;
  while (node) {
    const found = node instanceof Element ? node.closest('[lang]') : null;
    if (found?.getAttribute('lang')) return validLocale(found.getAttribute('lang')!);
    const root = node.getRootNode();
    node = root instanceof ShadowRoot ? root.host : null;
  }
  return validLocale(document.documentElement.lang || navigator.language);
}

function validLocale(tag: string): string {
  try {
    return Intl.getCanonicalLocales(tag)[0] ?? navigator.language;
  } catch {
    return navigator.language;
  }
}

/** The local calendar day of each message, kept per message object: parsing 10,000 dates per update adds up. */
const days = new WeakMap<object, number>();
function dayOf(message: ChatMessage): number {
  let day = days.get(message);
  if (day === undefined) {
    const d = new Date(message.createdAt);
    day = d.getFullYear() * 10_000 + d.getMonth() * 100 + d.getDate();
    days.set(message, day);
  }
  return day;
}

/** Intl formatters are slow to create: one per locale and kind, kept. */
const formats = new Map<string, Intl.RelativeTimeFormat | Intl.DateTimeFormat>();
function format<T extends Intl.RelativeTimeFormat | Intl.DateTimeFormat>(key: string, make: () => T): T {
  let f = formats.get(key) as T | undefined;
  if (!f) formats.set(key, (f = make()));
  return f;
}

/** "Today", "Yesterday" (in the locale's words) or the localized date. */
export function dayLabel(date: Date, now: Date, locale: string): string {
  const midnight = (d: Date) => new Date(d.getFullYear(), d.getMonth(), d.getDate()).getTime();
  const days = Math.round((midnight(now) - midnight(date)) / 86_400_000);
  if (days === 0 || days === 1) {
    const word = format(`r:${locale}`, () => new Intl.RelativeTimeFormat(locale, { numeric: 'auto' })).format(-days, 'day');
    return word.charAt(0).toLocaleUpperCase(locale) + word.slice(1);
  }
  const sameYear = date.getFullYear() === now.getFullYear();
  return format(
    `d:${locale}:${sameYear}`,
    () => new Intl.DateTimeFormat(locale, { weekday: 'long', day: 'numeric', month: 'long', year: sameYear ? undefined : 'numeric' }),
  ).format(date);
}

/** The time of day of a message, in the locale. */
export function timeLabel(date: Date, locale: string): string {
  return format(`t:${locale}`, () => new Intl.DateTimeFormat(locale, { hour: 'numeric', minute: '2-digit' })).format(date);
}

/** Whether two messages belong to one group: the same sender (the visitor's own are one group). */
function sameSender(a: Sender, b: Sender): boolean {
  // The visitor's own messages carry their id only while unsent: group them regardless.
  return a.type === b.type && (a.type === 'visitor' || (a.id === b.id && a.name === b.name));
}

/**
 * Whether two consecutive messages share one time label: same sender, same minute, same delivery
 * state, not notices. The time shows on the last of each such run (as Intercom and Crisp do),
 * instead of under every bubble.
 */
function sameRun(a: ChatMessage, b: ChatMessage): boolean {
  if (a.sender.type === 'system' || b.sender.type === 'system' || a.status !== b.status) return false;
  return sameSender(a.sender, b.sender) && Math.floor(Date.parse(a.createdAt) / 60_000) === Math.floor(Date.parse(b.createdAt) / 60_000);
}

/** What the last {@link buildRows} call was given and made, to build only what changed next time. */
let previousBuild:
  | {
      messages: readonly ListMessage[];
      welcome: string;
      greeting: string;
      locale: string;
      today: number;
      rows: Row[];
      firstRowOf: number[];
    }
  | undefined;

/** A greeting as a string, to tell whether it changed. */
const greetingKey = (g: Greeting | undefined): string => (g ? JSON.stringify([g.text, g.sender.name, g.sender.avatar]) : '');

/**
 * Turns messages into rows: the welcome message first, then the assistant's greeting (when the
 * site has an assistant that gives one), a date separator whenever the day changes, system
 * messages as notices, and for each message whether it starts or ends a group of consecutive
 * messages from the same sender.
 *
 * Incremental: when the messages share a prefix (the same objects) with the previous call's (same
 * welcome, greeting, locale and day), the rows of that prefix are kept and only the rest is built,
 * so a new message costs a few rows, not the whole history. Rows are never changed once returned.
 */
export function buildRows(messages: readonly ListMessage[], welcome: string, locale: string, now = new Date(), greeting?: Greeting): Row[] {
  const today = now.getFullYear() * 10_000 + now.getMonth() * 100 + now.getDate();
  const greets = greeting?.text.trim() ? greetingKey(greeting) : '';
  const prev = previousBuild;
  let start = 0;
  let rows: Row[] = [];
  let firstRowOf: number[] = [];
  if (prev && prev.welcome === welcome && prev.greeting === greets && prev.locale === locale && prev.today === today) {
    // Build the last shared message again: its group (and its time's run) may end differently now.
    start = Math.max(0, sharedPrefix(prev.messages, messages) - 1);
  }
  if (start > 0) {
    rows = prev!.rows.slice(0, prev!.firstRowOf[start]);
    firstRowOf = prev!.firstRowOf.slice(0, start);
  } else {
    if (welcome) rows.push({ kind: 'welcome', key: 'welcome', text: welcome, pos: 1 });
    if (greets) rows.push({ kind: 'greeting', key: 'greeting', greeting: greeting!, pos: rows.length + 1 });
  }
  const kept = rows.length;
  let pos = articleCount(rows);
  let day = start > 0 ? dayOf(messages[start - 1]) : -1;
  const tail = rows.at(-1);
  let previous = tail?.kind === 'message' ? tail : undefined;
  for (let i = start; i < messages.length; i++) {
    const message = messages[i];
    firstRowOf.push(rows.length);
    const key = dayOf(message);
    if (key !== day) {
      day = key;
      rows.push({ kind: 'date', key: `date:${key}`, label: dayLabel(new Date(message.createdAt), now, locale) });
      previous = undefined;
    }
    if (message.sender.type === 'system') {
      rows.push({ kind: 'notice', key: message.key, message, pos: ++pos });
      previous = undefined;
      continue;
    }
    const first = !previous || !sameSender(previous.message.sender, message.sender);
    const own = message.sender.type === 'visitor';
    const row = { kind: 'message' as const, key: message.key, message, own, first, last: false, time: true, pos: ++pos };
    rows.push(row);
    previous = row;
  }
  // Close every new group: a message is last when the next row is not in its group; its time shows
  // unless the next message continues its run. (A kept row's next row is the same message as
  // before, so its flags hold.)
  for (let i = kept; i < rows.length; i++) {
    const row = rows[i];
    if (row.kind !== 'message') continue;
    const next = rows[i + 1];
    row.last = !next || next.kind !== 'message' || next.first;
    row.time = !next || next.kind !== 'message' || !sameRun(row.message, next.message);
  }
  previousBuild = { messages, welcome, greeting: greets, locale, today, rows, firstRowOf };
  return rows;
}

/**
 * The quick replies on offer: those of the newest agent or AI message, as long as the visitor has
 * not written anything after it.
 */
export function quickRepliesOf(messages: readonly ListMessage[]): { key: string; replies: readonly string[] } | undefined {
  for (let i = messages.length - 1; i >= 0; i--) {
    const m = messages[i];
    if (m.sender.type === 'visitor') return undefined;
    if (m.sender.type === 'agent' || m.sender.type === 'ai') {
      const replies = Array.isArray(m.quickReplies) ? m.quickReplies.filter((r) => typeof r === 'string' && r.trim()) : [];
      return replies.length ? { key: m.key, replies } : undefined;
    }
  }
  return undefined;
}
