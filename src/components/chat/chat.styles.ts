import { css, unsafeCSS } from 'lit';

/** The offset from one viewport edge, plus the device's safe area (notches, home indicators). */
const edge = (side: 'top' | 'right' | 'bottom' | 'left') =>
  unsafeCSS(`calc(var(--amoiq-chat-offset, 1.25rem) + env(safe-area-inset-${side}, 0px))`);

/** The dark colour scheme, as the public custom properties the components read. */
const darkTokens = unsafeCSS(`
  color-scheme: dark;
  --amoiq-chat-surface-color: #1f2125;
  --amoiq-chat-text-color: #e8eaed;
  --amoiq-chat-muted-color: #b4b9c0;
  --amoiq-chat-border-color: #80868e;
  --amoiq-chat-error-color: #f2b8b5;
  --amoiq-chat-input-background: #1f2125;
  --amoiq-message-list-background: #1f2125;
  --amoiq-message-list-incoming-background: #33363b;
  --amoiq-message-list-incoming-color: #e8eaed;
  --amoiq-away-banner-background: #3b3424;
`);

export const styles = css`
  :host {
    position: fixed;
    z-index: var(--amoiq-chat-z-index, 2147483000);
    inset: auto ${edge('right')} ${edge('bottom')} auto;
    font-size: var(--amoiq-chat-font-size, 1rem);
    line-height: 1.4;
  }
  /* Position is physical (where the site owner put it); only the inside mirrors for RTL. */
  :host([position='bottom-left']) {
    inset: auto auto ${edge('bottom')} ${edge('left')};
  }
  :host([position='top-right']) {
    inset: ${edge('top')} ${edge('right')} auto auto;
  }
  :host([position='top-left']) {
    inset: ${edge('top')} auto auto ${edge('left')};
  }
  /* Dark tokens sit on :host, so values the page sets on amoiq-chat still win. */
  :host([theme='dark']) {
    ${darkTokens}
  }
  @media (prefers-color-scheme: dark) {
    :host([theme='auto']) {
      ${darkTokens}
    }
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
    grid-template-rows: auto auto minmax(0, 1fr) auto;
    grid-template-columns: minmax(0, 1fr);
    width: var(--amoiq-chat-width, 350px);
    height: var(--amoiq-chat-height, 550px);
    max-width: calc(100vw - 2 * var(--amoiq-chat-offset, 1.25rem));
    max-height: calc(100dvh - 6rem);
    overflow: hidden;
    border-radius: var(--amoiq-chat-radius, 1rem);
    background: var(--amoiq-chat-surface-color, #fff);
    color: var(--amoiq-chat-text-color, #1a1a1a);
    box-shadow: var(--amoiq-chat-shadow, 0 12px 40px rgb(0 0 0 / 0.22));
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
    border: 3px dashed var(--amoiq-chat-accent-color, #0088ff);
    border-radius: calc(var(--amoiq-chat-radius, 1rem) - 0.25rem);
    background: var(--amoiq-chat-surface-color, #fff);
    color: var(--amoiq-chat-text-color, #1a1a1a);
    font-weight: 600;
    text-align: center;
    pointer-events: none;
  }
  @media (forced-colors: active) {
    .drop-zone {
      border-color: Highlight;
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
    width: var(--amoiq-chat-launcher-size, 3.5rem);
    height: var(--amoiq-chat-launcher-size, 3.5rem);
    border: 0;
    border-radius: 50%;
    background: var(--amoiq-chat-accent-color, #0088ff);
    color: var(--amoiq-chat-on-accent-color, #000);
    box-shadow: var(--amoiq-chat-shadow, 0 6px 20px rgb(0 0 0 / 0.25));
    transition: transform 120ms ease;
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
    border: 2px solid var(--amoiq-chat-surface-color, #fff);
    background: var(--amoiq-chat-badge-background, #d93025);
    color: var(--amoiq-chat-badge-color, #fff);
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
