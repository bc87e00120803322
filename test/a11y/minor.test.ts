import { expect, fixture, html } from '@open-wc/testing';
import { ContextProvider } from '@lit/context';
import type { AmoiqChatHeader } from '../../src/components/chat-header/chat-header.js';
import type { AmoiqChatInput } from '../../src/components/chat-input/chat-input.js';
import { chatServiceContext } from '../../src/context.js';
import type { ChatService, ChatState } from '../../src/services/chat-service.js';
import { deepActiveElement, part } from '../helpers/dom.js';
import { offlineChat, until } from './helpers.js';

// Issue 18, point 11: the emoji picker closes when focus leaves it, its tabs say their name once,
// the header does not read the transport to screen readers, and the visible status does not flip
// with every reconnect attempt.

async function openPicker(lang = 'en') {
  const el = await offlineChat({ open: true, lang });
  const input = part<AmoiqChatInput>(el, 'amoiq-chat-input');
  await until(() => !!input.shadowRoot!.querySelector('[part="emoji-button"]'), 'the emoji button');
  input.shadowRoot!.querySelector<HTMLButtonElement>('[part="emoji-button"]')!.click();
  await until(
    () => !!input.shadowRoot!.querySelector('amoiq-emoji-picker')?.shadowRoot?.querySelector('[part="emoji"]'),
    'the emoji picker',
  );
  return { el, input, picker: input.shadowRoot!.querySelector('amoiq-emoji-picker')! };
}

function fakeService(initial: ChatState['connection']) {
  const listeners = new Set<(s: ChatState) => void>();
  const service = {
    state: {
      connection: initial,
      messages: [],
      remoteConfig: {},
      hasOlder: false,
      loadingOlder: false,
      conversationStatus: 'open',
    } as ChatState,
    subscribe(fn: (s: ChatState) => void) {
      listeners.add(fn);
      return () => listeners.delete(fn);
    },
    set(connection: ChatState['connection'], patch: Partial<ChatState> = {}) {
      service.state = { ...service.state, connection, transport: connection === 'online' ? 'websocket' : undefined, ...patch };
      listeners.forEach((fn) => fn(service.state));
    },
  };
  return service;
}

async function headerWith(service: ReturnType<typeof fakeService>): Promise<AmoiqChatHeader> {
  const host = await fixture<HTMLElement>(html`<div><amoiq-chat-header></amoiq-chat-header></div>`);
  new ContextProvider(host, { context: chatServiceContext, initialValue: service as unknown as ChatService });
  const header = host.querySelector<AmoiqChatHeader>('amoiq-chat-header')!;
  header.remove();
  host.append(header);
  await header.updateComplete;
  return header;
}

/** The text a screen reader gets from an element: without aria-hidden subtrees; plus titles (descriptions). */
function exposedText(root: Node): string {
  let text = '';
  for (const node of root.childNodes) {
    if (node instanceof Element && node.getAttribute('aria-hidden') === 'true') continue;
    if (node instanceof Element && node.getAttribute('title')) text += ` ${node.getAttribute('title')}`;
    text += node.nodeType === Node.TEXT_NODE ? node.textContent : exposedText(node);
  }
  return text;
}

describe('a11y: minor points', () => {
  it('the emoji picker closes when focus leaves it', async () => {
    const { el, input, picker } = await openPicker();
    expect(picker.shadowRoot!.activeElement).to.not.equal(null);
    const textarea = part(el, 'amoiq-chat-input', 'textarea');
    textarea.focus();
    await until(() => !input.shadowRoot!.querySelector('amoiq-emoji-picker'), 'the picker closed');
    expect(deepActiveElement()).to.equal(textarea);
    expect(input.shadowRoot!.querySelector('[part="emoji-button"]')!.getAttribute('aria-expanded')).to.equal('false');
  });

  it('moving inside the picker keeps it open', async () => {
    const { input, picker } = await openPicker();
    picker.shadowRoot!.querySelector<HTMLElement>('[part="tab"][tabindex="0"]')!.focus();
    await input.updateComplete;
    expect(input.shadowRoot!.querySelector('amoiq-emoji-picker')).to.not.equal(null);
  });

  it('emoji group tabs say their name once (no title repeating it)', async () => {
    const { picker } = await openPicker();
    const tabs = [...picker.shadowRoot!.querySelectorAll('[part="tab"]')];
    expect(tabs.length).to.be.greaterThan(3);
    for (const tab of tabs) {
      expect(tab.getAttribute('aria-label')).to.be.ok;
      expect(tab.hasAttribute('title'), tab.outerHTML).to.equal(false);
    }
  });

  it('the header does not read "live connection (WebSocket)" to screen readers', async () => {
    const service = fakeService('online');
    const header = await headerWith(service);
    const status = header.shadowRoot!.querySelector('[part="status"]')!;
    expect(status.textContent).to.contain('Online');
    expect(exposedText(status)).to.not.match(/WebSocket|live connection/);
  });

  it('while the server is down the visible status stays "Offline" through reconnect attempts', async () => {
    const service = fakeService('connecting');
    const header = await headerWith(service);
    const line = () => header.shadowRoot!.querySelector('[part="status"]')!.textContent!.replace(/\s+/g, ' ').trim();
    service.set('offline');
    await header.updateComplete;
    const seen: string[] = [];
    for (let i = 0; i < 6; i++) {
      service.set(i % 2 ? 'offline' : 'connecting');
      await header.updateComplete;
      seen.push(line());
    }
    expect(new Set(seen)).to.deep.equal(new Set(['Offline – messages will be sent later']));
    service.set('online');
    await header.updateComplete;
    expect(line()).to.equal('Online');
  });
});
