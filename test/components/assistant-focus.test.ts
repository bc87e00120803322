import { expect } from '@open-wc/testing';
import { sendKeys } from '@web/test-runner-commands';
import '../../src/define.js';
import { remainingWaitMinutes } from '../../src/components/assistant-banner/queue-wait.js';
import type { AmoiqChat } from '../../src/components/chat/chat.js';
import type { Handoff } from '../../src/protocol/assistant.js';
import type { Sender } from '../../src/protocol/v1.js';
import { agentMessages, listRoot, offlineChat, restore, serviceOf, setState, until } from '../a11y/helpers.js';

// Where focus goes when the control a visitor used goes away (Stop, "Talk to a person"), and the
// banner's state around a handoff: the queue's first estimate, a closed conversation, "joined"
// heard once.

const ROBIN = { name: 'Robin', greeting: '' };
const robin: Sender = { type: 'ai', id: 'assistant', name: 'Robin' };
const banner = (el: AmoiqChat) => el.shadowRoot!.querySelector('amoiq-assistant-banner')?.shadowRoot;
const streamRow = (el: AmoiqChat) => listRoot(el).querySelector<HTMLElement>('amoiq-assistant-stream [data-stream]');
/** The element focus is on, inside the widget's shadow roots. */
function focused(): Element | null {
  let active = document.activeElement;
  while (active?.shadowRoot?.activeElement) active = active.shadowRoot.activeElement;
  return active;
}
const onComposer = (el: AmoiqChat) => el.shadowRoot!.activeElement?.localName === 'amoiq-chat-input' && focused()?.localName === 'textarea';
const queued: Handoff = { state: 'queued', position: 1, estimatedWaitSeconds: 120, agentsOnline: true, withinHours: true };

/** Answers `escalate()` as the server would: the conversation joins the queue. */
function escalatesToQueue(el: AmoiqChat): void {
  serviceOf(el).escalate = async () => {
    await setState(el, { handoff: queued });
    return queued;
  };
}

async function streaming(el: AmoiqChat): Promise<HTMLElement> {
  restore(el, agentMessages(1, 2));
  serviceOf(el).streams.start('s1', robin, new Date().toISOString());
  serviceOf(el).streams.delta('s1', 0, 'To return an item, open your orders.');
  await until(() => !!streamRow(el)?.querySelector('p'), 'the streamed answer');
  return streamRow(el)!;
}

describe('focus after the assistant’s buttons go', () => {
  it('Stop (keyboard): the button gives way to "Stopped." and focus goes to the message box, not to body', async () => {
    const el = await offlineChat({ open: true });
    await setState(el, { assistant: ROBIN });
    const row = await streaming(el);
    const stop = [...row.querySelectorAll('button')].find((b) => b.textContent!.trim() === 'Stop')!;
    stop.focus();
    expect(focused()).to.equal(stop);
    await sendKeys({ press: 'Enter' });
    await until(() => !stop.isConnected, 'Stop to go');
    await until(() => onComposer(el), 'focus on the message box');
    expect(document.activeElement).to.not.equal(document.body);
  });

  it('"Talk to a person" beside Stop: once asked, focus goes to the message box', async () => {
    const el = await offlineChat({ open: true });
    await setState(el, { assistant: ROBIN });
    escalatesToQueue(el);
    const row = await streaming(el);
    const talk = row.querySelector<HTMLButtonElement>('[part="talk-to-person"]')!;
    talk.focus();
    await sendKeys({ press: 'Enter' });
    await until(() => !talk.isConnected, 'the button to go');
    await until(() => onComposer(el), 'focus on the message box');
  });

  it('"Talk to a person" in the banner: once asked, the queue shows and focus goes to the message box', async () => {
    const el = await offlineChat({ open: true });
    await setState(el, { assistant: ROBIN });
    escalatesToQueue(el);
    await until(() => !!banner(el)?.querySelector('[part="talk-to-person"]'), 'the banner');
    const talk = banner(el)!.querySelector<HTMLButtonElement>('[part="talk-to-person"]')!;
    talk.focus();
    await sendKeys({ press: 'Enter' });
    await until(() => banner(el)!.textContent!.includes('You are number 1 in the queue.'), 'the queue position');
    await until(() => onComposer(el), 'focus on the message box');
  });

  it('a failed request keeps focus on the button, with its error', async () => {
    const el = await offlineChat({ open: true });
    await setState(el, { assistant: ROBIN });
    serviceOf(el).escalate = () => Promise.reject(new Error('offline'));
    await until(() => !!banner(el)?.querySelector('[part="talk-to-person"]'), 'the banner');
    const talk = banner(el)!.querySelector<HTMLButtonElement>('[part="talk-to-person"]')!;
    talk.focus();
    await sendKeys({ press: 'Enter' });
    await until(() => banner(el)!.querySelector('[role="alert"]')!.textContent !== '', 'the error');
    expect(focused()).to.equal(talk);
  });
});

describe('the banner around a handoff', () => {
  it('a first estimate of 0 s (past waits were instant) is "about 1 minute", never "taking longer than expected" at once', async () => {
    const t = 1_700_000_000_000;
    expect(remainingWaitMinutes(0, t, t)).to.equal(1);
    expect(remainingWaitMinutes(0, t, t + 59_000)).to.equal(1);
    expect(remainingWaitMinutes(0, t, t + 61_000)).to.equal(0);
    const el = await offlineChat({ open: true });
    await setState(el, { assistant: ROBIN, handoff: { ...queued, estimatedWaitSeconds: 0 }, handoffAt: Date.now() });
    await until(() => !!banner(el)?.querySelector('[part="wait"]'), 'the wait');
    expect(banner(el)!.textContent).to.contain('Estimated wait: about 1 minute.');
    expect(banner(el)!.textContent).to.not.contain('longer than expected');
  });

  it('"Ada joined" is not a status of the banner (the conversation’s notice is what is announced), and a closed conversation has no banner', async () => {
    const el = await offlineChat({ open: true });
    const assigned: Handoff = { state: 'assigned', agent: { id: 'a1', name: 'Ada' }, agentsOnline: true, withinHours: true };
    await setState(el, { assistant: ROBIN, handoff: assigned });
    await until(() => !!banner(el)?.textContent?.includes('Ada joined the conversation.'), 'the banner');
    const statuses = [...banner(el)!.querySelectorAll('[role="status"], [aria-live]')].map((s) => s.textContent);
    expect(statuses.join(' ')).to.not.contain('Ada joined');
    await setState(el, { conversationStatus: 'closed' });
    await until(() => !el.shadowRoot!.querySelector('amoiq-assistant-banner'), 'the banner to go');
  });
});
