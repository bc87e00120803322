import { css } from 'lit';

/** Fields, buttons and error lines shared by the pre-chat form and the away banner. */
export const formStyles = css`
  label {
    display: block;
    font-size: 0.875rem;
    font-weight: 600;
    margin-block-end: 0.25rem;
  }
  .mark {
    color: var(--amoiq-chat-error-color, #b3261e);
    margin-inline-start: 0.125rem;
  }
  input {
    display: block;
    inline-size: 100%;
    min-block-size: 2.5rem;
    padding-block: 0.5rem;
    padding-inline: 0.75rem;
    /* 16px minimum so iOS Safari does not zoom the page on focus. */
    font: inherit;
    font-size: max(16px, 1rem);
    color: inherit;
    background: transparent;
    border: 1px solid var(--amoiq-chat-border-color, #8d949e);
    border-radius: 0.5rem;
  }
  input[aria-invalid='true'] {
    border-color: var(--amoiq-chat-error-color, #b3261e);
    border-width: 2px;
  }
  .error {
    margin-block: 0.25rem 0;
    font-size: 0.8125rem;
    color: var(--amoiq-chat-error-color, #b3261e);
  }
  .submit {
    min-block-size: 2.5rem;
    min-inline-size: 2.5rem;
    padding-block: 0.5rem;
    padding-inline: 1rem;
    border: 0;
    border-radius: 1.25rem;
    font-weight: 600;
    background: var(--amoiq-chat-accent-color, #0088ff);
    color: var(--amoiq-chat-on-accent-color, #000);
  }
  .submit[aria-disabled='true'] {
    opacity: 0.6;
    cursor: default;
  }
  @media (forced-colors: active) {
    input {
      border: 1px solid CanvasText;
    }
    input[aria-invalid='true'],
    .error {
      border-color: Mark;
    }
  }
`;
