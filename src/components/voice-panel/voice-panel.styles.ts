import { css } from 'lit';
import { chatBorderColor, chatMutedColor, chatSpacing, chatSurfaceColor } from '../../styles/tokens.js';

export const styles = css`
  :host {
    display: block;
  }
  .base {
    display: grid;
    gap: 1rem;
    padding: calc(${chatSpacing} * 0.75);
    background: ${chatSurfaceColor};
  }
  h3 {
    margin: 0;
    font-size: 1rem;
  }
  .menu,
  .call {
    display: grid;
    gap: 0.75rem;
  }
  .menu-item {
    display: flex;
    align-items: center;
    gap: 0.75rem;
    inline-size: 100%;
    padding-block: 0.75rem;
    padding-inline: 0.875rem;
    text-align: start;
    color: inherit;
    background: transparent;
    border: 1px solid ${chatBorderColor};
    border-radius: 0.75rem;
  }
  .menu-item svg {
    inline-size: 1.5rem;
    block-size: 1.5rem;
    flex: none;
    fill: currentColor;
  }
  .menu-item .label {
    display: block;
    font-weight: 600;
  }
  .menu-item .hint,
  .note {
    display: block;
    margin: 0;
    font-size: 0.8125rem;
    color: ${chatMutedColor};
  }
  .state {
    margin: 0;
    font-size: 1.125rem;
    font-weight: 600;
  }
  .detail,
  .duration {
    margin: 0;
  }
  .duration {
    font-size: 1.5rem;
  }
  .simulated {
    margin: 0;
    padding-block: 0.5rem;
    padding-inline: 0.75rem;
    border-inline-start: 4px solid ${chatBorderColor};
    font-size: 0.875rem;
  }
  .controls {
    display: flex;
    flex-wrap: wrap;
    gap: 0.5rem;
  }
  .back {
    justify-self: start;
  }
`;
