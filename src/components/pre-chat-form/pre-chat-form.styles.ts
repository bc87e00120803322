import { css } from 'lit';
import { chatDividerColor, chatMutedColor, chatSpacing, preChatFormBackground } from '../../styles/tokens.js';

export const styles = css`
  :host {
    display: block;
  }
  .base {
    display: grid;
    gap: 0.75rem;
    padding: calc(${chatSpacing} * 0.75);
    border-block-start: 1px solid ${chatDividerColor};
    background: ${preChatFormBackground};
  }
  h3 {
    margin: 0;
    font-size: 1rem;
  }
  .intro {
    margin: 0;
    font-size: 0.875rem;
    color: ${chatMutedColor};
  }
  .submit {
    justify-self: end;
  }
`;
