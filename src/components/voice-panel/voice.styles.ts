import { css } from 'lit';
import {
  chatAccentColor,
  chatBorderColor,
  chatDividerColor,
  chatErrorColor,
  chatMutedColor,
  chatOnAccentColor,
  chatSurfaceColor,
} from '../../styles/tokens.js';

/**
 * Buttons and the level meter shared by the voice components (panel, phone form, recorder). They
 * read the chat-wide custom properties (src/styles/tokens.ts, with their fallback chains), so a
 * page that themes the chat themes voice too.
 */
export const voiceStyles = css`
  .button {
    display: inline-flex;
    align-items: center;
    justify-content: center;
    gap: 0.5rem;
    min-block-size: 2.75rem;
    min-inline-size: 2.75rem;
    padding-block: 0.5rem;
    padding-inline: 1rem;
    border: 1px solid ${chatBorderColor};
    border-radius: 1.375rem;
    font-weight: 600;
    color: inherit;
    background: transparent;
  }
  .button.primary {
    border-color: transparent;
    background: ${chatAccentColor};
    color: ${chatOnAccentColor};
  }
  /* Ending a call reads as danger: the error colour, with the surface colour on it (contrast holds in both schemes). */
  .button.danger {
    border-color: transparent;
    background: ${chatErrorColor};
    color: ${chatSurfaceColor};
  }
  .button[aria-pressed='true'] {
    background: ${chatAccentColor};
    color: ${chatOnAccentColor};
    border-color: transparent;
  }
  .button[aria-disabled='true'] {
    opacity: 0.6;
    cursor: default;
  }
  .button svg {
    inline-size: 1.25rem;
    block-size: 1.25rem;
    fill: currentColor;
    flex: none;
  }
  .meter {
    position: relative;
    inline-size: 100%;
    block-size: 0.5rem;
    border-radius: 0.25rem;
    overflow: hidden;
    background: ${chatDividerColor};
  }
  .meter-fill {
    position: absolute;
    inset-block: 0;
    inset-inline-start: 0;
    inline-size: 100%;
    background: ${chatAccentColor};
    transform: scaleX(var(--level, 0));
    transform-origin: left center;
    transition: transform 80ms linear;
  }
  :host(:dir(rtl)) .meter-fill {
    transform-origin: right center;
  }
  .muted {
    color: ${chatMutedColor};
  }
  .time {
    font-variant-numeric: tabular-nums;
    unicode-bidi: isolate;
  }
  @media (forced-colors: active) {
    .meter {
      border: 1px solid CanvasText;
    }
    .meter-fill {
      background: Highlight;
    }
    .button[aria-pressed='true'] {
      outline: 2px solid Highlight;
    }
  }
`;
