import { css } from 'lit';
import {
  chatAccentColor,
  chatBorderColor,
  chatDividerColor,
  chatErrorColor,
  chatFocusColor,
  chatInputBackground,
  chatInputRadius,
  chatMutedColor,
  chatOnAccentColor,
  chatSpacing,
  chatTextColor,
} from '../../styles/tokens.js';

/*
 * The composer: one rounded box holding the text box at full width and, under it, a row of tools —
 * the secondary buttons (attach, voice note, dictation, emoji: quiet icon buttons) on the start side
 * and the send button on the end side. The text gets the whole width of the panel at any size and
 * grows downwards up to 8 rem, then scrolls. A new secondary button goes into `.tools` before the
 * send button; `.tools > *` spaces it.
 */
export const styles = css`
  :host {
    display: block;
    /* The emoji picker opens above the bar, inside the panel. */
    position: relative;
  }
  .base {
    display: flex;
    flex-wrap: wrap;
    gap: 0.375rem;
    padding: calc(${chatSpacing} * 0.625);
    border-block-start: 1px solid ${chatDividerColor};
    background: ${chatInputBackground};
  }
  .box {
    flex: 1 1 100%;
    min-inline-size: 0;
    display: flex;
    flex-direction: column;
    border: 1px solid ${chatBorderColor};
    border-radius: ${chatInputRadius};
    background: transparent;
  }
  .box:has(textarea:focus-visible) {
    outline: 2px solid ${chatFocusColor};
    outline-offset: 1px;
  }
  textarea {
    display: block;
    inline-size: 100%;
    min-inline-size: 0;
    resize: none;
    /* 16px minimum so iOS Safari does not zoom the page on focus. */
    font: inherit;
    font-size: max(16px, 1rem);
    line-height: 1.4;
    max-height: 8rem;
    min-height: 2.5rem;
    padding-block: 0.625rem 0.25rem;
    padding-inline: 0.875rem;
    text-align: start;
    border: 0;
    border-radius: ${chatInputRadius} ${chatInputRadius} 0 0;
    color: inherit;
    background: transparent;
    field-sizing: content;
    overflow-wrap: anywhere;
  }
  textarea:focus-visible {
    outline: none;
  }
  textarea::placeholder {
    color: ${chatMutedColor};
    opacity: 1;
    white-space: nowrap;
    overflow: hidden;
    text-overflow: ellipsis;
  }
  .tools {
    display: flex;
    align-items: center;
    gap: 0.125rem;
    padding: 0 0.25rem 0.25rem;
  }
  .send {
    display: inline-grid;
    place-items: center;
    width: 2.25rem;
    height: 2.25rem;
    margin-inline-start: auto;
    border: 0;
    border-radius: 50%;
    background: ${chatAccentColor};
    color: ${chatOnAccentColor};
  }
  .send:disabled {
    opacity: 0.45;
    cursor: default;
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
  /* The arrow points where the text goes. */
  :host(:dir(rtl)) .send svg {
    transform: scaleX(-1);
  }
  /* The secondary buttons: quiet round icon buttons inside the box. */
  .attach,
  .emoji-toggle,
  .dismiss {
    display: inline-grid;
    place-items: center;
    width: 2.25rem;
    height: 2.25rem;
    padding: 0;
    border: 0;
    border-radius: 50%;
    background: transparent;
    color: ${chatMutedColor};
  }
  .attach:hover,
  .emoji-toggle:hover,
  .dismiss:hover,
  .emoji-toggle[aria-expanded='true'] {
    color: ${chatTextColor};
    background: color-mix(in srgb, currentColor 12%, transparent);
  }
  /* Why a picked file was refused (the chips themselves load with attachment-chips.ts), with a button to dismiss it. */
  .refusal {
    order: -1;
    flex-basis: 100%;
    display: flex;
    align-items: center;
    gap: 0.25rem;
    margin: 0;
    font-size: 0.8125rem;
    color: ${chatErrorColor};
  }
  .refusal span {
    flex: 1;
  }
  .dismiss {
    width: 1.75rem;
    height: 1.75rem;
    flex: none;
  }
  @media (forced-colors: active) {
    .refusal,
    .too-long {
      color: CanvasText;
    }
    .box:has(textarea:focus-visible) {
      outline-color: Highlight;
    }
  }
  .emoji-picker {
    position: absolute;
    z-index: 1;
    inset-block-end: calc(100% + 0.25rem);
    inset-inline-end: 0.5rem;
    max-inline-size: calc(100% - 1rem);
  }
  svg {
    width: 1.25rem;
    height: 1.25rem;
    fill: currentColor;
  }
  .dismiss svg {
    width: 1rem;
    height: 1rem;
  }
`;
