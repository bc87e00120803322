/**
 * Entry of the lazily loaded emoji picker: registers `<amoiq-emoji-picker>` (unless registered
 * already). `<amoiq-chat-input>` imports it through `loader.ts` on the first press of its emoji
 * button, so neither the picker nor its emoji are in the initial bundle.
 */
import { AmoiqEmojiPicker } from './emoji-picker.js';

if (!customElements.get('amoiq-emoji-picker')) customElements.define('amoiq-emoji-picker', AmoiqEmojiPicker);

declare global {
  interface HTMLElementTagNameMap {
    'amoiq-emoji-picker': AmoiqEmojiPicker;
  }
}
