import { css } from 'lit';
import { awayBannerBackground, awayBannerColor, chatDividerColor, chatMutedColor, chatSpacing } from '../../styles/tokens.js';

export const styles = css`
  :host {
    display: block;
  }
  .base {
    display: grid;
    gap: 0.5rem;
    padding-block: 0.625rem;
    padding-inline: calc(${chatSpacing} * 0.75);
    border-block-end: 1px solid ${chatDividerColor};
    background: ${awayBannerBackground};
    color: ${awayBannerColor};
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
