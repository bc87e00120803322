import { fixture, html } from '@open-wc/testing';
import { nanoid } from 'nanoid';
import '../../src/define.js';
import type { AmoiqChat } from '../../src/components/chat/chat.js';
import type { ChatState } from '../../src/services/chat-service.js';
import { part, serviceOf, until } from '../helpers/dom.js';

/** An address nothing listens on: the widget stays offline. */
export const OFFLINE = 'http://127.0.0.1:9';

/** An offline `<amoiq-chat>` with its own database. */
export async function offlineChat(attrs: { open?: boolean; lang?: string; theme?: string; themeColor?: string } = {}): Promise<AmoiqChat> {
  const el = await fixture<AmoiqChat>(html`<amoiq-chat
    tenant-id="t"
    gateway-url=${OFFLINE}
    db-name=${`amoiq-a11y-${nanoid(8)}`}
    lang=${attrs.lang ?? 'en'}
    theme=${attrs.theme ?? 'light'}
    theme-color=${attrs.themeColor ?? ''}
    ?open=${attrs.open}
  ></amoiq-chat>`);
  await el.updateComplete;
  return el;
}

interface Internals {
  timeline: { restore(messages: unknown[]): void };
  outbox: { failed: unknown[] };
  publish(): void;
}
const internals = (el: AmoiqChat) => (el as unknown as { chat: { service: Internals } }).chat.service;

/** Stored messages as a restored cache would hold them (`seq` from `from`), published. */
export function restore(el: AmoiqChat, messages: Array<Record<string, unknown>>): void {
  internals(el).timeline.restore(messages.map((m) => ({ conversationId: 'c', createdAt: new Date().toISOString(), ...m })));
  internals(el).publish();
}

/** `n` agent messages, seq `from`…, text "message <seq>". */
export function agentMessages(from: number, n: number, extra: Record<string, unknown> = {}): Array<Record<string, unknown>> {
  return Array.from({ length: n }, (_, i) => ({
    id: `m${from + i}`,
    seq: from + i,
    sender: { type: 'agent', id: 'a1', name: 'Ada' },
    text: `message ${from + i}`,
    ...extra,
  }));
}

/** A failed visitor message, as a permanent refusal leaves it. */
export function failed(el: AmoiqChat, clientId: string, text: string): void {
  internals(el).outbox.failed = [
    { key: clientId, clientId, sender: { type: 'visitor' }, text, createdAt: new Date().toISOString(), status: 'failed', error: 'refused' },
  ];
  internals(el).publish();
}

/** Patches the service state as the server would, and re-renders. */
export async function setState(el: AmoiqChat, patch: Partial<ChatState>): Promise<void> {
  const service = serviceOf(el);
  service.state = { ...service.state, ...patch };
  internals(el).publish();
  await el.updateComplete;
}

export const list = (el: AmoiqChat) => part(el, 'amoiq-message-list');
export const listRoot = (el: AmoiqChat) => list(el).shadowRoot!;

/**
 * Waits until the list shows its newest message at the bottom and has stayed so, with no update
 * pending and the same scroll height, for ten frames in a row. Just after a long history first
 * shows, the list still measures its rows and re-estimates the rest: for a frame or two (more on a
 * loaded machine) the bottom can be a few rows below the view before the list goes back to it, and
 * a key pressed then starts from there.
 */
export async function listSettledAtBottom(el: AmoiqChat, newest: string): Promise<void> {
  const host = list(el) as HTMLElement & { isUpdatePending: boolean };
  const feed = () => host.shadowRoot!.querySelector<HTMLElement>('.base')!;
  let stable = 0;
  let height = -1;
  await until(
    async () => {
      await new Promise((r) => requestAnimationFrame(r));
      const f = feed();
      const atBottom = !!f && f.textContent!.includes(newest) && f.scrollHeight - f.scrollTop - f.clientHeight < 2;
      stable = atBottom && !host.isUpdatePending && f.scrollHeight === height ? stable + 1 : 0;
      height = f?.scrollHeight ?? -1;
      return stable >= 10;
    },
    `the list settled at "${newest}"`,
    20_000,
  );
}
export { serviceOf, until };
