import { css } from 'lit';

export const styles = css`
  :host {
    display: block;
  }
  .base {
    display: grid;
    gap: 0.5rem;
    padding-block: 0.625rem;
    padding-inline: calc(var(--amoiq-chat-spacing, 1rem) * 0.75);
    border-block-end: 1px solid var(--amoiq-chat-border-color, #dde1e6);
    background: var(--amoiq-away-banner-background, #fff8e1);
    color: var(--amoiq-away-banner-color, var(--amoiq-chat-text-color, #1a1a1a));
    font-size: 0.875rem;
  }
  p {
    margin: 0;
  }
  form {
    display: grid;
    grid-template-columns: 1fr auto;
    gap: 0.25rem 0.5rem;
    align-items: end;
  }
  label,
  .error {
    grid-column: 1 / -1;
  }
  label {
    font-weight: 600;
  }
  @media (forced-colors: active) {
    .base {
      border: 1px solid CanvasText;
    }
  }
`;
