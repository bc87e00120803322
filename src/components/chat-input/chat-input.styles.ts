import { css } from 'lit';

export const styles = css`
  :host {
    display: block;
  }
  .base {
    display: flex;
    align-items: flex-end;
    gap: 0.5rem;
    padding: 0.625rem;
    border-top: 1px solid var(--amoiq-chat-border-color, #dde1e6);
    background: var(--amoiq-chat-input-background, var(--amoiq-chat-surface-color, #fff));
  }
  textarea {
    flex: 1;
    resize: none;
    /* 16px minimum so iOS Safari does not zoom the page on focus. */
    font: inherit;
    font-size: max(16px, 1rem);
    line-height: 1.4;
    max-height: 8rem;
    min-height: 2.5rem;
    padding: 0.5rem 0.75rem;
    border: 1px solid var(--amoiq-chat-border-color, #8d949e);
    border-radius: var(--amoiq-chat-input-radius, 1.25rem);
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
    background: var(--amoiq-chat-accent-color, #0088ff);
    color: var(--amoiq-chat-on-accent-color, #000);
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
