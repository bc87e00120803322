import { expect } from '@open-wc/testing';
import type { AmoiqChat } from '../../src/components/chat/chat.js';

/** The element inside `<amoiq-chat>`'s shadow root (and one level deeper when a tag is given). */
export function part<T extends Element = HTMLElement>(el: AmoiqChat, selector: string, inner?: string): T {
  const outer = el.shadowRoot!.querySelector(selector);
  if (!outer) throw new Error(`no ${selector} in amoiq-chat`);
  if (!inner) return outer as T;
  const found = outer.shadowRoot!.querySelector(inner);
  if (!found) throw new Error(`no ${inner} in ${selector}`);
  return found as T;
}

/** The deepest focused element, through shadow roots. */
export function deepActiveElement(): Element | null {
  let active = document.activeElement;
  while (active?.shadowRoot?.activeElement) active = active.shadowRoot.activeElement;
  return active;
}

/** Waits until `check` passes or the time is up, polling every 25 ms. */
export async function until(check: () => boolean, what: string, timeoutMs = 10_000): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > end) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

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
 * Runs axe on an element after finishing every animation in it and its shadow trees: a panel or
 * banner mid-fade has colours nobody reads, and axe would judge those.
 */
export async function expectAccessible(el: Element): Promise<void> {
  const walk = (root: ShadowRoot | Element | null | undefined): void => {
    root?.querySelectorAll('*').forEach((node) => {
      node.getAnimations().forEach((a) => a.finish());
      walk(node.shadowRoot);
    });
  };
  el.getAnimations().forEach((a) => a.finish());
  walk(el.shadowRoot);
  walk(el);
  await expect(el).to.be.accessible();
}
