/**
 * How `<amoiq-chat-input>` shows its staged attachments: the chips of staged files (name, size,
 * progress, cancel/remove, retry, thumbnail). Loaded lazily (LazyPartController) when the
 * attach button first shows, so it is not in the initial drop-in script.
 */
import { css, html, nothing, type TemplateResult } from 'lit';
import { chatAccentColor, chatBorderColor, chatDividerColor, chatErrorColor, chatMutedColor, chatTextColor } from '../../styles/tokens.js';
import type { Strings } from '../../i18n/en.js';
import { isHttpUrl } from '../../protocol/v1.js';
import { THUMBNAIL_TYPES, formatSize } from './attachment-limits.js';
import type { StagedFile } from './attachment-staging.js';
import { closeIcon } from '../../styles/icons.js';

/** What the chips call back. */
export interface ChipHandlers {
  remove(key: string): void;
  retry(key: string): void;
}

const retryIcon = html`<svg viewBox="0 0 24 24" aria-hidden="true">
  <path d="M17.7 6.3A8 8 0 1 0 20 12h-2a6 6 0 1 1-1.8-4.2L13 11h7V4z" />
</svg>`;

/** The chips of the staged files, or nothing when there are none. */
export function renderChips(
  items: readonly StagedFile[],
  t: Strings,
  locale: string,
  maxSize: number,
  on: ChipHandlers,
): TemplateResult | typeof nothing {
  if (!items.length) return nothing;
  return html`<ul part="staged-attachments" class="chips" aria-label=${t.attachments}>
    ${items.map((item) => renderChip(item, t, locale, maxSize, on))}
  </ul>`;
}

/** Why an upload failed, for the visitor: the server's refusals say what to change; anything else is generic. */
function failure(item: StagedFile, t: Strings, locale: string, maxSize: number): { text: string; permanent: boolean } {
  if (item.error === 'payload_too_large')
    return { text: t.attachmentTooLarge(item.file.name, formatSize(maxSize, locale)), permanent: true };
  if (item.error === 'quota_exceeded') return { text: t.attachmentQuotaFull(item.file.name), permanent: true };
  if (item.error === 'unsupported_type') return { text: t.attachmentWrongType(item.file.name), permanent: true };
  return { text: t.uploadFailed, permanent: false };
}

function renderChip(item: StagedFile, t: Strings, locale: string, maxSize: number, on: ChipHandlers): TemplateResult {
  const { name, size, type } = item.file;
  const url = item.attachment?.url;
  const thumb = item.state === 'uploaded' && url && isHttpUrl(url) && THUMBNAIL_TYPES.has(item.attachment!.type);
  const removeLabel = item.state === 'uploading' ? t.cancelUpload(name) : t.removeAttachment(name);
  const failed = item.state === 'failed' ? failure(item, t, locale, maxSize) : undefined;
  return html`<li part="staged-attachment" class="chip ${item.state}">
    ${thumb ? html`<img part="staged-thumbnail" class="thumb" src=${url} alt="" />` : html`<span class="file-icon" aria-hidden="true">${fileLabel(type, name)}</span>`}
    <span class="info">
      <span class="name" dir="auto" title=${name}>${name}</span>
      <span class="size">${formatSize(size, locale)}</span>
      ${
        item.state === 'uploading'
          ? html`<progress part="upload-progress" max=${Math.max(item.total, 1)} .value=${item.loaded} aria-label=${t.uploading(name)}></progress>`
          : nothing
      }
      ${failed ? html`<span class="error">${failed.text}</span>` : nothing}
    </span>
    ${
      failed && !failed.permanent
        ? html`<button part="attachment-retry" class="chip-button" type="button" aria-label=${t.retryUpload(name)} @click=${() => on.retry(item.key)}>
          ${retryIcon}
        </button>`
        : nothing
    }
    <button part="attachment-remove" class="chip-button" type="button" aria-label=${removeLabel} @click=${() => on.remove(item.key)}>${closeIcon}</button>
  </li>`;
}

/** A short label for a file's kind: its extension, else its subtype ("PDF", "TXT"). */
export function fileLabel(type: string, name: string): string {
  const ext = /\.([a-z0-9]{1,5})$/i.exec(name)?.[1] ?? type.split('/')[1]?.split(/[.+;-]/)[0] ?? '';
  return ext.slice(0, 4).toUpperCase() || 'FILE';
}

/**
 * Styles of the chips, adopted by `<amoiq-chat-input>` when this module loads. (The attach button
 * and the refusal message are the input's own, always there: their styles are in
 * chat-input.styles.ts.)
 */
export const styles = css`
  .chips {
    order: -2;
    flex-basis: 100%;
    display: flex;
    flex-wrap: wrap;
    gap: 0.375rem;
    margin: 0;
    padding: 0;
    list-style: none;
  }
  .chip {
    display: flex;
    align-items: center;
    gap: 0.375rem;
    max-inline-size: 100%;
    min-inline-size: 0;
    padding-block: 0.25rem;
    padding-inline: 0.375rem 0.125rem;
    border: 1px solid ${chatBorderColor};
    border-radius: 0.5rem;
    font-size: 0.8125rem;
  }
  .chip.failed {
    border-color: ${chatErrorColor};
  }
  .thumb,
  .file-icon {
    flex: none;
    inline-size: 2.25rem;
    block-size: 2.25rem;
    border-radius: 0.25rem;
    object-fit: cover;
  }
  .file-icon {
    display: inline-grid;
    place-items: center;
    font-size: 0.625rem;
    font-weight: 700;
    background: ${chatDividerColor};
    color: ${chatTextColor};
  }
  .info {
    display: grid;
    min-inline-size: 0;
    max-inline-size: 11rem;
  }
  .name {
    overflow: hidden;
    text-overflow: ellipsis;
    white-space: nowrap;
  }
  .size {
    color: ${chatMutedColor};
    font-size: 0.75rem;
  }
  .error {
    color: ${chatErrorColor};
    font-size: 0.75rem;
    font-weight: 600;
  }
  progress {
    inline-size: 100%;
    block-size: 0.375rem;
    accent-color: ${chatAccentColor};
  }
  .chip-button {
    display: inline-grid;
    place-items: center;
    flex: none;
    inline-size: 1.75rem;
    block-size: 1.75rem;
    padding: 0;
    border: 0;
    border-radius: 50%;
    background: transparent;
    color: inherit;
  }
  .chip-button svg {
    inline-size: 1rem;
    block-size: 1rem;
  }
  @media (forced-colors: active) {
    .chip {
      border-color: CanvasText;
    }
    .error {
      color: CanvasText;
    }
  }
`;
