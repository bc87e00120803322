import { expect } from '@open-wc/testing';
import { executeServerCommand, sendKeys } from '@web/test-runner-commands';
import { captureWarnings, part } from '../helpers/dom.js';
import { agentMessages, failed, listRoot, offlineChat, restore, serviceOf, setState, until } from './helpers.js';

// Issue 18, points 6 and 7: what reaches assistive technology through live regions, read from
// the browser's own accessibility tree (test/plugins/a11y-tree.mjs) as it changes over time.

interface LiveNode {
  role: string;
  live: string;
  text: string;
}
const liveRegions = () => executeServerCommand<LiveNode[], void>('a11y-live-regions');
/** Every live text in the page's accessibility tree, joined. */
const spoken = async () => (await liveRegions()).map((r) => r.text).join(' | ');

/** Polls the accessibility tree until a live region says `text`; returns what the regions said. */
async function heard(text: string | RegExp, label: string): Promise<string> {
  let last = '';
  const deadline = Date.now() + 8000;
  for (;;) {
    last = await spoken();
    if (typeof text === 'string' ? last.includes(text) : text.test(last)) return last;
    if (Date.now() > deadline) throw new Error(`${label}: never heard ${String(text)}; last: ${last}`);
  }
}

describe('a11y: status messages are announced (point 6)', () => {
  it('a message that failed: "Not sent"', async () => {
    const el = await offlineChat({ open: true });
    restore(el, agentMessages(1, 1));
    await until(() => listRoot(el).textContent!.includes('message 1'), 'the history');
    failed(el, 'f1', 'Refused text');
    await heard('Not sent: Refused text', 'the failure');
  });

  it('agent messages arriving while the panel is closed', async () => {
    const el = await offlineChat();
    el.dispatchEvent(new CustomEvent('amoiq-message', { detail: { direction: 'received', message: { sender: { type: 'agent' } } } }));
    el.dispatchEvent(new CustomEvent('amoiq-message', { detail: { direction: 'received', message: { sender: { type: 'agent' } } } }));
    await heard('2 new messages', 'the unread count');
    el.show();
    await el.updateComplete;
    expect(await spoken()).to.not.contain('new messages');
  });

  it('"Start a new conversation" failing while offline', async () => {
    const el = await offlineChat({ open: true });
    await until(() => serviceOf(el).isLeader, 'the tab to lead the connection'); // a follower asks the leader instead
    await setState(el, { conversationStatus: 'closed' });
    await until(() => !!el.shadowRoot!.querySelector('amoiq-conversation-closed')?.shadowRoot?.querySelector('button'), 'the closed bar');
    const bar = part(el, 'amoiq-conversation-closed');
    await captureWarnings(async () => {
      bar.shadowRoot!.querySelector('button')!.click();
      await until(() => !!bar.shadowRoot!.querySelector('[role="alert"]')?.textContent, 'the visible error');
    });
    expect(bar.shadowRoot!.querySelector('[role="alert"]')!.textContent).to.equal(
      'A new conversation could not be started. Check your connection and try again.',
    );
    expect(bar.shadowRoot!.querySelector<HTMLElement>('[role="alert"]')!.getBoundingClientRect().height).to.be.greaterThan(0);
    await heard('A new conversation could not be started', 'the alert');
  });

  it('a second, different error on a pre-chat field that already has focus', async () => {
    const el = await offlineChat({ open: true });
    el.setAttribute('pre-chat-fields', 'email*');
    await until(() => !!el.shadowRoot!.querySelector('amoiq-pre-chat-form')?.shadowRoot?.querySelector('input'), 'the form');
    const form = part(el, 'amoiq-pre-chat-form');
    const input = form.shadowRoot!.querySelector('input')!;
    input.focus();
    await sendKeys({ type: 'not an address' });
    await sendKeys({ press: 'Enter' });
    await until(() => !!form.shadowRoot!.querySelector('.error'), 'the first error');
    const first = form.shadowRoot!.querySelector('.error')!.textContent!;
    input.select();
    await sendKeys({ press: 'Backspace' });
    await sendKeys({ press: 'Enter' });
    await until(
      () => form.shadowRoot!.querySelector('.error')?.textContent !== first && !!form.shadowRoot!.querySelector('.error'),
      'the second error',
    );
    const second = form.shadowRoot!.querySelector('.error')!.textContent!;
    expect(form.shadowRoot!.activeElement).to.equal(input);
    await heard(second, 'the second error');
  });
});

