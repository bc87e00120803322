import { expect, fixture, html } from '@open-wc/testing';
import '../../demo/agent/src/main.js';
import type { AmoiqAgentConversation } from '../../demo/agent/src/conversation-view.js';
import type { Conversation, Message } from '../../demo/agent/src/types.js';
import { parseMarkdown, renderMarkdown } from '../../src/components/message-list/markdown.js';
import { expectAccessible } from '../helpers/dom.js';

// Issue 15, bug 7: the console showed `**Free**` with its asterisks where the widget showed it
// bold. Both render message text with the widget's one markdown renderer.

const TEXT = [
  '**Free** returns for 30 days, *no questions asked*: https://shop.example/returns',
  '',
  '- pack it with `RMA-42`',
  '- drop it at any post office',
  '',
  '<img src=x onerror=alert(1)> stays text',
].join('\n');

const conversation: Conversation = {
  id: 'c_markdown',
  visitorRef: 'v_abcdef123456',
  status: 'open',
  lastSeq: 2,
  lastMessage: null,
  createdAt: '2026-12-01T10:00:00.000Z',
  updatedAt: '2026-12-01T10:01:00.000Z',
  startedAt: '2026-12-01T10:00:00.000Z',
};

const message = (seq: number, sender: Message['sender']): Message => ({
  id: `m_${seq}`,
  conversationId: conversation.id,
  seq,
  sender,
  text: TEXT,
  createdAt: '2026-12-01T10:00:00.000Z',
});

/** Tag names and text of an element's rendered content, for comparing two renderings. */
function shape(root: Element): string {
  return [...root.querySelectorAll('*')].map((e) => `${e.localName}${e instanceof HTMLAnchorElement ? `[${e.href}]` : ''}`).join(' ');
}

describe('agent console: message markdown (issue 15, bug 7)', () => {
  it("renders a message's markdown as the widget does: bold, italic, links, lists, code; HTML stays text", async () => {
    const el = await fixture<AmoiqAgentConversation>(
      html`<amoiq-agent-conversation
        .conversation=${conversation}
        .messages=${[message(1, { type: 'visitor' }), message(2, { type: 'agent', id: 'agent_ada', name: 'Ada' })]}
      ></amoiq-agent-conversation>`,
    );
    await el.updateComplete;
    const texts = [...el.shadowRoot!.querySelectorAll<HTMLElement>('.message .text')];
    expect(texts).to.have.length(2);
    const widget = await fixture<HTMLElement>(html`<div>${renderMarkdown(parseMarkdown(TEXT))}</div>`);
    for (const text of texts) {
      expect(text.textContent).not.to.contain('**');
      expect(text.querySelector('strong')!.textContent).to.equal('Free');
      expect(text.querySelector('em')!.textContent).to.equal('no questions asked');
      const link = text.querySelector<HTMLAnchorElement>('a')!;
      expect(link.href).to.equal('https://shop.example/returns');
      expect(link.target).to.equal('_blank');
      expect(link.rel).to.equal('noopener noreferrer');
      expect([...text.querySelectorAll('li')].map((li) => li.textContent)).to.deep.equal([
        'pack it with RMA-42',
        'drop it at any post office',
      ]);
      expect(text.querySelector('code')!.textContent).to.equal('RMA-42');
      expect(text.querySelector('img')).to.equal(null);
      expect(text.textContent).to.contain('<img src=x onerror=alert(1)> stays text');
      // The very same elements as in the widget's bubble.
      expect(shape(text)).to.equal(shape(widget));
      expect(text.textContent).to.equal(widget.textContent);
    }
    await expectAccessible(el);
  });
});
