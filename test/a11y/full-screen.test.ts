import { expect, fixture, html } from '@open-wc/testing';
import { sendKeys, setViewport } from '@web/test-runner-commands';
import { nanoid } from 'nanoid';
import '../../src/define.js';
import type { AmoiqChat } from '../../src/components/chat/chat.js';
import { deepActiveElement, expectAccessible, part } from '../helpers/dom.js';
import { OFFLINE, until } from './helpers.js';

// Issue 18, point 3: at 320 × 640 the open panel fills the screen, so it is modal: the page under
// it is inert (Tab and browse mode cannot reach it) and Tab wraps inside the panel.

describe('a11y: the full-screen panel on a phone is modal', () => {
  afterEach(() => setViewport({ width: 800, height: 600 }));

  it('Tab after the emoji button wraps to the first control; the page is inert; closing restores it', async () => {
    await setViewport({ width: 320, height: 640 });
    const page = await fixture<HTMLElement>(html`<div>
      <a id="before" href="#b">A link before</a>
      <amoiq-chat tenant-id="t" gateway-url=${OFFLINE} db-name=${`amoiq-a11y-${nanoid(8)}`} lang="en"></amoiq-chat>
      <a id="after" href="#a">A link after</a>
      <p id="already" inert>Inert on its own</p>
    </div>`);
    const el = page.querySelector<AmoiqChat>('amoiq-chat')!;
    await el.updateComplete;
    el.show();
    await until(() => part(el, '.panel').getAttribute('aria-modal') === 'true', 'aria-modal');
    const before = page.querySelector<HTMLElement>('#before')!;
    const after = page.querySelector<HTMLElement>('#after')!;
    expect(before.inert && after.inert).to.equal(true);

    const emoji = part(el, 'amoiq-chat-input', '[part="emoji-button"]');
    const close = part(el, 'amoiq-chat-header', '[part="close-button"]');
    emoji.focus();
    await sendKeys({ press: 'Tab' });
    expect(deepActiveElement()).to.equal(close);
    await sendKeys({ down: 'Shift' });
    await sendKeys({ press: 'Tab' });
    await sendKeys({ up: 'Shift' });
    expect(deepActiveElement()).to.equal(emoji);
    // Tab through the whole panel: it never leaves it.
    for (let i = 0; i < 8; i++) {
      await sendKeys({ press: 'Tab' });
      const active = deepActiveElement();
      expect(active !== before && active !== after && active !== document.body, `Tab ${i}: ${active?.outerHTML}`).to.equal(true);
    }
    await expectAccessible(el);

    el.hide();
    await el.updateComplete;
    expect(before.inert || after.inert).to.equal(false);
    expect(page.querySelector<HTMLElement>('#already')!.inert).to.equal(true); // not ours to remove
  });

  it('on a wide screen the panel is not modal and the page stays reachable', async () => {
    const page = await fixture<HTMLElement>(html`<div>
      <a id="before" href="#b">A link before</a>
      <amoiq-chat tenant-id="t" gateway-url=${OFFLINE} db-name=${`amoiq-a11y-${nanoid(8)}`} lang="en" open></amoiq-chat>
    </div>`);
    const el = page.querySelector<AmoiqChat>('amoiq-chat')!;
    await el.updateComplete;
    expect(part(el, '.panel').getAttribute('aria-modal')).to.equal('false');
    expect(page.querySelector<HTMLElement>('#before')!.inert).to.equal(false);
  });
});
