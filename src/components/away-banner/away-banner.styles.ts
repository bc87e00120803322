import { css } from 'lit';
import { awayBannerBackground, awayBannerColor, chatMutedColor, chatSpacing, chatTextColor } from '../../styles/tokens.js';

/** A quiet card at the top of the conversation: icon, message, dismiss; the e-mail field under it. */
export const styles = css`
  :host {
    display: block;
  }
  .base {
    display: grid;
    gap: 0.5rem;
    margin-block: calc(${chatSpacing} * 0.625) 0;
    margin-inline: calc(${chatSpacing} * 0.625);
    padding-block: 0.625rem;
    padding-inline: 0.75rem 0.375rem;
    border-radius: 0.75rem;
    background: ${awayBannerBackground};
    color: ${awayBannerColor};
    font-size: 0.875rem;
  }
  .head {
    display: flex;
    align-items: flex-start;
    gap: 0.5rem;
  }
  .head p {
    flex: 1;
    padding-block-start: 0.125rem;
  }
  .icon {
    flex: none;
    width: 1rem;
    height: 1rem;
    margin-block-start: 0.1875rem;
    fill: ${chatMutedColor};
  }
  p {
    margin: 0;
  }
  .dismiss {
    flex: none;
    display: inline-grid;
    place-items: center;
    width: 1.75rem;
    height: 1.75rem;
    margin-block-start: -0.25rem;
    padding: 0;
    border: 0;
    border-radius: 50%;
    background: transparent;
    color: ${chatMutedColor};
  }
  .dismiss:hover {
    color: ${chatTextColor};
    background: color-mix(in srgb, currentColor 12%, transparent);
  }
  .dismiss svg {
    width: 1rem;
    height: 1rem;
    fill: currentColor;
  }
  form,
  .confirmation {
    padding-inline: 1.5rem 0.375rem;
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
    font-size: 0.8125rem;
    margin-block-end: 0;
  }
  input {
    min-block-size: 2.25rem;
    padding-block: 0.375rem;
  }
  .submit {
    min-block-size: 2.25rem;
    padding-block: 0.375rem;
  }
  /* The control border colour is made for the surface; on the banner's tint it falls under 3:1. */
  input:not([aria-invalid='true']) {
    border-color: ${chatMutedColor};
  }
  @media (forced-colors: active) {
    .base {
      border: 1px solid CanvasText;
    }
  }
`;
