/**
 * How `<amoiq-message-list>` draws each kind of row: one renderer per `Row['kind']`
 * ({@link rowRenderers}), given the row and a {@link RowContext} (texts, locale, the feed's
 * positions, the handlers). A new kind of row is a new member of the `Row` union (rows.ts) and one
 * more entry here; the map's type makes a missing renderer a compile error.
 */
import { html, nothing, type TemplateResult } from 'lit';
import type { ChatMessage } from '../../services/chat-service.js';
import { renderWelcome } from './welcome.js';
import { styleProps } from '../../styles/style-props.js';
import { parseMarkdown, renderMarkdown, type Block } from './markdown.js';
import { renderReadAloud } from '../read-aloud/slot.js';
import { avatarHue, initials, noticeText, senderName, statusLabel, timeLabel, type Row } from './rows.js';
import type { Sender } from '../../protocol/v1.js';
import type { RowContext } from './row-context.js';

export type { RowContext };

type RowOf<K extends Row['kind']> = Extract<Row, { kind: K }>;

/** One renderer per kind of row. */
export const rowRenderers: { [K in Row['kind']]: (row: RowOf<K>, ctx: RowContext) => TemplateResult } = {
  welcome: renderWelcome,
  date: (row) =>
    html`<div class="row" data-key=${row.key}>
      <div part="date-separator" class="date-separator"><span>${row.label}</span></div>
    </div>`,
  notice: (row, ctx) =>
    html`<div class="row" data-key=${row.key} data-msg role="article" tabindex="-1" aria-posinset=${row.pos}>
      <div part="notice" class="notice">
        ${row.message.event ? nothing : html`<span class="visually-hidden">${senderName(row.message.sender, ctx.strings)}:</span>`}
        <span dir="auto">${noticeText(row.message, ctx.strings)}</span> <time datetime=${row.message.createdAt}>${time(row.message, ctx)}</time>
      </div>
    </div>`,
  greeting: renderGreeting,
  message: renderMessage,
};

/**
 * What a row's template depends on besides the renderer: while none of it changes, the list leaves
 * the row's DOM alone (Lit's `guard`), so an update — a new message — re-renders only the rows
 * that changed, not every row in the window. Undefined: render every time (an AI message, whose
 * lazy extras — feedback, sources — change on their own). The row's place and time flag are in the
 * row itself; the feed's size is not in the template at all (the list sets `aria-setsize`).
 */
export function rowDeps(row: Row, ctx: RowContext): unknown[] | undefined {
  if (row.kind === 'message' && row.message.sender.type === 'ai') return undefined;
  const key = row.key;
  const quick = row.kind === 'message' && row.last ? ctx.quickReplies(row.message)?.join('\n') : undefined;
  // Files render once their chunk is loaded: until then the row must render again.
  const files = row.kind === 'message' && row.message.attachments?.length ? ctx.attachments(row.message.attachments) !== undefined : false;
  const team = row.kind === 'welcome' ? ctx.team : undefined;
  return [row, ctx.strings, ctx.locale, ctx.latestRead === key, ctx.latestDelivered === key, quick, files, team];
}

/** The template of any row, by its kind. */
export function renderRow(row: Row, ctx: RowContext): TemplateResult {
  return (rowRenderers[row.kind] as (row: Row, ctx: RowContext) => TemplateResult)(row, ctx);
}

/**
 * The assistant's greeting (session `config.assistant.greeting`) as its first words: a message of
 * the assistant — avatar, name, the "AI" label, the bubble — that is not stored, has no time and
 * is never announced (the list's live region announces arriving messages only).
 */
function renderGreeting(row: RowOf<'greeting'>, ctx: RowContext): TemplateResult {
  const { sender, text } = row.greeting;
  return html`<div class="row other first last" data-key=${row.key} role="article" tabindex="-1" aria-posinset=${row.pos}>
    <div part="message assistant-greeting" class="message ai">
      ${renderAvatar(sender, ctx)}
      <div class="content">
        ${renderName(sender, ctx)}
        <div part="bubble" class="bubble" dir="auto">${renderMarkdown(ctx.blocks(text))}</div>
      </div>
    </div>
  </div>`;
}

function renderMessage(row: RowOf<'message'>, ctx: RowContext): TemplateResult {
  const { message: m, own, first, last, time: showsTime } = row;
  const name = senderName(m.sender, ctx.strings);
  const quick = last ? ctx.quickReplies(m) : undefined;
  return html`<div class="row ${own ? 'own' : 'other'} ${first ? 'first' : ''} ${last ? 'last' : ''}" data-key=${row.key} data-msg role="article" tabindex="-1" aria-posinset=${row.pos}>
      <div part="message" class="message ${own ? 'own' : m.sender.type}">
        ${first && !own ? renderAvatar(m.sender, ctx) : nothing}
        <div class="content">
          ${first && !own ? renderName(m.sender, ctx) : html`<span class="visually-hidden">${name}:</span>`}
          ${m.text || !m.attachments?.length ? html`<div part="bubble" class="bubble" dir="auto">${renderMarkdown(ctx.blocks(m.text))}</div>` : nothing}
          ${m.attachments?.length ? ctx.attachments(m.attachments) : nothing}
          ${m.sender.type === 'ai' ? ctx.assistant?.(m) : nothing}
          ${renderMeta(m, own, showsTime, ctx)}
          ${quick ? renderQuickReplies(m.key, quick, ctx) : nothing}
        </div>
      </div>
    </div>`;
}

