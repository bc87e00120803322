import { css } from 'lit';

export const styles = css`
  :host {
    display: block;
  }
  .base {
    display: grid;
    justify-items: center;
    gap: 0.5rem;
    padding: calc(var(--amoiq-chat-spacing, 1rem) * 0.75);
    border-block-start: 1px solid var(--amoiq-chat-border-color, #dde1e6);
    background: var(--amoiq-chat-surface-color, #fff);
    text-align: center;
  }
  p {
    margin: 0;
    font-size: 0.875rem;
    color: var(--amoiq-chat-muted-color, #555);
  }
`;
