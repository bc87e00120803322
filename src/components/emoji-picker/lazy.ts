/**
 * Entry of the lazily loaded emoji picker. `<amoiq-chat-input>` imports it through `loader.ts` on
 * the first press of its emoji button, so neither the picker nor its emoji are in the initial
 * bundle. Registration is a function the loader calls (not a side effect of importing), so a
 * bundler that trusts package.json `sideEffects` cannot drop it.
 */
import { AmoiqEmojiPicker } from './emoji-picker.js';

/** Registers `<amoiq-emoji-picker>` unless it is registered already. */
export function defineEmojiPicker(): void {
  if (!customElements.get('amoiq-emoji-picker')) customElements.define('amoiq-emoji-picker', AmoiqEmojiPicker);
}

declare global {
  interface HTMLElementTagNameMap {
    'amoiq-emoji-picker': AmoiqEmojiPicker;
  }
}
