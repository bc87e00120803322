import { css } from 'lit';
import {
  chatAccentColor,
  chatBorderColor,
  chatDividerColor,
  chatErrorColor,
  chatInputBackground,
  chatInputRadius,
  chatMutedColor,
  chatOnAccentColor,
  chatSpacing,
  chatTextColor,
} from '../../styles/tokens.js';

export const styles = css`
  :host {
    display: block;
  }
  .base {
    display: flex;
    flex-wrap: wrap;
    align-items: flex-end;
    gap: 0.5rem;
    padding: calc(${chatSpacing} * 0.625);
    border-block-start: 1px solid ${chatDividerColor};
    background: ${chatInputBackground};
  }
  textarea {
    flex: 1;
    min-inline-size: 0;
    resize: none;
    /* 16px minimum so iOS Safari does not zoom the page on focus. */
    font: inherit;
    font-size: max(16px, 1rem);
    line-height: 1.4;
    max-height: 8rem;
    min-height: 2.5rem;
    padding-block: 0.5rem;
    padding-inline: 0.75rem;
    text-align: start;
    border: 1px solid ${chatBorderColor};
    border-radius: ${chatInputRadius};
    color: inherit;
    background: transparent;
    field-sizing: content;
  }
  .send {
    display: inline-grid;
    place-items: center;
    width: 2.5rem;
    height: 2.5rem;
    border: 0;
    border-radius: 50%;
    background: ${chatAccentColor};
    color: ${chatOnAccentColor};
  }
  .counter {
    order: -1;
    flex-basis: 100%;
    text-align: end;
    font-size: 0.75rem;
    color: ${chatMutedColor};
  }
  .counter.limit {
    color: ${chatErrorColor};
    font-weight: 600;
  }
  .too-long {
    order: -1;
    flex-basis: 100%;
    margin: 0;
    font-size: 0.8125rem;
    color: ${chatErrorColor};
  }
  .too-long {
    order: -1;
    flex-basis: 100%;
    margin: 0;
    font-size: 0.8125rem;
    color: ${chatErrorColor};
  }
  /* The arrow points where the text goes. */
  :host(:dir(rtl)) svg {
    transform: scaleX(-1);
  }
  /* The emoji picker opens above the bar, inside the panel. */
  :host {
    position: relative;
  }
  /* The attach and emoji buttons: quiet round icon buttons beside the text box. */
  .attach,
  .emoji-toggle {
    display: inline-grid;
    place-items: center;
    width: 2.5rem;
    height: 2.5rem;
    padding: 0;
    border: 0;
    border-radius: 50%;
    background: transparent;
    color: ${chatMutedColor};
  }
  .attach:hover,
  .emoji-toggle:hover,
  .emoji-toggle[aria-expanded='true'] {
    color: ${chatTextColor};
    background: color-mix(in srgb, currentColor 12%, transparent);
  }
  /* Why a picked file was refused (the chips themselves load with attachment-chips.ts). */
  .refusal {
    order: -1;
    flex-basis: 100%;
    margin: 0;
    font-size: 0.8125rem;
    color: ${chatErrorColor};
  }
  @media (forced-colors: active) {
    .refusal,
    .too-long {
      color: CanvasText;
    }
  }
  .emoji-picker {
    position: absolute;
    z-index: 1;
    inset-block-end: calc(100% + 0.25rem);
    inset-inline-end: 0.5rem;
    max-inline-size: calc(100% - 1rem);
  }
  .send:disabled {
    opacity: 0.45;
    cursor: default;
  }
  svg {
    width: 1.25rem;
    height: 1.25rem;
    fill: currentColor;
  }
`;
