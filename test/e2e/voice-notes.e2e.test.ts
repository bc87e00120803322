import { expect, fixture, html } from '@open-wc/testing';
import { nanoid } from 'nanoid';
import '../../src/define.js';
import type { AmoiqChat } from '../../src/components/chat/chat.js';
import type { AmoiqVoiceRecorder } from '../../src/components/voice-recorder/voice-recorder.js';
import { until } from '../helpers/dom.js';
import { backendInfo } from './backend.js';

// Voice messages end to end (issue 11, part 3): the recorder sits in the message box (the demo
// tenant's default attachment types include audio/webm), records Chromium's fake microphone, and
// the note goes through the usual upload path; the sent message shows it with the audio player,
// which can play the file the backend serves.

const input = (el: AmoiqChat) => el.shadowRoot!.querySelector('amoiq-chat-input')!.shadowRoot!;
const list = (el: AmoiqChat) => el.shadowRoot!.querySelector('amoiq-message-list')!.shadowRoot!;

describe('e2e: a voice message', function () {
  this.timeout(60_000);

  it('recorded in the message box, uploaded, sent, and played in the conversation', async () => {
    const info = await backendInfo();
    const el = await fixture<AmoiqChat>(
      html`<amoiq-chat gateway-url=${info.url} api-key=${info.apiKey} tenant-id=${info.tenantId} db-name=${`amoiq-e2e-${nanoid(8)}`} open></amoiq-chat>`,
    );
    await until(() => el.connectionState === 'online', 'online', 10_000);
    await until(() => el.attachmentLimits.types.includes('audio/webm'), 'the server takes voice messages');
    await until(() => input(el).querySelector('amoiq-voice-recorder') !== null, 'the recorder in the message box');
    const recorder = input(el).querySelector<AmoiqVoiceRecorder>('amoiq-voice-recorder')!;
    await until(() => customElements.get('amoiq-voice-recorder') !== undefined, 'the voice chunk loaded');
    await recorder.updateComplete;
    await recorder.record();
    await until(() => recorder.shadowRoot!.querySelector('.send') !== null, 'recording');
    // A second of the fake microphone (the recorder's own clock), then send.
    const running = recorder.current!;
    await until(() => running.elapsedMs() > 1000, 'a second recorded', 5000);
    await recorder.send();
    await until(() => input(el).querySelector('[part=staged-attachment]') !== null, 'the note staged as an attachment');
    const send = input(el).querySelector<HTMLButtonElement>('[part=send-button]')!;
    await until(() => !send.disabled, 'uploaded', 10_000);
    send.click();
    await until(
      () => el.messages.some((m) => m.status === 'delivered' && m.attachments?.some((a) => a.type === 'audio/webm')),
      'the voice message stored',
      10_000,
    );
    const note = el.messages.find((m) => m.attachments?.some((a) => a.type === 'audio/webm'))!.attachments![0];
    expect(note.name).to.match(/^voice-message-.*\.webm$/);
    expect(note.size).to.be.greaterThan(1000);
    await until(() => list(el).querySelector('amoiq-audio-player') !== null, 'the audio player in the conversation');
    // The file plays: the browser reads its duration from what the backend serves.
    const audio = new Audio(note.url);
    await new Promise((resolve, reject) => {
      audio.onloadedmetadata = resolve;
      audio.onerror = () => reject(new Error('the served voice message does not load'));
    });
  });
});
