import { expect, fixture, html } from '@open-wc/testing';
import { executeServerCommand } from '@web/test-runner-commands';
import '../../demo/agent/src/main.js';
import type { AmoiqAgentApp } from '../../demo/agent/src/agent-app.js';
import type { Conversation, Message } from '../../demo/agent/src/types.js';
import { deepActiveElement } from '../helpers/dom.js';
import { backend, fillAgentLogin } from '../server/helpers.js';
import { until } from './helpers.js';

// Issue 18, point 10: the agent console's log is not live (opening a conversation does not read
// it all; the agent's own replies and "Seen by the visitor" are not announced), only the
// visitor's new messages are, once; focus is kept after login; the login page has a main landmark.

interface LiveNode {
  text: string;
}
const spoken = async () => (await executeServerCommand<LiveNode[], void>('a11y-live-regions')).map((r) => r.text).join(' | ');

const at = new Date().toISOString();
const conversation = (visitorReadSeq = 0): Conversation =>
  ({ id: 'c1', visitorRef: 'v_abcdef123', status: 'open', lastSeq: 3, createdAt: at, visitorReadSeq }) as unknown as Conversation;
const message = (seq: number, type: 'visitor' | 'agent', text: string): Message =>
  ({
    id: `m${seq}`,
    seq,
    conversationId: 'c1',
    sender: type === 'agent' ? { type, id: 'a1', name: 'Ada' } : { type },
    text,
    createdAt: at,
  }) as Message;

describe('a11y: agent console', () => {
  it('opening a conversation, the agent\'s own reply and "Seen by the visitor" are silent; a visitor message is said once', async () => {
    const view = await fixture<HTMLElement & { conversation: Conversation | null; messages: Message[]; updateComplete: Promise<unknown> }>(
      html`<amoiq-agent-conversation></amoiq-agent-conversation>`,
    );
    view.conversation = conversation();
    view.messages = [message(1, 'visitor', 'Old question'), message(2, 'agent', 'Old answer')];
    await view.updateComplete;
    expect(view.shadowRoot!.querySelector('[role="log"]')!.getAttribute('aria-live')).to.equal('off');
    expect(await spoken()).to.not.match(/Old question|Old answer/);

    view.messages = [...view.messages, message(3, 'agent', 'My own reply')];
    await view.updateComplete;
    view.conversation = conversation(3); // the visitor read it: "Seen by the visitor"
    await view.updateComplete;
    expect(view.shadowRoot!.textContent).to.contain('Seen by the visitor');
    const quiet = await spoken();
    expect(quiet).to.not.match(/My own reply|Seen by the visitor/);

    view.messages = [...view.messages, message(4, 'visitor', 'A new question')];
    await view.updateComplete;
    await until(async () => (await spoken()).includes('A new question'), 'the visitor message announced');
    expect((await spoken()).split('A new question').length - 1).to.equal(1);
  });

  it('the login page has a main landmark, and focus lands on the conversation list after login', async function () {
    this.timeout(90_000);
    sessionStorage.clear(); // a console session left by an earlier file in this tab
    const { url, agent } = await backend();
    const el = await fixture<AmoiqAgentApp>(html`<amoiq-agent-app api-base=${url}></amoiq-agent-app>`);
    const root = el.shadowRoot!;
    expect(root.querySelector('main')?.contains(root.querySelector('form'))).to.equal(true);
    fillAgentLogin(root, agent);
    root.querySelector<HTMLButtonElement>('form button')!.focus();
    root.querySelector<HTMLButtonElement>('form button')!.click();
    await until(() => !root.querySelector('form.login'), 'logged in', 20_000);
    await until(() => deepActiveElement() !== document.body && deepActiveElement() !== el, 'focus kept', 5000);
    expect(deepActiveElement()?.id).to.equal('conversations-title');
  });
});
