/**
 * Pieces of an assistant message shared by the streamed answer and the stored one in the list:
 * the avatar (the assistant's picture, or the AI mark), the name with a visible "AI" label, and
 * the sources as links.
 */
import { html, nothing, type TemplateResult } from 'lit';
import type { AssistantStrings } from '../../i18n/en-assistant.js';
import type { Strings } from '../../i18n/en.js';
import type { Sender } from '../../protocol/v1.js';
import type { AnswerSource } from '../../services/assistant-stream.js';
import { safeUrl } from '../message-list/markdown.js';
import { senderName } from '../message-list/rows.js';

/** The assistant's picture when it has one (http(s) only), else the AI mark; decorative (the name says who). */
export function renderAiAvatar(sender: Sender, strings: Strings): TemplateResult {
  const avatar = sender.avatar && /^https?:\/\//i.test(sender.avatar) ? sender.avatar : undefined;
  return avatar
    ? html`<img part="avatar" class="avatar ai" src=${avatar} alt="" referrerpolicy="no-referrer" />`
    : html`<span part="avatar" class="avatar ai" aria-hidden="true" title=${strings.aiMark}>${sparkIcon}</span>`;
}

/** The name, and beside it "AI" — visible, and read as part of the name. */
export function renderAiName(sender: Sender, strings: Strings): TemplateResult {
  return html`<span part="sender" class="sender">${senderName(sender, strings)}
    <span part="ai-label" class="ai-label">${strings.assistantUi.aiLabel}</span></span
  >`;
}

/** The links an answer is based on, under it. */
export function renderSources(sources: readonly AnswerSource[] | undefined, t: AssistantStrings): TemplateResult | typeof nothing {
  const links = (sources ?? []).flatMap((s) => {
    const href = safeUrl(s.url);
    return href && !href.startsWith('mailto:') ? [{ title: s.title, href }] : [];
  });
  if (!links.length) return nothing;
  return html`<nav part="sources" class="sources" aria-label=${t.sources}>
    <span class="sources-title" aria-hidden="true">${t.sources}</span>
    <ul>
      ${links.map((s) => html`<li><a href=${s.href} target="_blank" rel="noopener noreferrer">${s.title}</a></li>`)}
    </ul>
  </nav>`;
}

const sparkIcon = html`<svg viewBox="0 0 24 24" aria-hidden="true">
  <path d="M12 2l2.2 6.6L21 11l-6.8 2.4L12 20l-2.2-6.6L3 11l6.8-2.4z" />
</svg>`;
