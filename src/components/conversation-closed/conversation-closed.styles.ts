import { css } from 'lit';
import { chatDividerColor, chatMutedColor, chatSpacing, chatSurfaceColor } from '../../styles/tokens.js';

export const styles = css`
  :host {
    display: block;
  }
  .base {
    display: grid;
    justify-items: center;
    gap: 0.5rem;
    padding: calc(${chatSpacing} * 0.75);
    border-block-start: 1px solid ${chatDividerColor};
    background: ${chatSurfaceColor};
    text-align: center;
  }
  p {
    margin: 0;
    font-size: 0.875rem;
    color: ${chatMutedColor};
  }
  .error:empty {
    display: none;
  }
`;
