import { css } from 'lit';

export const styles = css`
  :host {
    position: fixed;
    z-index: var(--amoiq-chat-z-index, 2147483000);
    inset: auto var(--amoiq-chat-offset, 1.25rem) var(--amoiq-chat-offset, 1.25rem) auto;
    font-size: 1rem;
    line-height: 1.4;
  }
  :host([position='bottom-left']) {
    inset: auto auto var(--amoiq-chat-offset, 1.25rem) var(--amoiq-chat-offset, 1.25rem);
  }
  :host([position='top-right']) {
    inset: var(--amoiq-chat-offset, 1.25rem) var(--amoiq-chat-offset, 1.25rem) auto auto;
  }
  :host([position='top-left']) {
    inset: var(--amoiq-chat-offset, 1.25rem) auto auto var(--amoiq-chat-offset, 1.25rem);
  }
  .base {
    display: flex;
    flex-direction: column;
    align-items: flex-end;
    gap: 0.75rem;
  }
  .base.left {
    align-items: flex-start;
  }
  .base.top {
    flex-direction: column-reverse;
  }
  .panel {
    display: grid;
    grid-template-rows: auto 1fr auto;
    width: var(--amoiq-chat-width, 350px);
    height: var(--amoiq-chat-height, 550px);
    max-width: calc(100vw - 2 * var(--amoiq-chat-offset, 1.25rem));
    max-height: calc(100vh - 6rem);
    overflow: hidden;
    border-radius: var(--amoiq-chat-radius, 1rem);
    background: var(--amoiq-chat-surface-color, #fff);
    box-shadow: var(--amoiq-chat-shadow, 0 12px 40px rgb(0 0 0 / 0.22));
  }
  .panel[hidden] {
    display: none;
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
  @media (max-width: 480px) {
    .panel {
      position: fixed;
      inset: 0;
      width: 100vw;
      height: 100dvh;
      max-width: none;
      max-height: none;
      border-radius: 0;
    }
  }
`;