/** The sender's name over the first message of a group; beside an assistant's, the visible "AI" label. */
function renderName(sender: Sender, ctx: RowContext): TemplateResult {
  return html`<span part="sender" class="sender">${senderName(sender, ctx.strings)}${
    sender.type === 'ai' ? html` <span part="ai-label" class="ai-label">${ctx.strings.assistantUi.aiLabel}</span>` : nothing
  }</span>`;
}

function renderAvatar(sender: Sender, ctx: RowContext): TemplateResult {
  const name = senderName(sender, ctx.strings);
  if (sender.type === 'ai' && sender.avatar && /^https?:\/\//i.test(sender.avatar)) {
    return html`<img part="avatar" class="avatar ai" src=${sender.avatar} alt="" referrerpolicy="no-referrer" />`;
  }
  if (sender.type === 'ai') {
    return html`<span part="avatar" class="avatar ai" aria-hidden="true" title=${ctx.strings.aiMark}>${sparkIcon}</span>`;
  }
  return html`<span part="avatar" class="avatar" aria-hidden="true" style=${styleProps({ '--avatar-hue': String(avatarHue(name)) })}
    >${initials(name)}</span
  >`;
}

/**
 * The time and delivery state under a bubble: shown on the last message of a sender-and-minute
 * run; earlier ones keep both for screen readers only. A failed message always shows its state and
 * Retry.
 */
function renderMeta(m: ChatMessage, own: boolean, showsTime: boolean, ctx: RowContext): TemplateResult {
  // One template for both looks: a row that stops being the last of its run (the next message
  // arrived) only changes classes, instead of rebuilding its meta and read-aloud button.
  const quiet = m.status !== 'failed' && !showsTime;
  return html`<div part="meta" class="meta ${quiet ? 'quiet' : ''}" tabindex=${own && !quiet ? '-1' : nothing}>
    <time class=${quiet ? 'visually-hidden' : ''} datetime=${m.createdAt}>${time(m, ctx)}</time>${own ? renderStatus(m, ctx, quiet) : renderReadAloud(m)}
  </div>`;
}

function renderStatus(m: ChatMessage, ctx: RowContext, hidden = false) {
  const t = ctx.strings;
  const label = statusLabel(m.status, t);
  if (!label) return nothing;
  if (hidden || (m.status === 'read' && m.key !== ctx.latestRead) || (m.status === 'delivered' && m.key !== ctx.latestDelivered)) {
    return html`<span class="visually-hidden">, ${label}</span>`;
  }
  if (m.status === 'read') return html`<span class="status read">${readIcon}${label}</span>`;
  if (m.status !== 'failed') return html`<span class="status ${m.status}">${label}</span>`;
  return html`<span class="status failed" title=${m.error ?? ''}>${label}</span>
    <button part="retry-button" class="retry" type="button" @click=${() => ctx.retry(m)}>${t.retry}</button>`;
}

function renderQuickReplies(key: string, replies: readonly string[], ctx: RowContext): TemplateResult {
  return html`<div part="quick-replies" class="quick-replies" role="group" aria-label=${ctx.strings.quickReplies}>
    ${replies.map(
      (text) =>
        html`<button part="quick-reply" class="quick-reply" type="button" @click=${() => ctx.quickReply(key, text)}>${text}</button>`,
    )}
  </div>`;
}

function time(m: ChatMessage, ctx: RowContext): string {
  return timeLabel(new Date(m.createdAt), ctx.locale);
}

/** Parsed markdown by text, bounded: the list renders only the visible rows, so a small cache covers scrolling back. */
export class BlockCache {
  private readonly parsed = new Map<string, Block[]>();

  get(text: string): Block[] {
    let blocks = this.parsed.get(text);
    if (!blocks) {
      if (this.parsed.size > 500) this.parsed.clear();
      blocks = parseMarkdown(text);
      this.parsed.set(text, blocks);
    }
    return blocks;
  }
}

/** Two check marks: "read" differs from "delivered" by more than its word. */
const readIcon = html`<svg class="read-icon" viewBox="0 0 24 24" aria-hidden="true">
  <path d="M1.3 12.7 6.6 18l1.4-1.4-5.3-5.3zM22.3 5.3 12 15.6l-4.6-4.6L6 12.4l6 6 11.7-11.7zM18 6.7l-1.4-1.4-6.3 6.3 1.4 1.4z" />
</svg>`;

const sparkIcon = html`<svg viewBox="0 0 24 24" aria-hidden="true">
  <path d="M12 2l2.2 6.6L21 11l-6.8 2.4L12 20l-2.2-6.6L3 11l6.8-2.4z" />
</svg>`;
