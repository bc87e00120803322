import { expect } from '@open-wc/testing';
import { part } from '../helpers/dom.js';
import { backgroundBehind, contrast } from './contrast.js';
import { offlineChat, setState, until } from './helpers.js';

// Issue 18, point 8: contrast pairs axe does not measure — the placeholder (a pseudo-element)
// and the away banner's field border (a non-text edge, WCAG 1.4.11) — from computed colours.

describe('a11y: contrast axe does not measure', () => {
  for (const theme of ['light', 'dark']) {
    it(`the message box placeholder reaches 4.5:1 (${theme})`, async () => {
      const el = await offlineChat({ open: true, theme });
      const textarea = part(el, 'amoiq-chat-input', 'textarea');
      const ratio = contrast(getComputedStyle(textarea, '::placeholder').color, backgroundBehind(textarea));
      expect(ratio, `placeholder ${ratio.toFixed(2)}:1`).to.be.at.least(4.5);
    });

    it(`the away banner's e-mail field border reaches 3:1 (${theme})`, async () => {
      const el = await offlineChat({ open: true, theme });
      await setState(el, { agentsOnline: false });
      await until(() => !!el.shadowRoot!.querySelector('amoiq-away-banner')?.shadowRoot?.querySelector('input'), 'the banner');
      const input = part(el, 'amoiq-away-banner', 'input');
      const ratio = contrast(getComputedStyle(input).borderTopColor, backgroundBehind(input.parentElement));
      expect(ratio, `border ${ratio.toFixed(2)}:1`).to.be.at.least(3);
    });
  }
});
