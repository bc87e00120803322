/**
 * Entry of the voice chunk: every voice element, registered by {@link defineVoice}. The chat is
 * to import it only through `loader.ts` (a dynamic `import()`) when the site offers voice and the
 * visitor opens it, or a message with audio first shows, so none of it is in the start-up
 * bundle; libphonenumber-js is a further chunk, loaded when the callback form opens.
 * Registration is a function the loader calls, not a side effect of importing, so a bundler
 * that trusts package.json `sideEffects` cannot drop it.
 */
import { AmoiqAudioPlayer } from '../audio-player/audio-player.js';
import { AmoiqVoiceRecorder } from '../voice-recorder/voice-recorder.js';
import { AmoiqPhoneForm } from './phone-form.js';
import { AmoiqVoicePanel } from './voice-panel.js';

/** The voice tags and their classes. */
export const VOICE_TAGS = {
  'amoiq-voice-panel': AmoiqVoicePanel,
  'amoiq-phone-form': AmoiqPhoneForm,
  'amoiq-audio-player': AmoiqAudioPlayer,
  'amoiq-voice-recorder': AmoiqVoiceRecorder,
} as const;

/** Registers the voice tags that are not registered yet. */
export function defineVoice(registry: CustomElementRegistry = customElements): void {
  for (const [tag, ctor] of Object.entries(VOICE_TAGS)) {
    if (!registry.get(tag)) registry.define(tag, ctor);
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'amoiq-phone-form': AmoiqPhoneForm;
    'amoiq-audio-player': AmoiqAudioPlayer;
    'amoiq-voice-recorder': AmoiqVoiceRecorder;
  }
}
