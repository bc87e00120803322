import { css } from 'lit';
import {
  chatAccentColor,
  chatBorderColor,
  chatFontFamily,
  chatMutedColor,
  chatRadius,
  chatShadow,
  emojiPickerBackground,
  emojiPickerSize,
} from '../../styles/tokens.js';

export const styles = css`
  :host {
    display: block;
  }
  .base {
    display: flex;
    flex-direction: column;
    max-block-size: min(20rem, 60vh);
    max-inline-size: 100%;
    inline-size: max-content;
    border: 1px solid ${chatBorderColor};
    border-radius: calc(${chatRadius} * 0.75);
    background: ${emojiPickerBackground};
    box-shadow: ${chatShadow};
    overflow: hidden;
    animation: rise 0.15s ease-out;
  }
  @keyframes rise {
    from {
      opacity: 0;
      transform: translateY(0.5rem);
    }
  }
  /* One line of tabs at any width: they shrink (never under 1.75 rem, above the 24 px target size) rather than wrap. */
  .tabs {
    display: flex;
    flex-wrap: nowrap;
    overflow-x: auto;
    scrollbar-width: none;
    gap: 0.125rem;
    padding: 0.25rem;
    border-block-end: 1px solid ${chatBorderColor};
  }
  .tab,
  .emoji {
    display: inline-grid;
    place-items: center;
    inline-size: ${emojiPickerSize};
    block-size: ${emojiPickerSize};
    padding: 0;
    border: 0;
    border-radius: 0.5rem;
    background: transparent;
    color: inherit;
    font-family: 'Apple Color Emoji', 'Segoe UI Emoji', 'Noto Color Emoji', ${chatFontFamily};
    font-size: 1.375rem;
    line-height: 1;
  }
  .tab {
    flex: 1 1 0;
    min-inline-size: 1.75rem;
    max-inline-size: ${emojiPickerSize};
    border-block-end: 2px solid transparent;
    border-end-start-radius: 0;
    border-end-end-radius: 0;
  }
  .tab[aria-selected='true'] {
    border-block-end-color: ${chatAccentColor};
  }
  .tab:hover,
  .emoji:hover {
    background: color-mix(in srgb, currentColor 10%, transparent);
  }
  .panel {
    display: flex;
    flex-direction: column;
    min-block-size: 0;
  }
  .heading {
    padding-block: 0.5rem 0;
    padding-inline: 0.5rem;
    font-size: 0.8125rem;
    font-weight: 600;
    color: ${chatMutedColor};
  }
  .grid {
    overflow: auto;
    overscroll-behavior: contain;
    /* Room for the focus outline of the edge emoji inside the scroll box. */
    padding: 0.25rem;
  }
  .row {
    display: flex;
    gap: 0.125rem;
  }
  .hint {
    margin: 0;
    padding-block: 0.375rem;
    padding-inline: 0.5rem;
    border-block-start: 1px solid ${chatBorderColor};
    font-size: 0.75rem;
    color: ${chatMutedColor};
    max-inline-size: calc(${emojiPickerSize} * 8 + 1.5rem);
  }
  @media (forced-colors: active) {
    .base {
      border-color: CanvasText;
    }
    .tab[aria-selected='true'] {
      border-block-end: 3px solid Highlight !important;
    }
  }
`;
