import { css } from 'lit';
import { chatFocusColor, chatFontFamily, chatMutedColor, chatTextColor } from './tokens.js';

/**
 * Resets and helpers every component adopts. Components read the public custom properties with a
 * fallback chain (component → chat-wide → default) instead of declaring defaults on `:host`, so a
 * value set by the host page anywhere above wins.
 */
export const sharedStyles = css`
  :host {
    box-sizing: border-box;
    font-family: ${chatFontFamily};
    color: ${chatTextColor};
  }
  *,
  *::before,
  *::after {
    box-sizing: inherit;
  }
  .visually-hidden {
    position: absolute;
    width: 1px;
    height: 1px;
    padding: 0;
    margin: -1px;
    overflow: hidden;
    clip: rect(0 0 0 0);
    white-space: nowrap;
    border: 0;
  }
  button {
    font: inherit;
    cursor: pointer;
  }
  /* The browser's own placeholder grey falls under 4.5:1 on the dark surface. */
  ::placeholder {
    color: ${chatMutedColor};
    opacity: 1;
  }
  :focus-visible {
    outline: 2px solid ${chatFocusColor};
    outline-offset: 2px;
  }
  /* Backgrounds vanish in forced-colors mode (Windows High Contrast): give every button an edge. */
  @media (forced-colors: active) {
    button {
      border: 1px solid ButtonText !important;
    }
    :focus-visible {
      outline-color: Highlight;
    }
  }
  @media (prefers-reduced-motion: reduce) {
    *,
    *::before,
    *::after {
      animation: none !important;
      transition: none !important;
    }
  }
`;
