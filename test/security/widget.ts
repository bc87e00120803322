/**
 * Helpers for the security tests: a real `<amoiq-chat>` against the real reference backend, its
 * conversation, raw frames injected into its socket through the backend's test-only debug hook,
 * and walks through every shadow root it renders.
 */
import { fixture, html } from '@open-wc/testing';
import { nanoid } from 'nanoid';
import '../../src/define.js';
import type { AmoiqChat } from '../../src/components/chat/chat.js';
import { ChatStore } from '../../src/services/store.js';
import { until } from '../helpers/dom.js';
import { agentToken, api, backend, newId, type BackendInfo } from '../server/helpers.js';

export type RawFrame = string | { prefix?: string; fill: string; times: number; suffix?: string };

/** A mounted widget, online over WebSocket, with its conversation id. */
export interface Mounted {
  el: AmoiqChat;
  info: BackendInfo;
  dbName: string;
  conversationId: string;
}

export const headerStatus = (el: AmoiqChat) =>
  el.shadowRoot!.querySelector('amoiq-chat-header')?.shadowRoot?.querySelector('.status')?.textContent ?? '';

/** Mounts `<amoiq-chat>` on the demo tenant, open, and waits until it is online with a conversation. */
export async function mountOnline(attributes: Record<string, string> = {}): Promise<Mounted> {
  const info = await backend();
  const dbName = `amoiq-sec-${nanoid(8)}`;
  const el = await fixture<AmoiqChat>(
    html`<amoiq-chat gateway-url=${info.url} api-key=${info.apiKey} tenant-id=${info.tenantId} db-name=${dbName} open></amoiq-chat>`,
  );
  for (const [name, value] of Object.entries(attributes)) el.setAttribute(name, value);
  await until(() => el.connectionState === 'online', 'the widget to be online', 15_000);
  const store = new ChatStore(info.tenantId, dbName);
  let conversationId = '';
  await until(() => {
    void store.getSession().then((s) => (conversationId = s?.conversationId ?? ''));
    return conversationId !== '';
  }, 'the session to be stored');
  return { el, info, dbName, conversationId };
}

/** Writes raw frames to the conversation's visitor sockets (backend started with AMOIQ_DEBUG_HOOKS=1). */
export async function injectFrames(conversationId: string, frames: RawFrame[]): Promise<void> {
  const { url } = await backend();
  const res = await fetch(`${url}/api/debug/frames`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify({ conversationId, frames }),
  });
  if (res.status !== 204) throw new Error(`debug/frames: ${res.status} ${await res.text()}`);
}

/** Posts a message as the demo agent into a conversation. */
export async function agentSays(conversationId: string, text: string): Promise<number> {
  const token = await agentToken();
  const res = await api(`/api/agent/conversations/${conversationId}/messages`, { auth: token, body: { text, clientId: newId() } });
  return res.status;
}

/** Every shadow root under `root`, depth first, including nested ones. */
export function shadowRoots(root: Element | ShadowRoot): ShadowRoot[] {
  const found: ShadowRoot[] = [];
  const visit = (node: Element | ShadowRoot) => {
    const elements = node instanceof ShadowRoot ? node.querySelectorAll('*') : [node, ...node.querySelectorAll('*')];
    for (const el of elements) {
      if (el.shadowRoot) {
        found.push(el.shadowRoot);
        visit(el.shadowRoot);
      }
    }
  };
  visit(root);
  return found;
}

/** All text the widget renders, through every shadow root. */
export function renderedText(el: Element): string {
  return shadowRoots(el)
    .map((r) => r.textContent ?? '')
    .join('\n');
}
