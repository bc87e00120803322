import { expect } from '@open-wc/testing';
import { sendKeys } from '@web/test-runner-commands';
import { deepActiveElement, expectAccessible, part } from '../helpers/dom.js';
import { agentMessages, failed, listRoot, offlineChat, restore, until } from './helpers.js';

// Issue 18, point 1: a control that disappears once used never leaves focus on `body`.

describe('a11y: focus after a control disappears', () => {
  it('Enter on a quick reply moves focus to the message box', async () => {
    const el = await offlineChat({ open: true });
    restore(el, [
      {
        id: 'q1',
        seq: 1,
        sender: { type: 'agent', id: 'a1', name: 'Ada' },
        text: 'How can I help?',
        quickReplies: ['Billing', 'Shipping'],
      },
    ]);
    await until(() => !!listRoot(el).querySelector('[part="quick-reply"]'), 'the quick replies');
    listRoot(el).querySelector<HTMLButtonElement>('[part="quick-reply"]')!.focus();
    await sendKeys({ press: 'Enter' });
    await until(() => !listRoot(el).querySelector('[part="quick-reply"]'), 'the quick replies gone');
    expect(deepActiveElement()).to.equal(part(el, 'amoiq-chat-input', 'textarea'));
  });

  it("Enter on Retry moves focus to that message's status", async () => {
    const el = await offlineChat({ open: true });
    failed(el, 'f1', 'Refused once');
    await until(() => !!listRoot(el).querySelector('[part="retry-button"]'), 'the Retry button');
    listRoot(el).querySelector<HTMLButtonElement>('[part="retry-button"]')!.focus();
    await sendKeys({ press: 'Enter' });
    await until(() => !listRoot(el).querySelector('[part="retry-button"]'), 'the Retry button gone');
    const active = deepActiveElement();
    expect(active?.getAttribute('part')).to.equal('meta');
    expect(active!.closest('[data-key]')!.getAttribute('data-key')).to.equal('f1');
    expect(active!.textContent).to.match(/Sending|Not sent|Sent/);
    await expectAccessible(el);
  });

  it('Enter on the new-messages pill moves focus to the message box', async () => {
    const el = await offlineChat({ open: true });
    restore(el, agentMessages(1, 60));
    const scroller = listRoot(el).querySelector<HTMLElement>('.base')!;
    await until(() => scroller.scrollHeight > scroller.clientHeight * 2, 'a long conversation');
    scroller.scrollTop = 0;
    scroller.dispatchEvent(new Event('scroll'));
    await until(() => scroller.scrollTop === 0, 'scrolled to the top');
    restore(el, agentMessages(61, 2));
    await until(() => !!listRoot(el).querySelector('[part="new-messages-pill"]'), 'the pill');
    listRoot(el).querySelector<HTMLButtonElement>('[part="new-messages-pill"]')!.focus();
    await sendKeys({ press: 'Enter' });
    await until(() => !listRoot(el).querySelector('[part="new-messages-pill"]'), 'the pill gone');
    expect(deepActiveElement()).to.equal(part(el, 'amoiq-chat-input', 'textarea'));
  });
});
