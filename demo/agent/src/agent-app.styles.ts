import { css } from 'lit';

/** The styles of `<amoiq-agent-app>`: login, top bar, the list, and the panes (two, three, or one on a narrow screen). */
export const agentAppStyles = css`
  :host { display: block; height: 100vh; }
  .login { max-width: 320px; margin: 10vh auto; padding: 24px; background: #fff; border-radius: 12px; border: 1px solid #d7dde3; display: grid; gap: 12px; }
  .login h1 { margin: 0; font-size: 1.25rem; }
  label { display: grid; gap: 4px; font-size: 0.9rem; }
  input { font: inherit; padding: 8px; border: 1px solid #8c959f; border-radius: 6px; }
  button { font: inherit; padding: 8px 16px; border: 0; border-radius: 6px; background: #0b5cad; color: #fff; cursor: pointer; }
  button.link { background: none; color: #0b5cad; padding: 4px 8px; }
  .error { color: #a40e26; margin: 0; }
  .check { display: flex; align-items: center; gap: 8px; }
  .shell { display: grid; grid-template-rows: auto minmax(0, 1fr); height: 100%; }
  .bar { display: flex; align-items: center; gap: 4px 12px; padding: 8px 16px; background: #1b1f24; color: #fff; min-inline-size: 0; }
  .bar h1 { font-size: 1rem; margin: 0; flex: 1; min-inline-size: 0; overflow: hidden; text-overflow: ellipsis; white-space: nowrap; }
  .bar > :not(h1) { flex: none; white-space: nowrap; }
  .status { font-size: 0.8rem; padding: 2px 8px; border-radius: 999px; background: #57606a; }
  .status.online { background: #1a7f37; }
  .status.connecting { background: #9a6700; }
  .bar button.link { color: #fff; }
  /* Two panes (list, conversation) with the visitor above the conversation; a third column for the visitor on wide screens; one pane at a time on narrow ones. */
  .main { display: grid; grid-template-columns: 300px minmax(0, 1fr); grid-template-rows: auto minmax(0, 1fr); grid-template-areas: 'nav visitor' 'nav conv'; min-height: 0; }
  .main > nav { grid-area: nav; }
  .main > .visitor-pane { grid-area: visitor; border-block-end: 1px solid #d7dde3; }
  .main > main { grid-area: conv; min-height: 0; display: flex; flex-direction: column; }
  .main > main > amoiq-agent-conversation { flex: 1 1 0; min-block-size: 0; }
  .back { display: none; }
  @media (min-width: 1100px) {
    .main { grid-template-columns: 320px minmax(0, 1fr) 280px; grid-template-rows: minmax(0, 1fr); grid-template-areas: 'nav conv visitor'; }
    .main > .visitor-pane { border-block-end: 0; border-inline-start: 1px solid #d7dde3; overflow-y: auto; background: #fff; }
  }
  @media (max-width: 700px) {
    .bar { padding: 6px 8px; gap: 4px 8px; }
    .bar button.link { padding: 4px 6px; }
    .main { grid-template-columns: minmax(0, 1fr); grid-template-rows: minmax(0, 1fr); grid-template-areas: 'nav'; }
    .main[data-pane='conversation'] { grid-template-rows: auto auto minmax(0, 1fr); grid-template-areas: 'back' 'visitor' 'conv'; }
    .main[data-pane='list'] > :not(nav), .main[data-pane='conversation'] > nav { display: none; }
    .main[data-pane='conversation'] > .back { display: block; grid-area: back; justify-self: start; margin: 4px 8px; }
    nav { border-inline-end: 0; }
  }
  nav { border-inline-end: 1px solid #d7dde3; overflow-y: auto; background: #fff; }
  .search { display: flex; gap: 4px; margin: 12px 16px 8px; }
  .search input { flex: 1; min-inline-size: 0; padding: 6px 8px; }
  .search-status { margin: 0 16px 8px; font-size: 0.8rem; color: #57606a; }
  .sub { color: #57606a; font-size: 0.75rem; overflow: hidden; text-overflow: ellipsis; white-space: nowrap; }
  dialog { max-inline-size: min(32rem, calc(100vw - 32px)); border: 1px solid #8c959f; border-radius: 12px; padding: 16px 20px; }
  dialog::backdrop { background: rgb(0 0 0 / 0.4); }
  dialog h2 { margin: 0 0 8px; font-size: 1.1rem; }
  dialog table { border-collapse: collapse; inline-size: 100%; font-size: 0.9rem; }
  dialog th, dialog td { text-align: start; padding: 4px 8px; border-block-end: 1px solid #eef1f4; vertical-align: top; }
  kbd { font-family: ui-monospace, monospace; font-size: 0.85em; padding: 0 4px; border: 1px solid #8c959f; border-radius: 4px; background: #f4f6f8; white-space: nowrap; }
  dialog .close { margin-block-start: 12px; }
  nav h2 { font-size: 0.8rem; text-transform: uppercase; color: #57606a; margin: 12px 16px; }
  ul { list-style: none; margin: 0; padding: 0; }
  li button { all: unset; box-sizing: border-box; display: grid; grid-template-columns: minmax(0, 1fr); gap: 2px; width: 100%; padding: 10px 16px; cursor: pointer; border-bottom: 1px solid #eef1f4; }
  li button:focus-visible { outline: 2px solid #0b5cad; outline-offset: -2px; }
  li button[aria-current='true'] { background: #ddf4ff; }
  .row { display: flex; justify-content: space-between; align-items: baseline; gap: 8px; font-weight: 600; }
  .row > span { min-inline-size: 0; display: flex; align-items: baseline; }
  .row bdi { min-inline-size: 0; overflow: hidden; text-overflow: ellipsis; white-space: nowrap; }
  .row .state, .row .count, .row .relinked-badge { flex: none; white-space: nowrap; }
  .row time { flex: none; white-space: nowrap; font-weight: 400; font-size: 0.8rem; color: #57606a; }
  .count { display: inline-block; min-inline-size: 1.5em; padding: 0 6px; border-radius: 999px; background: #0b5cad; color: #fff; font-size: 0.75rem; text-align: center; margin-inline-start: 6px; }
  .unread:not(:has(.count))::after { flex: none; content: ''; display: inline-block; inline-size: 8px; block-size: 8px; border-radius: 50%; background: #0b5cad; margin-inline-start: 6px; }
  .state { font-size: 0.7rem; font-weight: 400; padding: 0 6px; border: 1px solid currentColor; border-radius: 999px; color: #57606a; margin-inline-start: 6px; }
  @media (forced-colors: active) {
    .count, .unread::after { border: 1px solid CanvasText; }
    li button[aria-current='true'] { outline: 2px solid Highlight; }
  }
  .preview { color: #57606a; font-size: 0.85rem; overflow: hidden; text-overflow: ellipsis; white-space: nowrap; }
  .empty { padding: 16px; color: #57606a; }
  .filters { display: flex; flex-wrap: wrap; gap: 4px; margin: 0 16px 8px; }
  .filters button { padding: 2px 10px; min-block-size: 28px; font-size: 0.8rem; background: #fff; color: #0b5cad; border: 1px solid #0b5cad; }
  .filters button[aria-pressed='true'] { background: #0b5cad; color: #fff; }
  .more { display: block; margin: 12px auto; }
  .relinked-badge { font-size: 0.7rem; font-weight: 400; padding: 0 6px; border: 1px solid #9a6700; border-radius: 999px; color: #6b4700; margin-inline-start: 6px; }
  .visually-hidden { position: absolute; width: 1px; height: 1px; overflow: hidden; clip: rect(0 0 0 0); white-space: nowrap; }
`;