describe('a11y: what the announcer says (point 7)', () => {
  it('the rendered plain text, not markdown', async () => {
    const el = await offlineChat({ open: true });
    restore(el, agentMessages(1, 1));
    await until(() => listRoot(el).textContent!.includes('message 1'), 'the history');
    restore(el, [
      { id: 'm2', seq: 2, sender: { type: 'agent', id: 'a1', name: 'Ada' }, text: 'Please send the **order number** or _invoice_ `A-1`' },
    ]);
    const said = await heard('Ada: Please send the order number or invoice A-1', 'the message');
    expect(said).to.not.match(/\*\*|`|_invoice_/);
  });

  it('a join notice names the agent once, in the list and in the announcement', async () => {
    const el = await offlineChat({ open: true });
    restore(el, agentMessages(1, 1));
    await until(() => listRoot(el).textContent!.includes('message 1'), 'the history');
    restore(el, [{ id: 'j', seq: 2, sender: { type: 'system', name: 'Ada (demo agent)' }, text: 'joined', event: 'joined' }]);
    const said = await heard('Ada (demo agent) joined the conversation.', 'the notice');
    expect(said.split('Ada (demo agent)').length - 1).to.equal(1);
    const notice = listRoot(el).querySelector('[part="notice"]')!.textContent!;
    expect(notice.split('Ada (demo agent)').length - 1).to.equal(1);
  });

  it('once: the announcement leaves the live region after it was read, so browse mode finds no second copy', async () => {
    const el = await offlineChat({ open: true });
    restore(el, agentMessages(1, 1));
    await until(() => listRoot(el).textContent!.includes('message 1'), 'the history');
    restore(el, [{ id: 'm2', seq: 2, sender: { type: 'agent', id: 'a1', name: 'Ada' }, text: 'Only once' }]);
    await heard('Ada: Only once', 'the message');
    await until(async () => !(await spoken()).includes('Only once'), 'the announcement removed', 9000);
    expect(listRoot(el).querySelector('.base')!.textContent).to.contain('Only once'); // still in the log
  });
});

describe('a11y: a streamed assistant answer is heard once, when complete (issue 12)', () => {
  it('says nothing while the answer streams, then the whole answer once as its final message arrives', async () => {
    const el = await offlineChat({ open: true });
    await setState(el, { conversationId: 'c' });
    restore(el, agentMessages(1, 1));
    await until(() => listRoot(el).textContent!.includes('message 1'), 'the history');
    const robin = { type: 'ai' as const, id: 'assistant', name: 'Robin' };
    const streams = serviceOf(el).streams;
    streams.start('s1', robin, new Date().toISOString());
    const said: string[] = [];
    const words = ['Your ', 'order ', 'ships ', '**tomorrow**', '.'];
    for (const [i, word] of words.entries()) {
      streams.delta('s1', i, word);
      await until(
        () => listRoot(el).querySelector('amoiq-assistant-stream')?.textContent?.includes(word.replaceAll('*', '')) ?? false,
        word,
      );
      said.push(await spoken());
    }
    expect(said.join(' | ')).to.not.match(/Your|order|ships|tomorrow|Thinking/);
    const timeline = (serviceOf(el) as unknown as { timeline: { accept(m: unknown, live: boolean): void } }).timeline;
    timeline.accept(
      {
        id: 'm2',
        seq: 2,
        conversationId: 'c',
        streamId: 's1',
        sender: robin,
        text: 'Your order ships **tomorrow**.',
        createdAt: new Date().toISOString(),
      },
      true,
    );
    const heardNow = await heard('Robin: Your order ships tomorrow.', 'the complete answer');
    expect(heardNow.split('Your order ships tomorrow.').length - 1).to.equal(1);
    expect(listRoot(el).querySelector('amoiq-assistant-stream [data-stream]')).to.equal(null);
  });
});
