import { expect } from '@open-wc/testing';
import { setViewport } from '@web/test-runner-commands';
import type { AmoiqChat } from '../../src/components/chat/chat.js';
import { expectAccessible, part } from '../helpers/dom.js';
import { composedParent } from './contrast.js';
import { offlineChat, setState, until } from './helpers.js';

// Issue 18, point 4 (WCAG 1.4.10 Reflow): at 200 % (640 × 400 CSS px) and 400 % (320 × 256) every
// state fits or scrolls within the panel: no content is clipped by a box that cannot be scrolled,
// and the last control of each state can be scrolled into view inside the viewport.

/** Every element in the composed tree under `root`. */
function* composed(root: Element): Generator<Element> {
  yield root;
  const children = root.shadowRoot
    ? [...root.shadowRoot.children]
    : root instanceof HTMLSlotElement
      ? root.assignedElements({ flatten: true })
      : [...root.children];
  for (const child of children) yield* composed(child);
}

/** Boxes that cut off content a pointer cannot scroll to. */
function clipped(panel: Element): string[] {
  const found: string[] = [];
  for (const el of composed(panel)) {
    if (!(el instanceof HTMLElement) || el.clientHeight <= 1) continue; // visually hidden text is 1 px on purpose
    const { overflowY } = getComputedStyle(el);
    if ((overflowY === 'hidden' || overflowY === 'clip') && el.scrollHeight > el.clientHeight + 1) {
      found.push(`${el.localName}.${el.className} (${el.scrollHeight} > ${el.clientHeight})`);
    }
  }
  return found;
}

/** The nearest box that scrolls vertically by pointer (overflow auto/scroll), or null. */
function scrollerOf(el: Element): HTMLElement | null {
  for (let node = composedParent(el); node; node = composedParent(node)) {
    const { overflowY } = getComputedStyle(node);
    if ((overflowY === 'auto' || overflowY === 'scroll') && node.scrollHeight > node.clientHeight + 1) return node as HTMLElement;
  }
  return null;
}

/** Scrolls the boxes between `target` and the panel (as a wheel would) until the target shows. */
function scrollIntoPanel(target: Element): void {
  for (let box = scrollerOf(target); box; box = scrollerOf(box)) {
    const rect = target.getBoundingClientRect();
    const view = box.getBoundingClientRect();
    if (rect.bottom > view.bottom) box.scrollTop += rect.bottom - view.bottom;
    if (rect.top < view.top) box.scrollTop -= view.top - rect.top;
  }
}

async function expectReachable(el: AmoiqChat, last: () => Element, what: string): Promise<void> {
  const panel = part(el, '.panel');
  panel.getAnimations().forEach((a) => a.finish()); // the opening slide moves it by 0.5 rem
  expect(clipped(panel), `${what}: clipped`).to.deep.equal([]);
  const p = panel.getBoundingClientRect();
  expect(p.bottom, `${what}: panel inside the viewport`).to.be.at.most(innerHeight + 1);
  const target = last();
  scrollIntoPanel(target);
  const r = target.getBoundingClientRect();
  expect(r.height, `${what}: ${target.localName} has a size`).to.be.greaterThan(0);
  expect(
    r.top >= p.top - 1 && r.bottom <= Math.min(p.bottom, innerHeight) + 1,
    `${what}: ${target.outerHTML.slice(0, 60)} at ${r.top}–${r.bottom}, panel ${p.top}–${p.bottom}`,
  ).to.equal(true);
}

const states: Array<{ name: string; set: (el: AmoiqChat) => Promise<() => Element> }> = [
  {
    name: 'message box',
    set: async (el) => () => part(el, 'amoiq-chat-input', '[part="send-button"]'),
  },
  {
    name: 'pre-chat form',
    set: async (el) => {
      el.setAttribute('pre-chat-fields', 'name,email*,company');
      await until(() => !!el.shadowRoot!.querySelector('amoiq-pre-chat-form')?.shadowRoot?.querySelector('button'), 'the form');
      return () => part(el, 'amoiq-pre-chat-form', '[part="submit-button"]');
    },
  },
  {
    name: 'away banner',
    set: async (el) => {
      await setState(el, { agentsOnline: false });
      await until(() => !!el.shadowRoot!.querySelector('amoiq-away-banner')?.shadowRoot?.querySelector('button'), 'the banner');
      return () => part(el, 'amoiq-chat-input', '[part="send-button"]');
    },
  },
  {
    name: 'away banner with the pre-chat form',
    set: async (el) => {
      el.setAttribute('pre-chat-fields', 'name,email*,company');
      await setState(el, { agentsOnline: false });
      await until(
        () =>
          !!el.shadowRoot!.querySelector('amoiq-pre-chat-form')?.shadowRoot?.querySelector('button') &&
          !!el.shadowRoot!.querySelector('amoiq-away-banner')?.shadowRoot,
        'form and banner',
      );
      return () => part(el, 'amoiq-pre-chat-form', '[part="submit-button"]');
    },
  },
  {
    name: 'closed conversation',
    set: async (el) => {
      await setState(el, { conversationStatus: 'closed' });
      await until(() => !!el.shadowRoot!.querySelector('amoiq-conversation-closed')?.shadowRoot?.querySelector('button'), 'the closed bar');
      return () => part(el, 'amoiq-conversation-closed', 'button');
    },
  },
];

describe('a11y: every state scrolls within the panel when zoomed', () => {
  afterEach(() => setViewport({ width: 800, height: 600 }));
  for (const [width, height, zoom] of [
    [640, 400, '200 %'],
    [320, 256, '400 %'],
  ] as const) {
    for (const state of states) {
      it(`${state.name} at ${zoom} (${width} × ${height})`, async () => {
        await setViewport({ width, height });
        const el = await offlineChat({ open: true });
        const last = await state.set(el);
        await el.updateComplete;
        await expectReachable(el, last, `${state.name} at ${zoom}`);
        await expectAccessible(el);
      });
    }
  }
});
