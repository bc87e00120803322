import { expect } from '@open-wc/testing';
import { nanoid } from 'nanoid';
import type { AmoiqChat } from '../../src/components/chat/chat.js';
import { deepActiveElement, until } from '../helpers/dom.js';

// The drop-in module as the built script runs it: it reads window.ChatWidgetConfig, creates
// <amoiq-chat> and exposes window.AmoiqChat, whose open/close/toggle stay the drop-in's API while
// the element's methods are show()/hide()/toggle() and `open` is its boolean property.
describe('drop-in: window.AmoiqChat', () => {
  let chat: AmoiqChat;

  before(async () => {
    window.ChatWidgetConfig = { tenantId: 't', gatewayUrl: 'http://127.0.0.1:9', autoOpen: false };
    await import('../../src/embed.js');
    await until(() => !!window.AmoiqChat, 'the drop-in to mount');
    chat = window.AmoiqChat!.element;
    chat.dbName = `amoiq-test-${nanoid(8)}`;
    await chat.updateComplete;
  });

  after(() => chat.remove());

  it('creates the element from ChatWidgetConfig', () => {
    expect(chat.localName).to.equal('amoiq-chat');
    expect(chat.getAttribute('tenant-id')).to.equal('t');
    expect(chat.open).to.equal(false);
  });

  it('open() shows the panel and focuses the message box; close() hides it; toggle() flips it', async () => {
    window.AmoiqChat!.open();
    await chat.updateComplete;
    expect(chat.open).to.equal(true);
    expect(chat.hasAttribute('open')).to.equal(true);
    const box = () => chat.shadowRoot!.querySelector('amoiq-chat-input')?.shadowRoot?.querySelector('textarea');
    await until(() => !!box() && deepActiveElement() === box(), 'focus in the message box');
    window.AmoiqChat!.close();
    await chat.updateComplete;
    expect(chat.open).to.equal(false);
    window.AmoiqChat!.toggle();
    await chat.updateComplete;
    expect(chat.open).to.equal(true);
    window.AmoiqChat!.toggle();
    await chat.updateComplete;
    expect(chat.open).to.equal(false);
  });

  it('send() queues a message through the element', async () => {
    const message = window.AmoiqChat!.send('from the page');
    expect(message?.status).to.equal('pending');
    expect(chat.messages.some((m) => m.text === 'from the page')).to.equal(true);
  });
});
