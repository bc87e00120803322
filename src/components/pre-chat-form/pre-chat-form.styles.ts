import { css } from 'lit';

export const styles = css`
  :host {
    display: block;
  }
  .base {
    display: grid;
    gap: 0.75rem;
    padding: calc(var(--amoiq-chat-spacing, 1rem) * 0.75);
    border-block-start: 1px solid var(--amoiq-chat-border-color, #dde1e6);
    background: var(--amoiq-pre-chat-form-background, var(--amoiq-chat-surface-color, #fff));
  }
  h3 {
    margin: 0;
    font-size: 1rem;
  }
  .intro {
    margin: 0;
    font-size: 0.875rem;
    color: var(--amoiq-chat-muted-color, #555);
  }
  .submit {
    justify-self: end;
  }
`;
