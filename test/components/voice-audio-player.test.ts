import { expect } from '@open-wc/testing';
import { sendKeys } from '@web/test-runner-commands';
import type { AmoiqAudioPlayer } from '../../src/components/audio-player/audio-player.js';
import { defineVoice } from '../../src/components/voice-panel/lazy.js';
import ar from '../../src/i18n/ar.js';
import { en } from '../../src/i18n/en.js';
import { VoiceRecorder } from '../../src/services/voice/recorder.js';
import { deepActiveElement } from '../helpers/dom.js';
import { until } from '../helpers/until.js';
import { themedHost, toneWav } from '../helpers/voice-fakes.js';

defineVoice();

const hosts: HTMLElement[] = [];
const urls: string[] = [];
afterEach(() => {
  hosts.splice(0).forEach((h) => h.remove());
  urls.splice(0).forEach((u) => URL.revokeObjectURL(u));
});

async function player(
  blob: Blob,
  host: Parameters<typeof themedHost>[0] = {},
  props: Partial<AmoiqAudioPlayer> = {},
): Promise<AmoiqAudioPlayer> {
  const parent = themedHost(host);
  hosts.push(parent);
  const el = document.createElement('amoiq-audio-player');
  const url = URL.createObjectURL(blob);
  urls.push(url);
  Object.assign(el, { src: url, ...props });
  parent.append(el);
  await el.updateComplete;
  return el;
}

const slider = (el: AmoiqAudioPlayer) => el.shadowRoot!.querySelector<HTMLInputElement>('[part="slider"]')!;
const playButton = (el: AmoiqAudioPlayer) => el.shadowRoot!.querySelector<HTMLButtonElement>('[part="play-button"]')!;
const audio = (el: AmoiqAudioPlayer) => el.shadowRoot!.querySelector('audio')!;

async function press(el: AmoiqAudioPlayer, key: string, expected: number): Promise<void> {
  await sendKeys({ press: key });
  await el.updateComplete;
  expect(el.currentTime, key).to.be.closeTo(expected, 0.01);
  expect(audio(el).currentTime, `${key}: the audio moved`).to.be.closeTo(expected, 0.01);
}

describe('amoiq-audio-player', () => {
  it('seeks with the keyboard: arrows ±5 s, Page Up/Down, Home/End; the slider says where it is', async () => {
    const el = await player(toneWav(20), {}, { name: 'note.wav' });
    await until(() => slider(el).max === '20', 'the length is known');
    expect(el.shadowRoot!.querySelector('[part="base"]')!.getAttribute('aria-label')).to.equal('Voice message, note.wav');
    expect(slider(el).getAttribute('aria-label')).to.equal(en.voice.position);
    expect(slider(el).getAttribute('aria-valuetext')).to.equal('0:00 of 0:20');
    slider(el).focus();
    await press(el, 'ArrowRight', 5);
    expect(slider(el).getAttribute('aria-valuetext')).to.equal('0:05 of 0:20');
    await press(el, 'ArrowUp', 10);
    await press(el, 'ArrowLeft', 5);
    await press(el, 'ArrowDown', 0);
    await press(el, 'ArrowLeft', 0);
    await press(el, 'End', 20);
    await press(el, 'ArrowRight', 20);
    await press(el, 'PageDown', 15);
    await press(el, 'Home', 0);
    await press(el, 'PageUp', 5);
    expect(el.shadowRoot!.querySelector('[part="time"]')!.textContent).to.equal('0:05 / 0:20');
  });

  it('mirrors left and right in right-to-left', async () => {
    const el = await player(toneWav(20), { lang: 'ar', dir: 'rtl', strings: ar });
    await until(() => slider(el).max === '20', 'the length is known');
    slider(el).focus();
    await press(el, 'ArrowLeft', 5);
    await press(el, 'ArrowRight', 0);
    expect(slider(el).getAttribute('aria-label')).to.equal(ar.voice.position);
  });

  it('plays and pauses from the keyboard; the button says what it will do', async () => {
    const el = await player(toneWav(20));
    playButton(el).focus();
    expect(playButton(el).getAttribute('aria-label')).to.equal(en.voice.play);
    await sendKeys({ press: 'Space' });
    await until(() => el.isPlaying, 'playing');
    await el.updateComplete;
    expect(playButton(el).getAttribute('aria-label')).to.equal(en.voice.pause);
    await until(() => el.currentTime > 0.2, 'the position moves');
    expect(deepActiveElement()).to.equal(playButton(el));
    await sendKeys({ press: 'Enter' });
    await until(() => !el.isPlaying, 'paused');
    const at = el.currentTime;
    expect(audio(el).paused).to.equal(true);
    expect(at).to.be.greaterThan(0.2);
  });

  it('finds the length of a MediaRecorder WebM (which has none in its header)', async () => {
    const recorder = new VoiceRecorder();
    await recorder.start();
    await until(() => recorder.elapsedMs() >= 1500, 'recorded a while');
    const file = await recorder.finish();
    const el = await player(file);
    await until(() => Number(slider(el).max) > 1, 'the length was found');
    expect(Number(slider(el).max)).to.be.lessThan(3);
    expect(el.currentTime, 'back at the start after probing').to.equal(0);
    expect(audio(el).currentTime).to.equal(0);
  });
});
