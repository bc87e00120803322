import { css } from 'lit';

export const styles = css`
  :host {
    display: block;
    min-height: 0;
    overflow: hidden;
  }
  .base {
    height: 100%;
    overflow-y: auto;
    overscroll-behavior: contain;
    padding: 1rem;
    background: var(--amoiq-message-list-background, var(--amoiq-chat-surface-color, #fff));
  }
  ol {
    list-style: none;
    margin: 0;
    padding: 0;
    display: flex;
    flex-direction: column;
    gap: 0.5rem;
  }
  .message {
    display: flex;
    flex-direction: column;
    align-items: flex-start;
    max-width: 85%;
  }
  .message.own {
    align-self: flex-end;
    align-items: flex-end;
  }
  .sender {
    font-size: 0.75rem;
    color: var(--amoiq-chat-muted-color, #555);
    margin: 0 0.25rem 0.125rem;
  }
  .bubble {
    padding: 0.5rem 0.75rem;
    border-radius: var(--amoiq-chat-bubble-radius, 1rem);
    background: var(--amoiq-message-list-incoming-background, #eef1f4);
    color: var(--amoiq-message-list-incoming-color, #1a1a1a);
    white-space: pre-wrap;
    overflow-wrap: anywhere;
    line-height: 1.4;
  }
  .own .bubble {
    background: var(--amoiq-message-list-outgoing-background, var(--amoiq-chat-accent-color, #0088ff));
    color: var(--amoiq-message-list-outgoing-color, var(--amoiq-chat-on-accent-color, #000));
  }
  .system .bubble {
    background: transparent;
    font-style: italic;
    color: var(--amoiq-chat-muted-color, #555);
  }
  .meta {
    display: flex;
    gap: 0.5rem;
    align-items: center;
    font-size: 0.75rem;
    color: var(--amoiq-chat-muted-color, #555);
    margin: 0.125rem 0.25rem 0;
  }
  .failed {
    color: var(--amoiq-chat-error-color, #b3261e);
  }
  .retry {
    border: 1px solid currentColor;
    border-radius: 1rem;
    background: transparent;
    color: inherit;
    padding: 0.125rem 0.625rem;
    min-height: 1.5rem;
  }
  .typing {
    min-height: 1.25rem;
    font-size: 0.8125rem;
    color: var(--amoiq-chat-muted-color, #555);
    margin-top: 0.5rem;
  }
`;
