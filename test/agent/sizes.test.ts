import { expect, fixture, html } from '@open-wc/testing';
import '../../demo/agent/src/main.js';
import { formatSize as consoleSize, type AmoiqAgentConversation } from '../../demo/agent/src/conversation-view.js';
import type { Conversation, Message } from '../../demo/agent/src/types.js';
import { formatSize as widgetSize } from '../../src/components/chat-input/attachment-limits.js';

// Issue 15, small oddities: the widget said "390 bytes" and the console "390 B" for one file.

describe('agent console: file sizes as the widget writes them', () => {
  it('formats every size with the widget’s formatter', () => {
    for (const bytes of [0, 1, 390, 1023, 2048, 48_213, 5 * 1024 * 1024, 3 * 1024 ** 3])
      expect(consoleSize(bytes)).to.equal(widgetSize(bytes, 'en'));
    expect(consoleSize(390)).to.equal('390 bytes');
    expect(consoleSize(48_213)).to.equal('47 kB');
  });

  it('shows an attachment’s size as the widget does', async () => {
    const conversation: Conversation = {
      id: 'c_sizes',
      visitorRef: 'v_abcdef123456',
      status: 'open',
      lastSeq: 1,
      lastMessage: null,
      createdAt: '2026-12-01T10:00:00.000Z',
      updatedAt: '2026-12-01T10:00:00.000Z',
      startedAt: '2026-12-01T10:00:00.000Z',
    };
    const message: Message = {
      id: 'm_1',
      conversationId: conversation.id,
      seq: 1,
      sender: { type: 'visitor' },
      text: '',
      createdAt: '2026-12-01T10:00:00.000Z',
      attachments: [{ id: 'f_1', name: 'notes.txt', type: 'text/plain', size: 390, url: 'https://chat.example/files/f_1/notes.txt' }],
    };
    const el = await fixture<AmoiqAgentConversation>(
      html`<amoiq-agent-conversation .conversation=${conversation} .messages=${[message]}></amoiq-agent-conversation>`,
    );
    await el.updateComplete;
    expect(el.shadowRoot!.querySelector('.attachments')!.textContent!.replace(/\s+/g, ' ')).to.contain('notes.txt (390 bytes)');
  });
});
