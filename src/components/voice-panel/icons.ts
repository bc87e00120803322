import { html } from 'lit';

/** Icons of the voice components (Material Symbols shapes). Decorative: the button or text beside each carries the name. */

export const phoneIcon = html`<svg viewBox="0 0 24 24" aria-hidden="true">
  <path d="M6.6 10.8a15.1 15.1 0 0 0 6.6 6.6l2.2-2.2a1 1 0 0 1 1-.25 11.4 11.4 0 0 0 3.6.57 1 1 0 0 1 1 1V20a1 1 0 0 1-1 1A17 17 0 0 1 3 4a1 1 0 0 1 1-1h3.5a1 1 0 0 1 1 1c0 1.25.2 2.45.57 3.57a1 1 0 0 1-.25 1z" />
</svg>`;

export const hangUpIcon = html`<svg viewBox="0 0 24 24" aria-hidden="true">
  <path d="M12 9c-1.6 0-3.15.25-4.6.72v3.1a1 1 0 0 1-.56.9 11.5 11.5 0 0 0-2.66 1.85 1 1 0 0 1-1.41-.02L.3 13.08a1 1 0 0 1 0-1.41A16.9 16.9 0 0 1 12 7c4.55 0 8.67 1.78 11.7 4.67a1 1 0 0 1 0 1.41l-2.48 2.48a1 1 0 0 1-1.41.02 11.3 11.3 0 0 0-2.67-1.85 1 1 0 0 1-.56-.9v-3.1A15 15 0 0 0 12 9z" />
</svg>`;

export const micIcon = html`<svg viewBox="0 0 24 24" aria-hidden="true">
  <path d="M12 14a3 3 0 0 0 3-3V5a3 3 0 0 0-6 0v6a3 3 0 0 0 3 3zm5.3-3a5.3 5.3 0 0 1-10.6 0H5a7 7 0 0 0 6 6.92V21h2v-3.08A7 7 0 0 0 19 11z" />
</svg>`;

/** A sound wave: a recorded voice message (the microphone is dictation's, beside it in the message box). */
export const waveformIcon = html`<svg viewBox="0 0 24 24" aria-hidden="true">
  <path d="M7 18h2V6H7v12zm4 4h2V2h-2v20zm-8-8h2v-4H3v4zm12 4h2V6h-2v12zm4-8v4h2v-4h-2z" />
</svg>`;

export const micOffIcon = html`<svg viewBox="0 0 24 24" aria-hidden="true">
  <path d="M19 11h-1.7c0 .74-.16 1.43-.43 2.05l1.23 1.23A6.9 6.9 0 0 0 19 11zm-4.02.17L9 5.18V5a3 3 0 0 1 6 0v6l-.02.17zM4.27 3 3 4.27l6.01 6.01V11a3 3 0 0 0 3 3c.22 0 .44-.03.65-.08l1.66 1.66A5.5 5.5 0 0 1 12 16.3 5.3 5.3 0 0 1 6.7 11H5a7 7 0 0 0 6 6.92V21h2v-3.08a7 7 0 0 0 2.54-.9L19.73 21 21 19.73z" />
</svg>`;

export const playIcon = html`<svg viewBox="0 0 24 24" aria-hidden="true"><path d="M8 5v14l11-7z" /></svg>`;

export const pauseIcon = html`<svg viewBox="0 0 24 24" aria-hidden="true"><path d="M6 19h4V5H6zm8-14v14h4V5z" /></svg>`;

export const trashIcon = html`<svg viewBox="0 0 24 24" aria-hidden="true">
  <path d="M6 19a2 2 0 0 0 2 2h8a2 2 0 0 0 2-2V7H6zM19 4h-3.5l-1-1h-5l-1 1H5v2h14z" />
</svg>`;

export const sendIcon = html`<svg viewBox="0 0 24 24" aria-hidden="true"><path d="M2 21 23 12 2 3v7l15 2-15 2z" /></svg>`;

export const browserCallIcon = html`<svg viewBox="0 0 24 24" aria-hidden="true">
  <path d="M12 1a9 9 0 0 0-9 9v7a3 3 0 0 0 3 3h3v-8H5v-2a7 7 0 0 1 14 0v2h-4v8h4v1h-7v2h6a3 3 0 0 0 3-3V10a9 9 0 0 0-9-9z" />
</svg>`;
