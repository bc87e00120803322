import { expect } from '@open-wc/testing';
import { sendKeys } from '@web/test-runner-commands';
import type { AmoiqChat } from '../../src/components/chat/chat.js';
import { part } from '../helpers/dom.js';
import { ringContrast } from './contrast.js';
import { failed, listRoot, offlineChat, restore, until } from './helpers.js';

// Issue 18, point 5: every focus ring reaches 3:1 (WCAG 1.4.11) against the colour it is actually
// drawn on — computed colours, not token values — with the default accent and a light brand
// colour (#FFD400), in the light and dark themes.

/**
 * Focuses an element as the keyboard would (so :focus-visible applies) and measures its ring, drawn
 * on the element itself or on `ringOn` (the message box's frame carries the text box's ring).
 */
async function measure(el: HTMLElement, what: string, results: string[], ringOn: HTMLElement = el): Promise<void> {
  el.focus({ focusVisible: true } as FocusOptions);
  await until(() => el.matches(':focus-visible'), `${what} focus-visible`);
  const style = getComputedStyle(ringOn);
  expect(style.outlineStyle, what).to.equal('solid');
  const { ratio, ring, background } = ringContrast(ringOn);
  if (ratio < 3) results.push(`${what}: ${ring} on ${background} = ${ratio.toFixed(2)}:1`);
}

async function everyRing(el: AmoiqChat): Promise<string[]> {
  const results: string[] = [];
  // A configured brand colour's tones come with their own chunk, the first time: measure the
  // settled look (the launcher's tone set on the wrapper).
  if (el.themeColor) {
    const base = part<HTMLElement>(el, '.base');
    await until(() => base.style.getPropertyValue('--amoiq-chat-launcher-background') !== '', 'the brand tones');
  }
  restore(el, [
    { id: 'm1', seq: 1, clientId: 'k1', sender: { type: 'visitor' }, text: 'My link https://example.com/mine' },
    {
      id: 'm2',
      seq: 2,
      sender: { type: 'agent', id: 'a1', name: 'Ada' },
      text: 'See [the guide](https://example.com/guide)',
      quickReplies: ['Yes', 'No'],
    },
  ]);
  const root = listRoot(el);
  await until(() => !!root.querySelector('[part="quick-reply"]') && root.querySelectorAll('.bubble a').length === 2, 'the messages');
  await measure(root.querySelector<HTMLElement>('[part="quick-reply"]')!, 'quick reply', results);
  failed(el, 'f1', 'Refused');
  await until(() => !!root.querySelector('[part="retry-button"]'), 'the Retry button');
  const launcher = part<HTMLElement>(el, '.launcher');
  await measure(launcher, 'launcher', results);
  await measure(part(el, 'amoiq-chat-header', '[part="close-button"]'), 'close button', results);
  await measure(root.querySelector<HTMLElement>('.base')!, 'the log', results);
  await measure(root.querySelector<HTMLElement>('.other .bubble a')!, 'link in an incoming bubble', results);
  await measure(root.querySelector<HTMLElement>('.own .bubble a')!, "link in the visitor's bubble", results);
  await measure(root.querySelector<HTMLElement>('[part="retry-button"]')!, 'Retry', results);
  await measure(
    part<HTMLElement>(el, 'amoiq-chat-input', 'textarea'),
    'text box',
    results,
    part<HTMLElement>(el, 'amoiq-chat-input', '.box'),
  );
  await measure(part(el, 'amoiq-chat-input', '[part="emoji-button"]'), 'emoji button', results);
  part(el, 'amoiq-chat-input', 'textarea').focus();
  await sendKeys({ type: 'x' });
  await until(() => !part<HTMLButtonElement>(el, 'amoiq-chat-input', '[part="send-button"]').disabled, 'the send button enabled');
  await measure(part(el, 'amoiq-chat-input', '[part="send-button"]'), 'send button', results);
  return results;
}

describe('a11y: focus rings reach 3:1 against their actual background', () => {
  for (const variant of [
    { themeColor: '', theme: 'light' },
    { themeColor: '#FFD400', theme: 'light' },
    { themeColor: '', theme: 'dark' },
    { themeColor: '#FFD400', theme: 'dark' },
  ]) {
    it(`accent ${variant.themeColor || 'default'}, ${variant.theme}`, async () => {
      const el = await offlineChat({ open: true, ...variant });
      expect(await everyRing(el)).to.deep.equal([]);
    });
  }
});
