/**
 * The drop-in script's emoji picker loader (vite.config.ts swaps it in for `loader.ts`). An IIFE
 * cannot be split, so the picker is built on its own to `chunks/emoji-picker.js` next to
 * `amoiq-chat.js` and imported relative to the script's URL on the first press of the emoji
 * button. That chunk does not bundle lit again: its `lit` imports read the copy already in this
 * script, handed over under {@link LIT_KEY}.
 */
import { LitElement, css, html, nothing } from 'lit';
import { property, query, state } from 'lit/decorators.js';

/** Where the chunk finds lit (keep in step with `litShim()` in vite.config.ts). */
const LIT_KEY = Symbol.for('amoiq-chat.lit');

// Only set while the script runs for the first time, which is when this line runs.
const base = (document.currentScript as HTMLScriptElement | null)?.src || document.baseURI;

let loading: Promise<void> | undefined;

export const loadEmojiPicker = (): Promise<void> => {
  const g = globalThis as unknown as Record<symbol, unknown>;
  g[LIT_KEY] ??= { LitElement, css, html, nothing, property, query, state };
  // A failed load (offline) may be tried again on the next press.
  return (loading ??= import(/* @vite-ignore */ new URL('chunks/emoji-picker.js', base).href).then(
    () => undefined,
    (err: unknown) => {
      loading = undefined;
      throw err;
    },
  ));
};
