import { css } from 'lit';
import {
  chatLauncherBackground,
  chatBadgeBackground,
  chatBadgeColor,
  chatFontSize,
  chatLauncherShadow,
  chatLauncherSize,
  chatOffset,
  chatOnAccentColor,
  chatSurfaceColor,
  chatZIndex,
} from '../../styles/tokens.js';

/**
 * `<amoiq-chat>` as a page shows it before any interest: its position, the launcher and the
 * badge. The panel's frame is chat-panel.styles.ts, loaded with the rest of the chat.
 */
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
  .panel[hidden] {
    display: none;
  }
  .launcher {
    position: relative;
    display: inline-grid;
    place-items: center;
    width: ${chatLauncherSize};
    height: ${chatLauncherSize};
    border: 0;
    border-radius: 50%;
    background: ${chatLauncherBackground};
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
  /* The full-screen panel has its own close button; the launcher would cover the message box. */
  @media (max-width: 480px), (max-height: 480px) {
    :host([open]) .launcher {
      display: none;
    }
  }
`;
