import { css } from 'lit';
import { chatHeaderBackground, chatHeaderColor, chatSpacing } from '../../styles/tokens.js';

export const styles = css`
  :host {
    display: block;
  }
  .base {
    display: flex;
    align-items: center;
    gap: 0.75rem;
    padding-block: calc(${chatSpacing} * 0.75);
    padding-inline: ${chatSpacing} calc(${chatSpacing} * 0.75);
    background: ${chatHeaderBackground};
    color: ${chatHeaderColor};
  }
  .titles {
    flex: 1;
    min-inline-size: 0;
  }
  h2 {
    margin: 0;
    font-size: 1rem;
    font-weight: 600;
    overflow: hidden;
    text-overflow: ellipsis;
    white-space: nowrap;
  }
  .status {
    display: flex;
    align-items: center;
    gap: 0.375rem;
    font-size: 0.8125rem;
    margin-block-start: 0.125rem;
  }
  .dot {
    width: 0.5rem;
    height: 0.5rem;
    border-radius: 50%;
    background: #9aa0a6;
    border: 1px solid currentColor;
  }
  .dot.online {
    background: #1e8e3e;
  }
  .dot.connecting {
    background: #f9ab00;
  }
  /* Away: a hollow ring, not the amber of "connecting" — nobody is there, and nothing is wrong. */
  .dot.away {
    background: transparent;
  }
  .close {
    display: inline-grid;
    place-items: center;
    width: 2.25rem;
    height: 2.25rem;
    border: 0;
    border-radius: 50%;
    background: transparent;
    color: inherit;
  }
  .close:hover {
    background: rgb(0 0 0 / 0.12);
  }
  .close:focus-visible {
    outline-color: currentColor;
  }
  .voice.mode-voice {
    width: auto;
    min-width: 2.25rem;
    border-radius: 1.125rem;
    padding-inline: 0.5rem;
    display: inline-flex;
    gap: 0.25rem;
    align-items: center;
    background: rgb(0 0 0 / 0.18);
  }
  .voice[aria-pressed='true'] {
    background: rgb(0 0 0 / 0.24);
  }
  .on-call {
    font-size: 0.75rem;
    white-space: nowrap;
  }
  svg {
    width: 1.25rem;
    height: 1.25rem;
    fill: currentColor;
  }
`;
