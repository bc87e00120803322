import { html } from 'lit';

/** The × of close and remove buttons (header, launcher while open, staged files). Decorative: the button carries the name. */
export const closeIcon = html`<svg viewBox="0 0 24 24" aria-hidden="true">
  <path d="M18.3 5.7a1 1 0 0 0-1.4 0L12 10.6 7.1 5.7a1 1 0 0 0-1.4 1.4l4.9 4.9-4.9 4.9a1 1 0 1 0 1.4 1.4l4.9-4.9 4.9 4.9a1 1 0 0 0 1.4-1.4L13.4 12l4.9-4.9a1 1 0 0 0 0-1.4z" />
</svg>`;

/** The speech bubble of the closed launcher. Decorative: the button carries the name. */
export const chatIcon = html`<svg viewBox="0 0 24 24" aria-hidden="true">
  <path d="M4 3h16a2 2 0 0 1 2 2v11a2 2 0 0 1-2 2H8l-4 4V5a2 2 0 0 1 2-2z" />
</svg>`;
