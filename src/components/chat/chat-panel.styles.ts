import { css } from 'lit';
import {
  chatBrandColor,
  chatHeight,
  chatOffset,
  chatRadius,
  chatShadow,
  chatSurfaceColor,
  chatTextColor,
  chatWidth,
} from '../../styles/tokens.js';

/**
 * The panel's frame: its grid of parts, size, shadow, the drop zone, full screen on a narrow
 * viewport. Part of the lazily loaded chat (chat-runtime.ts adopts it into `<amoiq-chat>`'s
 * shadow root when it arrives), since only an open panel needs it; the launcher's styles are
 * chat.styles.ts.
 */
export const panelStyles = css`
  .panel {
    display: grid;
    /*
     * One row for each part, in the order they stand in the DOM: header, voice panel, away banner,
     * assistant / queue banner (each only when shown: an empty auto row takes no space), message
     * list, message box (or pre-chat form, or closed bar). Every part has its row, so no
     * combination of banners puts one in an implicit row under the message box.
     */
    grid-template-rows: [header] auto [voice] auto [away] auto [assistant] auto [list] minmax(6rem, 1fr) [composer] auto;
    grid-template-columns: minmax(0, 1fr);
    width: ${chatWidth};
    height: ${chatHeight};
    max-width: calc(100vw - 2 * ${chatOffset});
    max-height: calc(100dvh - 6rem);
    /*
     * Zoomed in (200 %, 400 %) the header, a banner and a form can be taller than the panel: the
     * panel then scrolls as a whole, keeping a few lines of the conversation, and the header
     * (with its close button) stays at its top.
     */
    overflow: hidden auto;
    overscroll-behavior: contain;
    border-radius: ${chatRadius};
    background: ${chatSurfaceColor};
    color: ${chatTextColor};
    box-shadow: ${chatShadow};
    animation: amoiq-chat-open 160ms ease-out;
  }
  .panel > amoiq-chat-header {
    grid-row: header;
    position: sticky;
    inset-block-start: 0;
    z-index: 1;
  }
  .panel > amoiq-voice-panel {
    grid-row: voice;
  }
  .panel > amoiq-away-banner {
    grid-row: away;
  }
  .panel > amoiq-assistant-banner {
    grid-row: assistant;
  }
  .panel > amoiq-message-list {
    grid-row: list;
    /*
     * Its size is the grid row's (minmax(6rem, 1fr): never its content's), so a new message lays
     * out the list alone, not the whole panel.
     */
    contain: size layout;
  }
  .panel > amoiq-chat-input,
  .panel > amoiq-pre-chat-form,
  .panel > amoiq-conversation-closed {
    grid-row: composer;
  }
  /*
   * The closed bar (note, new conversation, rating, transcript download and e-mail) is taller than
   * a small panel: it scrolls within its row, which takes what the header, the banners and the
   * list's 6 rem leave, instead of pushing the header out of the panel. (A scroll container's
   * automatic minimum height is 0, so its auto row can shrink below its content.)
   */
  .panel > amoiq-conversation-closed {
    overflow-y: auto;
    overscroll-behavior: contain;
  }
  /* [attachments] Over all rows of the panel grid while files are dragged onto it. */
  .drop-zone {
    grid-row: 1 / -1;
    grid-column: 1;
    z-index: 1;
    display: grid;
    place-items: center;
    margin: 0.5rem;
    padding: 1rem;
    border: 3px dashed ${chatBrandColor};
    border-radius: calc(${chatRadius} - 0.25rem);
    background: ${chatSurfaceColor};
    color: ${chatTextColor};
    font-weight: 600;
    text-align: center;
    pointer-events: none;
  }
  @media (forced-colors: active) {
    .drop-zone {
      border-color: Highlight;
    }
    /* The shadow that sets the panel off the page is gone in forced colours: an edge instead. */
    .panel {
      border: 1px solid CanvasText;
    }
  }
  @keyframes amoiq-chat-open {
    from {
      opacity: 0;
      transform: translateY(0.5rem);
    }
  }
  @media (max-width: 480px), (max-height: 480px) {
    .panel {
      position: fixed;
      inset: 0;
      width: 100vw;
      height: 100dvh;
      max-width: none;
      max-height: none;
      border-radius: 0;
      padding: env(safe-area-inset-top, 0px) env(safe-area-inset-right, 0px) env(safe-area-inset-bottom, 0px)
        env(safe-area-inset-left, 0px);
    }
  }
`;
