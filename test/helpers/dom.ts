import { expect } from '@open-wc/testing';
import type { AmoiqChat } from '../../src/components/chat/chat.js';
import type { ChatService } from '../../src/services/chat-service.js';

/** The element inside `<amoiq-chat>`'s shadow root (and one level deeper when a tag is given). */
export function part<T extends Element = HTMLElement>(el: AmoiqChat, selector: string, inner?: string): T {
  const outer = el.shadowRoot!.querySelector(selector);
  if (!outer) throw new Error(`no ${selector} in amoiq-chat`);
  if (!inner) return outer as T;
  const found = outer.shadowRoot!.querySelector(inner);
  if (!found) throw new Error(`no ${inner} in ${selector}`);
  return found as T;
}

/**
 * The ChatService an `<amoiq-chat>` runs (its ChatController's): the test seam for waiting on
 * the service (`whenIdle()`, `pendingTimers`) instead of sleeping. Throws while there is none.
 */
export function serviceOf(el: AmoiqChat): ChatService {
  const service = (el as unknown as { chat: { service?: ChatService } }).chat.service;
  if (!service) throw new Error('the element runs no chat service (not in the document?)');
  return service;
}

/** The deepest focused element, through shadow roots. */
export function deepActiveElement(): Element | null {
  let active = document.activeElement;
  while (active?.shadowRoot?.activeElement) active = active.shadowRoot.activeElement;
  return active;
}

/** The one way tests wait: on a state (test/helpers/until.ts), re-exported for the DOM tests. */
export { until } from './until.js';

/** Captures console.warn calls while `fn` runs. */
export async function captureWarnings(fn: () => Promise<void> | void): Promise<string[]> {
  const original = console.warn;
  const warnings: string[] = [];
  console.warn = (...args: unknown[]) => warnings.push(args.map(String).join(' '));
  try {
    await fn();
  } finally {
    console.warn = original;
  }
  return warnings;
}

/** Presses Shift+Enter in the focused element (a new line in the message box, not a send). */
export async function typeNewline(): Promise<void> {
  const { sendKeys } = await import('@web/test-runner-commands');
  await sendKeys({ down: 'Shift' });
  await sendKeys({ press: 'Enter' });
  await sendKeys({ up: 'Shift' });
}

/**
 * The one axe check of the suite: runs axe on an element after finishing every animation in it
 * and its shadow trees (a panel or banner mid-fade has colours nobody reads, and axe would judge
 * those).
 */
export async function expectAccessible(el: Element): Promise<void> {
  // Endless ones (typing dots, a spinner) cannot be finished; they are decorative.
  const finish = (node: Element) => node.getAnimations().forEach((a) => a.effect?.getComputedTiming().endTime !== Infinity && a.finish());
  const walk = (root: ShadowRoot | Element | null | undefined): void => {
    root?.querySelectorAll('*').forEach((node) => {
      finish(node);
      walk(node.shadowRoot);
    });
  };
  finish(el);
  walk(el.shadowRoot);
  walk(el);
  await expect(el).to.be.accessible();
}
