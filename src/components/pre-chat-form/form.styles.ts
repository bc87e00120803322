import { css } from 'lit';
import { chatAccentColor, chatBorderColor, chatErrorColor, chatOnAccentColor } from '../../styles/tokens.js';

/**
 * Fields, buttons and error lines shared by the pre-chat form, the away banner, the phone form
 * and the closed bar's forms (rating, transcript e-mail).
 */
export const formStyles = css`
  label {
    display: block;
    font-size: 0.875rem;
    font-weight: 600;
    margin-block-end: 0.25rem;
  }
  .mark {
    color: ${chatErrorColor};
    margin-inline-start: 0.125rem;
  }
  /*
   * Text fields: the family of the text around them, but normal weight (a field inside a bold
   * label does not inherit the bold) and at least 16px, so iOS Safari does not zoom the page on
   * focus. (The feedback comment, in the message list, repeats this in its own rule.)
   */
  input,
  textarea {
    font: inherit;
    font-weight: 400;
    font-size: max(16px, 1rem);
    color: inherit;
    background: transparent;
    border: 1px solid ${chatBorderColor};
    border-radius: 0.5rem;
  }
  input {
    display: block;
    inline-size: 100%;
    min-block-size: 2.5rem;
    padding-block: 0.5rem;
    padding-inline: 0.75rem;
  }
  textarea {
    padding-block: 0.375rem;
    padding-inline: 0.75rem;
    resize: vertical;
  }
  input[aria-invalid='true'] {
    border-color: ${chatErrorColor};
    border-width: 2px;
  }
  .error {
    margin-block: 0.25rem 0;
    font-size: 0.8125rem;
    color: ${chatErrorColor};
  }
  .submit {
    min-block-size: 2.5rem;
    min-inline-size: 2.5rem;
    padding-block: 0.5rem;
    padding-inline: 1rem;
    border: 0;
    border-radius: 1.25rem;
    font-weight: 600;
    background: ${chatAccentColor};
    color: ${chatOnAccentColor};
  }
  .submit[aria-disabled='true'] {
    opacity: 0.6;
    cursor: default;
  }
  @media (forced-colors: active) {
    input,
    textarea {
      border: 1px solid CanvasText;
    }
    input[aria-invalid='true'],
    .error {
      border-color: Mark;
    }
  }
`;
