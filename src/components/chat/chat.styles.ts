import { css } from 'lit';
import {
  chatAccentColor,
  chatBadgeBackground,
  chatBadgeColor,
  chatFontSize,
  chatHeight,
  chatLauncherShadow,
  chatLauncherSize,
  chatOffset,
  chatOnAccentColor,
  chatRadius,
  chatShadow,
  chatSurfaceColor,
  chatTextColor,
  chatWidth,
  chatZIndex,
} from '../../styles/tokens.js';

export const styles = css`
  :host {
    position: fixed;
    z-index: ${chatZIndex};
    /* The offset from each viewport edge, plus the device's safe area (notches, home indicators). */
    inset: auto calc(${chatOffset} + env(safe-area-inset-right, 0px)) calc(${chatOffset} + env(safe-area-inset-bottom, 0px)) auto;
    font-size: ${chatFontSize};
    line-height: 1.4;
  }
  /* Position is physical (where the site owner put it); only the inside mirrors for RTL. */
  :host([position='bottom-left']) {
    inset: auto auto calc(${chatOffset} + env(safe-area-inset-bottom, 0px)) calc(${chatOffset} + env(safe-area-inset-left, 0px));
  }
  :host([position='top-right']) {
    inset: calc(${chatOffset} + env(safe-area-inset-top, 0px)) calc(${chatOffset} + env(safe-area-inset-right, 0px)) auto auto;
  }
  :host([position='top-left']) {
    inset: calc(${chatOffset} + env(safe-area-inset-top, 0px)) auto auto calc(${chatOffset} + env(safe-area-inset-left, 0px));
  }
  .base {
    display: flex;
    flex-direction: column;
    align-items: flex-end;
    gap: 0.75rem;
  }
  .base.left,
  .base[dir='rtl'].right {
    align-items: flex-start;
  }
  .base[dir='rtl'].left {
    align-items: flex-end;
  }
  .base.top {
    flex-direction: column-reverse;
  }
  .panel {
    display: grid;
    /* header, away banner (when shown), message list, message box (or form, or closed bar) */
    grid-template-rows: auto auto minmax(6rem, 1fr) auto;
    grid-template-columns: minmax(0, 1fr);
    width: ${chatWidth};
    height: ${chatHeight};
    max-width: calc(100vw - 2 * ${chatOffset});
    max-height: calc(100dvh - 6rem);
    /*
     * Zoomed in (200 %, 400 %) the header, a banner and a form can be taller than the panel: the
     * panel then scrolls as a whole, keeping a few lines of the conversation.
     */
    overflow: hidden auto;
    overscroll-behavior: contain;
    border-radius: ${chatRadius};
    background: ${chatSurfaceColor};
    color: ${chatTextColor};
    box-shadow: ${chatShadow};
    animation: amoiq-chat-open 160ms ease-out;
  }
  .panel[hidden] {
    display: none;
  }
  .panel > amoiq-chat-header {
    grid-row: 1;
  }
  .panel > amoiq-away-banner {
    grid-row: 2;
  }
  .panel > amoiq-message-list {
    grid-row: 3;
  }
  .panel > amoiq-chat-input,
  .panel > amoiq-pre-chat-form,
  .panel > amoiq-conversation-closed {
    grid-row: 4;
  }
  /* [attachments] Over all rows of the panel grid while files are dragged onto it. */
  .drop-zone {
    grid-row: 1 / -1;
    grid-column: 1;
    z-index: 1;
    display: grid;
    place-items: center;
    margin: 0.5rem;
    padding: 1rem;
    border: 3px dashed ${chatAccentColor};
    border-radius: calc(${chatRadius} - 0.25rem);
    background: ${chatSurfaceColor};
    color: ${chatTextColor};
    font-weight: 600;
    text-align: center;
    pointer-events: none;
  }
  @media (forced-colors: active) {
    .drop-zone {
      border-color: Highlight;
    }
    /* The shadow that sets the panel off the page is gone in forced colours: an edge instead. */
    .panel {
      border: 1px solid CanvasText;
    }
  }
  @keyframes amoiq-chat-open {
    from {
      opacity: 0;
      transform: translateY(0.5rem);
    }
  }
  .launcher {
    position: relative;
    display: inline-grid;
    place-items: center;
    width: ${chatLauncherSize};
    height: ${chatLauncherSize};
    border: 0;
    border-radius: 50%;
    background: ${chatAccentColor};
    color: ${chatOnAccentColor};
    box-shadow: ${chatLauncherShadow};
    transition: transform 120ms ease;
  }
  /*
   * The page around the launcher can be any colour: its ring is drawn inside, on the accent, in
   * the colour picked to read on the accent.
   */
  .launcher:focus-visible {
    outline: 3px solid ${chatOnAccentColor};
    outline-offset: -6px;
  }
  .launcher:hover {
    transform: scale(1.05);
  }
  .launcher svg {
    width: 1.75rem;
    height: 1.75rem;
    fill: currentColor;
  }
  .badge {
    position: absolute;
    inset-block-start: -0.25rem;
    inset-inline-end: -0.25rem;
    min-inline-size: 1.375rem;
    block-size: 1.375rem;
    padding-inline: 0.3rem;
    border-radius: 0.6875rem;
    border: 2px solid ${chatSurfaceColor};
    background: ${chatBadgeBackground};
    color: ${chatBadgeColor};
    font-size: 0.75rem;
    font-weight: 700;
    line-height: 1.125rem;
    text-align: center;
  }
  @media (max-width: 480px) {
    .panel {
      position: fixed;
      inset: 0;
      width: 100vw;
      height: 100dvh;
      max-width: none;
      max-height: none;
      border-radius: 0;
      padding: env(safe-area-inset-top, 0px) env(safe-area-inset-right, 0px) env(safe-area-inset-bottom, 0px)
        env(safe-area-inset-left, 0px);
    }
    /* The full-screen panel has its own close button; the launcher would cover the message box. */
    :host([open]) .launcher {
      display: none;
    }
  }
`;
