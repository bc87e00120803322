import { expect } from '@open-wc/testing';
import { sendKeys } from '@web/test-runner-commands';
import type { AmoiqAudioPlayer } from '../../src/components/audio-player/audio-player.js';
import { defineVoice } from '../../src/components/voice-panel/lazy.js';
import type { AmoiqPhoneForm } from '../../src/components/voice-panel/phone-form.js';
import type { AmoiqVoicePanel } from '../../src/components/voice-panel/voice-panel.js';
import type { AmoiqVoiceRecorder } from '../../src/components/voice-recorder/voice-recorder.js';
import ar from '../../src/i18n/ar.js';
import { en, type Strings } from '../../src/i18n/en.js';
import { expectAccessible } from '../helpers/dom.js';
import { until } from '../helpers/until.js';
import { themedHost, toneWav } from '../helpers/voice-fakes.js';

// axe (WCAG 2.2 AA rules of @open-wc/testing's chai-a11y-axe) on every voice state, in light and
// dark, left to right (English) and right to left (Arabic).

defineVoice();

const hosts: HTMLElement[] = [];
afterEach(() => hosts.splice(0).forEach((h) => h.remove()));

const SCHEMES = [
  { name: 'light, LTR', dark: false, lang: 'en', dir: 'ltr' as const, strings: en },
  { name: 'dark, LTR', dark: true, lang: 'en', dir: 'ltr' as const, strings: en },
  { name: 'light, RTL', dark: false, lang: 'ar', dir: 'rtl' as const, strings: ar as Strings },
  { name: 'dark, RTL', dark: true, lang: 'ar', dir: 'rtl' as const, strings: ar as Strings },
];

function mount<K extends keyof HTMLElementTagNameMap>(
  tag: K,
  scheme: (typeof SCHEMES)[number],
  props: Partial<HTMLElementTagNameMap[K]> = {},
): HTMLElementTagNameMap[K] {
  const host = themedHost(scheme);
  hosts.push(host);
  const el = document.createElement(tag);
  Object.assign(el, props);
  host.append(el);
  return el;
}

for (const scheme of SCHEMES) {
  describe(`voice a11y: ${scheme.name}`, () => {
    it('idle (the menu)', async () => {
      const el = mount('amoiq-voice-panel', scheme, { webrtc: true, callback: true } as Partial<AmoiqVoicePanel>);
      await el.updateComplete;
      await expectAccessible(el);
    });

    it('phone form with an error', async () => {
      const el = mount('amoiq-voice-panel', scheme, { callback: true, callbackError: 'country_not_allowed' } as Partial<AmoiqVoicePanel>);
      await el.updateComplete;
      el.showPhoneForm();
      await el.updateComplete;
      const form = el.shadowRoot!.querySelector<AmoiqPhoneForm>('amoiq-phone-form')!;
      await form.ready();
      // A field error too: submit with nothing typed.
      form.shadowRoot!.querySelector<HTMLButtonElement>('[part="submit-button"]')!.click();
      await until(() => form.shadowRoot!.querySelector('#phone-error') !== null, 'the field error shows');
      expect(form.shadowRoot!.querySelector('[part="error"]')!.textContent).to.equal(scheme.strings.voice.errors.country_not_allowed);
      await expectAccessible(el);
    });

    it('calling (a simulated phone callback ringing)', async () => {
      const el = mount('amoiq-voice-panel', scheme, {
        callback: true,
        call: { id: 'call_1', kind: 'callback', phase: 'ringing', simulated: true, to: '+1••••••2671' },
      } as Partial<AmoiqVoicePanel>);
      await el.updateComplete;
      expect(el.shadowRoot!.querySelector('[part="simulated-note"]')).to.exist;
      await expectAccessible(el);
    });

    it('in call, muted (in-browser call)', async () => {
      const el = mount('amoiq-voice-panel', scheme, {
        webrtc: true,
        level: 0.3,
        call: { id: 'call_2', kind: 'webrtc', phase: 'in_progress', muted: true, remoteMuted: true, answeredAt: Date.now() - 42_000 },
      } as Partial<AmoiqVoicePanel>);
      await el.updateComplete;
      expect(el.shadowRoot!.querySelector('[part="mute-button"]')!.getAttribute('aria-pressed')).to.equal('true');
      await expectAccessible(el);
    });

    it('recording (a voice message)', async () => {
      const el = mount('amoiq-voice-recorder', scheme) as AmoiqVoiceRecorder;
      await el.updateComplete;
      await expectAccessible(el);
      await el.record();
      await until(() => el.current?.state === 'recording', 'recording');
      await el.updateComplete;
      await expectAccessible(el);
      el.discard();
    });

    it('playing (an audio message)', async () => {
      const url = URL.createObjectURL(toneWav(10));
      const el = mount('amoiq-audio-player', scheme, { src: url, name: 'note.wav' } as Partial<AmoiqAudioPlayer>) as AmoiqAudioPlayer;
      await el.updateComplete;
      // A real key press: browsers play audio only after the visitor interacted.
      el.shadowRoot!.querySelector<HTMLButtonElement>('[part="play-button"]')!.focus();
      await sendKeys({ press: 'Space' });
      await until(() => el.isPlaying, 'playing');
      await el.updateComplete;
      await expectAccessible(el);
      el.pause();
      URL.revokeObjectURL(url);
    });
  });
}
