/**
 * How `<amoiq-message-list>` shows the files of a message: images as thumbnails linking to the
 * full file (it opens in a new tab), other files as a download link with a type label, name and
 * size (servers send only raster images inline, docs/protocol.md "Files"; a PDF downloads). Only http(s) URLs ever
 * become a link or an image (the codec checks it too; this holds even for cached data), and
 * names are text, never HTML. Loaded lazily (LazyPartController) the first time a message with
 * attachments shows, so it is not in the initial drop-in script.
 */
import { css, html, nothing, type TemplateResult } from 'lit';
import { chatDividerColor, chatSurfaceColor, messageListIncomingBackground, messageListIncomingColor } from '../../styles/tokens.js';
import type { Strings } from '../../i18n/en.js';
import { isHttpUrl, type Attachment } from '../../protocol/v1.js';
import { THUMBNAIL_TYPES, formatSize } from '../chat-input/attachment-limits.js';
import { fileLabel } from '../chat-input/attachment-chips.js';

/** The attachments of a message, or nothing. */
export function renderAttachments(
  attachments: readonly Attachment[] | undefined,
  t: Strings,
  locale: string,
): TemplateResult | typeof nothing {
  const shown = (attachments ?? []).filter((a) => isHttpUrl(a.url));
  if (!shown.length) return nothing;
  return html`<ul part="attachments" class="attachments" aria-label=${t.attachments}>
    ${shown.map((a) => html`<li>${renderAttachment(a, t, locale)}</li>`)}
  </ul>`;
}

function renderAttachment(a: Attachment, t: Strings, locale: string): TemplateResult {
  const size = formatSize(a.size, locale);
  if (THUMBNAIL_TYPES.has(a.type)) {
    return html`<a part="attachment" class="attachment image" href=${a.url} target="_blank" rel="noopener noreferrer"
      ><img part="attachment-image" src=${a.url} alt=${a.name} loading="lazy" decoding="async" /><span class="visually-hidden"
        >${size} ${t.opensInNewTab}</span
      ></a
    >`;
  }
  // Voice messages and other audio: the accessible player (voice chunk, loaded the first time one shows).
  if (a.type.startsWith('audio/')) {
    if (!customElements.get('amoiq-audio-player')) void import('../voice-panel/loader.js').then((m) => m.loadVoice());
    return html`<amoiq-audio-player part="attachment-audio" src=${a.url} name=${a.name}></amoiq-audio-player>`;
  }
  // Sent as a download (Content-Disposition: attachment): the label says so, and the arrow shows it.
  return html`<a part="attachment" class="attachment file" href=${a.url} target="_blank" rel="noopener noreferrer" download=${a.name}>
    <span class="file-type" aria-hidden="true">${fileLabel(a.type, a.name)}</span>
    <span class="file-info"><span class="file-name" dir="auto">${a.name}</span><span class="file-size">${size}</span></span>
    <svg class="download" viewBox="0 0 24 24" aria-hidden="true"><path d="M11 4h2v9.2l3.3-3.3 1.4 1.4L12 17l-5.7-5.7 1.4-1.4 3.3 3.3zM5 18h14v2H5z" /></svg>
    <span class="visually-hidden">${t.downloadsFile}</span>
  </a>`;
}

/** Styles of message attachments. */
/** Styles of the previews, adopted by `<amoiq-message-list>` when this module loads. */
export const styles = css`
  .attachments {
    display: flex;
    flex-direction: column;
    gap: 0.25rem;
    margin: 0;
    padding: 0;
    list-style: none;
    max-inline-size: 100%;
  }
  .own .attachments {
    align-items: flex-end;
  }
  .attachment {
    display: inline-flex;
    align-items: center;
    gap: 0.5rem;
    max-inline-size: 100%;
    color: inherit;
    text-decoration: none;
    border-radius: 0.5rem;
  }
  .attachment.image img {
    display: block;
    /* A fixed box: the windowed list measures rows, and the image may load later. */
    inline-size: min(240px, 100%);
    block-size: 160px;
    /* Large images fill the box; small ones keep their size instead of being blown up. */
    object-fit: scale-down;
    border-radius: 0.5rem;
    border: 1px solid ${chatDividerColor};
    background: ${messageListIncomingBackground};
  }
  .attachment.file {
    min-block-size: 2.75rem;
    padding-block: 0.375rem;
    padding-inline: 0.5rem 0.75rem;
    border: 1px solid ${chatDividerColor};
    background: ${messageListIncomingBackground};
    color: ${messageListIncomingColor};
  }
  .attachment.file:hover .file-name {
    text-decoration: underline;
  }
  .file-type {
    display: inline-grid;
    place-items: center;
    flex: none;
    inline-size: 2rem;
    block-size: 2rem;
    border-radius: 0.25rem;
    font-size: 0.625rem;
    font-weight: 700;
    background: ${chatSurfaceColor};
  }
  .file-info {
    display: grid;
    min-inline-size: 0;
  }
  .file-name {
    overflow: hidden;
    text-overflow: ellipsis;
    white-space: nowrap;
    font-weight: 600;
  }
  .file-size {
    font-size: 0.75rem;
  }
  .download {
    flex: none;
    inline-size: 1.125rem;
    block-size: 1.125rem;
    fill: currentColor;
  }
  @media (forced-colors: active) {
    .attachment.file,
    .attachment.image img {
      border-color: LinkText;
    }
  }
`;
