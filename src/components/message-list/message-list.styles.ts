import { css } from 'lit';
import {
  chatAccentColor,
  chatBubbleRadius,
  chatDividerColor,
  chatErrorColor,
  chatMutedColor,
  chatOnAccentColor,
  chatSurfaceColor,
  chatTextColor,
  messageListAiColor,
  messageListAvatarSize,
  messageListBackground,
  messageListIncomingBackground,
  messageListIncomingColor,
  messageListOutgoingBackground,
  messageListOutgoingColor,
} from '../../styles/tokens.js';

/* Logical properties only: in a right-to-left page the visitor's messages sit on the left. */
export const styles = css`
  :host {
    display: flex;
    flex-direction: column;
    position: relative;
    min-block-size: 0;
    overflow: hidden;
    background: ${messageListBackground};
  }
  :host([hidden]) {
    display: none;
  }
  .base {
    position: relative;
    flex: 1 1 auto;
    min-block-size: 0;
    overflow-y: auto;
    overscroll-behavior: contain;
    /* The list keeps the visible message in place itself (windowing.ts); the browser must not too. */
    overflow-anchor: none;
    padding-block: 0.5rem;
  }
  .spacer {
    pointer-events: none;
  }
  .base:focus-visible {
    outline-offset: -2px;
  }
  .row {
    padding: 0.125rem 1rem;
  }
  .row.first {
    padding-block-start: 0.625rem;
  }
  .message {
    display: flex;
    align-items: flex-start;
    gap: 0.5rem;
    max-inline-size: 85%;
  }
  .message:not(.own, .welcome) {
    /* Later messages of a group line up with the first one, whose avatar takes this space. */
    padding-inline-start: calc(${messageListAvatarSize} + 0.5rem);
  }
  .first .message:not(.own, .welcome) {
    padding-inline-start: 0;
  }
  .own .message {
    margin-inline-start: auto;
    justify-content: flex-end;
  }
  .content {
    display: flex;
    flex-direction: column;
    align-items: flex-start;
    min-inline-size: 0;
  }
  .own .content {
    align-items: flex-end;
  }
  .avatar {
    flex: none;
    display: inline-grid;
    place-items: center;
    inline-size: ${messageListAvatarSize};
    block-size: ${messageListAvatarSize};
    border-radius: 50%;
    font-size: 0.6875rem;
    font-weight: 600;
    color: #fff;
    /* Dark enough for white initials at any hue (contrast ≥ 4.5:1). */
    background: hsl(var(--avatar-hue, 210) 55% 34%);
  }
  .avatar.ai {
    background: ${messageListAiColor};
  }
  img.avatar {
    object-fit: cover;
  }
  /* Beside an assistant's name (its messages, its greeting, its streamed answer): it is not a person. */
  .ai-label {
    display: inline-block;
    margin-inline-start: 0.25rem;
    padding: 0 0.3rem;
    border: 1px solid currentColor;
    border-radius: 0.25rem;
    font-size: 0.625rem;
    font-weight: 600;
    line-height: 1.4;
    vertical-align: middle;
  }
  .avatar svg {
    inline-size: 60%;
    block-size: 60%;
    fill: currentColor;
  }
  .sender {
    font-size: 0.75rem;
    color: ${chatMutedColor};
    margin-block-end: 0.125rem;
    margin-inline: 0.25rem;
  }
  .bubble {
    padding: 0.5rem 0.75rem;
    border-radius: ${chatBubbleRadius};
    background: ${messageListIncomingBackground};
    color: ${messageListIncomingColor};
    /* Words wrap whole; only a word longer than the line is broken (links wrap at their slashes). */
    overflow-wrap: break-word;
    line-height: 1.4;
    max-inline-size: 100%;
  }
  .own .bubble {
    background: ${messageListOutgoingBackground};
    color: ${messageListOutgoingColor};
  }
  /* Backgrounds vanish in forced colours (Windows High Contrast): the bubble keeps an edge. */
  @media (forced-colors: active) {
    .bubble {
      border: 1px solid CanvasText;
    }
  }
  /* A ring inside a bubble sits on the bubble: it takes the bubble's text colour (≥ 4.5:1 with it). */
  .bubble :focus-visible {
    outline-color: currentColor;
  }
  .bubble p,
  .bubble ul,
  .bubble ol,
  .bubble pre {
    margin: 0;
  }
  /*
   * Space between blocks. Not "* + *": a universal sibling rule makes every block inserted into a
   * bubble restyle all of the bubble (a streamed answer's whole text at each render).
   */
  .bubble > :not(:first-child) {
    margin-block-start: 0.5em;
  }
  .bubble ul,
  .bubble ol {
    padding-inline-start: 1.25em;
  }
  .bubble code {
    font-family: ui-monospace, SFMono-Regular, Menlo, Consolas, monospace;
    font-size: 0.875em;
    padding: 0 0.2em;
    border-radius: 0.25rem;
    background: rgb(0 0 0 / 0.08);
  }
  .bubble pre {
    padding: 0.5em;
    border-radius: 0.375rem;
    background: rgb(0 0 0 / 0.08);
    overflow-x: auto;
    white-space: pre;
  }
  .bubble pre code {
    padding: 0;
    background: none;
  }
  .bubble a {
    color: inherit;
    text-decoration: underline;
  }
  .meta {
    display: flex;
    gap: 0.5rem;
    align-items: center;
    font-size: 0.75rem;
    color: ${chatMutedColor};
    margin-block-start: 0.125rem;
    margin-inline: 0.25rem;
  }
  /* A message inside a sender-and-minute run: its time is for screen readers only (the run's last shows it). */
  .meta.quiet {
    margin-block-start: 0;
  }
  .meta.quiet:not(:has(> :not(.visually-hidden))) {
    display: block;
    block-size: 0;
  }
  /* The empty panel's team card: who answers and how fast, above the greeting. */
  .team {
    display: grid;
    justify-items: center;
    gap: 0.25rem;
    padding-block: 1rem 0.75rem;
    text-align: center;
  }
  .team p {
    margin: 0;
  }
  .team-avatars {
    display: flex;
    margin-block-end: 0.25rem;
  }
  .team-avatar {
    display: inline-grid;
    place-items: center;
    inline-size: 2.5rem;
    block-size: 2.5rem;
    border-radius: 50%;
    border: 2px solid ${messageListBackground};
    font-size: 0.875rem;
    font-weight: 600;
    color: #fff;
    /* Darker than the senders' avatars: white initials at ≥ 4.5:1 for every hue, yellow-green included. */
    background: hsl(var(--avatar-hue, 210) 55% 28%);
    object-fit: cover;
  }
  .team-avatar + .team-avatar {
    margin-inline-start: -0.625rem;
  }
  .team-name {
    font-weight: 600;
  }
  .reply-time {
    font-size: 0.8125rem;
    color: ${chatMutedColor};
  }
  .greeting {
    font-size: 1rem;
  }
  .failed {
    color: ${chatErrorColor};
  }
  .status.read {
    display: inline-flex;
    align-items: center;
    gap: 0.125rem;
    font-weight: 600;
  }
  .read-icon {
    inline-size: 1rem;
    block-size: 1rem;
    fill: currentColor;
  }
  .retry,
  .quick-reply,
  .pill {
    min-block-size: 1.5rem;
    min-inline-size: 1.5rem;
    border-radius: 1rem;
  }
  .retry {
    border: 1px solid currentColor;
    background: transparent;
    color: ${chatErrorColor};
    padding: 0.125rem 0.625rem;
  }
  .date-separator {
    display: flex;
    align-items: center;
    gap: 0.75rem;
    padding-block: 0.75rem 0.25rem;
    font-size: 0.75rem;
    color: ${chatMutedColor};
  }
  .date-separator::before,
  .date-separator::after {
    content: '';
    flex: 1;
    border-block-start: 1px solid ${chatDividerColor};
  }
  .notice {
    margin-inline: auto;
    max-inline-size: 90%;
    padding-block: 0.375rem;
    text-align: center;
    font-size: 0.8125rem;
    font-style: italic;
    color: ${chatMutedColor};
  }
  .notice time {
    font-style: normal;
    font-size: 0.75rem;
  }
  .quick-replies {
    display: flex;
    flex-wrap: wrap;
    gap: 0.375rem;
    margin-block-start: 0.5rem;
  }
  .quick-reply {
    border: 1px solid ${chatAccentColor};
    background: ${chatSurfaceColor};
    color: ${chatTextColor};
    padding: 0.25rem 0.75rem;
  }
  .quick-reply:hover {
    background: ${messageListIncomingBackground};
  }
  .loading {
    position: absolute;
    inset-block-start: 0.5rem;
    inset-inline: 0;
    margin-inline: auto;
    inline-size: max-content;
    display: flex;
    align-items: center;
    gap: 0.5rem;
    padding: 0.25rem 0.75rem;
    border-radius: 1rem;
    font-size: 0.75rem;
    color: ${chatMutedColor};
    background: ${chatSurfaceColor};
    box-shadow: 0 1px 4px rgb(0 0 0 / 0.15);
  }
  .spinner {
    inline-size: 0.75rem;
    block-size: 0.75rem;
    border: 2px solid currentColor;
    border-inline-end-color: transparent;
    border-radius: 50%;
    animation: amoiq-spin 0.8s linear infinite;
  }
  .pill {
    position: absolute;
    inset-block-end: 2.25rem;
    inset-inline: 0;
    margin-inline: auto;
    inline-size: max-content;
    display: flex;
    align-items: center;
    gap: 0.375rem;
    border: 0;
    padding: 0.375rem 0.875rem;
    font-size: 0.8125rem;
    background: ${chatAccentColor};
    color: ${chatOnAccentColor};
    box-shadow: 0 2px 8px rgb(0 0 0 / 0.2);
  }
  .typing {
    flex: none;
    display: flex;
    align-items: center;
    gap: 0.375rem;
    min-block-size: 1.5rem;
    padding-inline: 1rem;
    font-size: 0.8125rem;
    color: ${chatMutedColor};
  }
  .dots {
    display: inline-flex;
    gap: 0.1875rem;
  }
  .dots span {
    inline-size: 0.375rem;
    block-size: 0.375rem;
    border-radius: 50%;
    background: currentColor;
    animation: amoiq-bounce 1.2s infinite ease-in-out;
  }
  .dots span:nth-child(2) {
    animation-delay: 0.15s;
  }
  .dots span:nth-child(3) {
    animation-delay: 0.3s;
  }
  @keyframes amoiq-bounce {
    0%,
    60%,
    100% {
      opacity: 0.3;
      transform: translateY(0);
    }
    30% {
      opacity: 1;
      transform: translateY(-0.1875rem);
    }
  }
  @keyframes amoiq-spin {
    to {
      transform: rotate(1turn);
    }
  }
`;
