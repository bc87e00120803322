import { expect, fixture, html } from '@open-wc/testing';
import { nanoid } from 'nanoid';
import '../../src/define.js';
import type { AmoiqChat } from '../../src/components/chat/chat.js';
import type { AmoiqPhoneForm } from '../../src/components/voice-panel/phone-form.js';
import type { AmoiqVoicePanel } from '../../src/components/voice-panel/voice-panel.js';
import { part, until } from '../helpers/dom.js';
import { backendInfo, type BackendInfo } from './backend.js';

// The phone callback end to end (issue 11, part 1): the real element against the real backend,
// whose demo tenant offers callbacks on the simulated provider (demo/server/tenants.json). The
// visitor opens the voice panel from the header, asks to be called, sees the call's live state,
// the simulation note and the duration, hangs up, and finds the call in the transcript. Once over
// the WebSocket and once over the HTTP long poll.

const voiceButton = (el: AmoiqChat) =>
  el.shadowRoot!.querySelector('amoiq-chat-header')!.shadowRoot!.querySelector<HTMLButtonElement>('.voice');
const panelOf = (el: AmoiqChat) => el.shadowRoot!.querySelector<AmoiqVoicePanel>('amoiq-voice-panel');
const inPanel = <T extends Element = HTMLElement>(el: AmoiqChat, selector: string) =>
  panelOf(el)?.shadowRoot?.querySelector<T>(selector) ?? null;
const stateLine = (el: AmoiqChat) => inPanel(el, '.state')?.textContent?.trim() ?? '';

function refuseWebSockets(): () => void {
  const Native = window.WebSocket;
  window.WebSocket = class extends Native {
    constructor(_url: string | URL, protocols?: string | string[]) {
      super('ws://127.0.0.1:9/refused', protocols);
    }
  };
  return () => {
    window.WebSocket = Native;
  };
}

async function openChat(info: BackendInfo): Promise<AmoiqChat> {
  const el = await fixture<AmoiqChat>(
    html`<amoiq-chat gateway-url=${info.url} api-key=${info.apiKey} tenant-id=${info.tenantId} db-name=${`amoiq-e2e-${nanoid(8)}`} open></amoiq-chat>`,
  );
  await until(() => el.connectionState === 'online', 'online', 10_000);
  return el;
}

/** Opens the voice panel and the callback form, fills in `number`, consents and submits. */
async function requestCallback(el: AmoiqChat, number: string): Promise<AmoiqPhoneForm> {
  await until(() => voiceButton(el) !== null, 'the voice button in the header');
  if (!panelOf(el)) voiceButton(el)!.click();
  await until(() => inPanel(el, '.request-callback') !== null || inPanel(el, 'amoiq-phone-form') !== null, 'the voice menu');
  inPanel<HTMLButtonElement>(el, '.request-callback')?.click();
  await until(() => inPanel(el, 'amoiq-phone-form') !== null, 'the phone form');
  const form = inPanel<AmoiqPhoneForm>(el, 'amoiq-phone-form')!;
  // libphonenumber-js is a chunk of its own, loaded when the form opens.
  await until(() => !form.shadowRoot!.querySelector<HTMLSelectElement>('#country')!.disabled, 'libphonenumber-js loaded');
  const input = form.shadowRoot!.querySelector<HTMLInputElement>('#phone')!;
  input.value = number;
  input.dispatchEvent(new Event('input', { bubbles: true, composed: true }));
  const consent = form.shadowRoot!.querySelector<HTMLInputElement>('#consent')!;
  if (!consent.checked) consent.click();
  form.shadowRoot!.querySelector<HTMLButtonElement>('button[type=submit]')!.click();
  return form;
}

async function walkThroughCall(el: AmoiqChat): Promise<void> {
  await requestCallback(el, '+1 202 555 0123');
  // The call view: live state, the simulation note, the header in voice mode.
  await until(() => inPanel(el, '.call') !== null, 'the call view');
  expect(inPanel(el, '.simulated')?.textContent).to.contain('Simulated call');
  await until(() => /ringing/i.test(stateLine(el)), 'the phone rings', 8000);
  await until(() => voiceButton(el)?.querySelector('.on-call') !== null, 'the header shows the voice mode');
  await until(() => stateLine(el) === 'On the phone', 'answered', 8000);
  await until(() => /^0:0[1-9]$/.test(inPanel(el, '.time')?.textContent?.trim() ?? ''), 'the duration counts', 5000);
  // Hang up.
  inPanel<HTMLButtonElement>(el, '.hang-up')!.click();
  await until(() => /^Call ended, 0:0\d$/.test(stateLine(el)), 'ended with its duration', 5000);
  await until(() => voiceButton(el)?.querySelector('.on-call') === null, 'the header back in chat mode');
  // The transcript records it.
  await until(
    () => el.messages.some((m) => m.event === 'call' && m.text === 'Simulated call: Calling +1••••••0123…'),
    'the "Calling" notice',
  );
  await until(() => el.messages.some((m) => m.event === 'call' && /Call ended, 0:0\d\.$/.test(m.text)), 'the "Call ended" notice');
  // Back to chat closes the panel.
  inPanel<HTMLButtonElement>(el, '.back')!.click();
  await until(() => panelOf(el) === null, 'the panel closed');
  expect(part(el, 'amoiq-chat-input')).to.exist;
}

describe('e2e: phone callback on the simulated provider', () => {
  let info: BackendInfo;
  before(async () => {
    info = await backendInfo();
  });

  it('over the WebSocket: request, live state and duration, hang up, notices in the transcript, back to chat', async () => {
    const el = await openChat(info);
    await walkThroughCall(el);
  });

  it('over the HTTP long poll: the same call, its states carried by the polls', async () => {
    const restore = refuseWebSockets();
    try {
      const el = await openChat(info);
      await walkThroughCall(el);
    } finally {
      restore();
    }
  });

  it('a number the provider refuses: the call fails with the reason, and New call starts over', async () => {
    const el = await openChat(info);
    await requestCallback(el, '+1 202 555 0003');
    await until(() => stateLine(el) === 'The call did not go through', 'the failed call');
    expect(inPanel(el, '.detail')?.textContent).to.contain('This number cannot be called');
    inPanel<HTMLButtonElement>(el, '.new-call')!.click();
    await until(() => inPanel(el, '.request-callback') !== null, 'the menu again');
  });

  it('a form error: no consent, and the form says so before anything is sent', async () => {
    const el = await openChat(info);
    await until(() => voiceButton(el) !== null, 'the voice button in the header');
    voiceButton(el)!.click();
    await until(() => inPanel(el, '.request-callback') !== null, 'the voice menu');
    inPanel<HTMLButtonElement>(el, '.request-callback')!.click();
    await until(() => inPanel(el, 'amoiq-phone-form') !== null, 'the phone form');
    const form = inPanel<AmoiqPhoneForm>(el, 'amoiq-phone-form')!;
    await until(() => !form.shadowRoot!.querySelector<HTMLSelectElement>('#country')!.disabled, 'libphonenumber-js loaded');
    const input = form.shadowRoot!.querySelector<HTMLInputElement>('#phone')!;
    input.value = '+1 202 555 0123';
    input.dispatchEvent(new Event('input', { bubbles: true, composed: true }));
    form.shadowRoot!.querySelector<HTMLButtonElement>('button[type=submit]')!.click();
    await until(() => form.shadowRoot!.querySelector('#consent-error') !== null, 'the consent error');
    expect(el.messages.some((m) => m.event === 'call')).to.equal(false);
  });
});
