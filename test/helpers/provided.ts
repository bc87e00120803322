import { ContextProvider } from '@lit/context';
import { fixture, html } from '@open-wc/testing';
import { chatServiceContext } from '../../src/context.js';
import type { ChatService } from '../../src/services/chat-service.js';
import type { StubChatService } from './state-stub.js';

/**
 * Mounts `<tag>` filling a flex column host of `width` × `height` px (`lang="en-US"`) that provides
 * `service` as the chat service, and resolves after its first update.
 *
 * @example
 * const list = await provided<AmoiqMessageList>('amoiq-message-list', new StubChatService());
 */
export async function provided<T extends HTMLElement>(
  tag: string,
  service: StubChatService,
  { width = 360, height = 400 } = {},
): Promise<T> {
  const host = await fixture<HTMLDivElement>(
    html`<div lang="en-US" style="display:flex;flex-direction:column;width:${width}px;height:${height}px"></div>`,
  );
  new ContextProvider(host, { context: chatServiceContext, initialValue: service as unknown as ChatService });
  const el = document.createElement(tag) as T;
  el.style.flex = '1';
  host.append(el);
  await (el as unknown as { updateComplete: Promise<unknown> }).updateComplete;
  return el;
}

/** Resolves after `n` animation frames (for counting what frames did, never as a wait for a state). */
export async function frames(n: number): Promise<void> {
  for (let i = 0; i < n; i++) await new Promise((r) => requestAnimationFrame(r));
}
