import { expect, oneEvent } from '@open-wc/testing';
import { sendKeys } from '@web/test-runner-commands';
import { defineVoice } from '../../src/components/voice-panel/lazy.js';
import type { AmoiqVoiceRecorder } from '../../src/components/voice-recorder/voice-recorder.js';
import { en } from '../../src/i18n/en.js';
import { VoiceRecorder } from '../../src/services/voice/recorder.js';
import { deepActiveElement } from '../helpers/dom.js';
import { until } from '../helpers/until.js';
import { themedHost, refusingGetUserMedia } from '../helpers/voice-fakes.js';

defineVoice();

const hosts: HTMLElement[] = [];
afterEach(() => hosts.splice(0).forEach((h) => h.remove()));

async function recorder(props: Partial<AmoiqVoiceRecorder> = {}): Promise<AmoiqVoiceRecorder> {
  const parent = themedHost();
  hosts.push(parent);
  const el = document.createElement('amoiq-voice-recorder');
  Object.assign(el, props);
  parent.append(el);
  await el.updateComplete;
  return el;
}

const $ = <T extends HTMLElement = HTMLElement>(el: AmoiqVoiceRecorder, selector: string) => el.shadowRoot!.querySelector<T>(selector);
const live = (el: AmoiqVoiceRecorder) => $(el, '[aria-live]')!.textContent!.trim();

async function startRecording(el: AmoiqVoiceRecorder): Promise<void> {
  $(el, '[part="record-button"]')!.focus();
  await sendKeys({ press: 'Enter' });
  await until(() => el.current?.state === 'recording', 'recording');
  await el.updateComplete;
}

describe('amoiq-voice-recorder', () => {
  it('records from the keyboard: timer against the limit, level, focus on Send; Send fires the note as a File', async () => {
    const el = await recorder({ maxSeconds: 120 });
    expect($(el, '[part="record-button"]')!.getAttribute('aria-label')).to.equal(en.voice.record);
    await startRecording(el);
    expect(live(el)).to.equal(en.voice.recording);
    expect(deepActiveElement()?.getAttribute('part')).to.equal('send-button');
    await until(() => $(el, '[part="timer"]')!.textContent === '0:01 of 2:00', 'the timer runs', 5000);
    await until(() => Number($(el, '[part="level-meter"]')!.getAttribute('aria-valuenow')) > 10, 'the level meter moves', 5000);
    const note = oneEvent(el, 'amoiq-voice-note');
    await sendKeys({ press: 'Enter' });
    const { file, durationMs } = (await note).detail;
    expect(file.type).to.equal('audio/webm');
    expect(file.size).to.be.greaterThan(0);
    expect(durationMs).to.be.at.least(1000);
    await el.updateComplete;
    await until(() => deepActiveElement()?.getAttribute('part') === 'record-button', 'focus back on the record button');
  });

  it('at rest it is one of the message box’s quiet tools: 36 px, no ring, and not the microphone (that is dictation’s)', async () => {
    const el = await recorder({ maxSeconds: 120 });
    const button = $(el, '[part="record-button"]')!;
    const style = getComputedStyle(button);
    expect([button.offsetWidth, button.offsetHeight]).to.deep.equal([36, 36]);
    expect(style.borderTopColor).to.equal('rgba(0, 0, 0, 0)');
    const { micIcon, waveformIcon } = await import('../../src/components/voice-panel/icons.js');
    const d = (icon: typeof micIcon) => /d="([^"]+)"/.exec(icon.strings.join(''))![1];
    expect(button.querySelector('path')!.getAttribute('d')).to.equal(d(waveformIcon));
    expect(d(waveformIcon)).to.not.equal(d(micIcon));
  });

  it('Discard throws the note away and says so', async () => {
    const el = await recorder();
    await startRecording(el);
    let notes = 0;
    el.addEventListener('amoiq-voice-note', () => notes++);
    $(el, '[part="discard-button"]')!.click();
    await el.updateComplete;
    expect(live(el)).to.equal(en.voice.recordingDiscarded);
    expect($(el, '[part="record-button"]')).to.exist;
    expect(notes).to.equal(0);
  });

  it('stops at the limit and waits for Send or Discard', async () => {
    const el = await recorder({ maxSeconds: 1 });
    await startRecording(el);
    await until(() => el.current?.state === 'stopped', 'stopped at the limit', 5000);
    await el.updateComplete;
    expect(live(el)).to.equal(en.voice.recordingLimit);
    expect($(el, '[part="timer"]')!.textContent).to.equal('0:01 of 0:01');
    expect($(el, '[part="level-meter"]')).to.equal(null);
    const note = oneEvent(el, 'amoiq-voice-note');
    $(el, '[part="send-button"]')!.click();
    expect((await note).detail.file.size).to.be.greaterThan(0);
  });

  it('explains a refused microphone in place', async () => {
    const el = await recorder({
      createRecorder: (options) => new VoiceRecorder({ ...options, getUserMedia: refusingGetUserMedia('NotAllowedError') }),
    });
    $(el, '[part="record-button"]')!.click();
    await until(() => $(el, '.problem') !== null, 'the problem shows');
    expect($(el, '.problem')!.textContent).to.equal(en.voice.errors.permission_denied);
    expect(live(el)).to.equal(en.voice.errors.permission_denied);
    expect($(el, '[part="record-button"]'), 'can try again').to.exist;
  });
});
