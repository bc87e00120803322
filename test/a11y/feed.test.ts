import { expect } from '@open-wc/testing';
import { sendKeys } from '@web/test-runner-commands';
import { deepActiveElement, expectAccessible, part } from '../helpers/dom.js';
import { agentMessages, listRoot, listSettledAtBottom, offlineChat, restore, until } from './helpers.js';

// Issue 18, point 2: the windowed list keeps only the rows near the viewport in the DOM; as a
// feed, every message says its place and the conversation's size (aria-posinset/-setsize), and
// Page Up / Page Down move through all of them, the window following — so a screen-reader user
// can read the whole history, while the DOM stays small.

describe('a11y: the windowed conversation is a feed', () => {
  it('a 100-message conversation: every message reachable by Page Up, each with its place of 100', async function () {
    this.timeout(60_000);
    const el = await offlineChat({ open: true });
    restore(el, agentMessages(1, 100));
    const root = listRoot(el);
    const feed = root.querySelector<HTMLElement>('.base')!;
    // From the list itself Page Up enters at the newest message in view: the list must have settled.
    await listSettledAtBottom(el, 'message 100');
    expect(feed.getAttribute('role')).to.equal('feed');
    const rendered = () => root.querySelectorAll('[role="article"]');
    expect(rendered.length).to.be.below(50); // still windowed
    for (const a of rendered()) expect(a.getAttribute('aria-setsize')).to.equal('100');

    feed.focus();
    await sendKeys({ press: 'PageUp' });
    const seen = new Map<number, string>();
    let maxRendered = 0;
    for (let i = 0; i < 110 && seen.size < 100; i++) {
      const active = deepActiveElement() as HTMLElement;
      expect(active.getAttribute('role'), `step ${i}`).to.equal('article');
      const pos = Number(active.getAttribute('aria-posinset'));
      seen.set(pos, active.querySelector('[part="bubble"]')!.textContent!.trim());
      maxRendered = Math.max(maxRendered, rendered().length);
      if (pos === 1) break;
      await sendKeys({ press: 'PageUp' });
    }
    expect([...seen.keys()].sort((a, b) => a - b)).to.deep.equal(Array.from({ length: 100 }, (_, i) => i + 1));
    for (const [pos, text] of seen) expect(text).to.equal(`message ${pos}`);
    expect(maxRendered, 'the window stayed small').to.be.below(50);

    // And back down to the newest.
    for (let i = 0; i < 3; i++) await sendKeys({ press: 'PageDown' });
    expect((deepActiveElement() as HTMLElement).getAttribute('aria-posinset')).to.equal('4');
    await sendKeys({ down: 'Control' });
    await sendKeys({ press: 'End' });
    await sendKeys({ up: 'Control' });
    expect(deepActiveElement()).to.equal(part(el, 'amoiq-chat-input', 'textarea'));
    await expectAccessible(el);
  });

  it('while older history is still on the server the size is unknown (-1)', async () => {
    const el = await offlineChat({ open: true });
    restore(el, agentMessages(51, 50));
    await until(() => listRoot(el).textContent!.includes('message 100'), 'the messages');
    const sizes = new Set([...listRoot(el).querySelectorAll('[role="article"]')].map((a) => a.getAttribute('aria-setsize')));
    expect([...sizes]).to.deep.equal(['-1']);
  });
});
