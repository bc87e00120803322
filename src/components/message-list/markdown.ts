/**
 * A small, safe markdown subset for message text: **bold**, *italic* (also `__` and `_`),
 * `inline code`, fenced code blocks, [links](https://…), bare http(s) links, bulleted and
 * numbered lists, and line breaks. The parser turns text into tokens; {@link renderMarkdown}
 * turns tokens into Lit templates, so message text is never parsed as HTML: raw HTML in a
 * message shows as text.
 *
 * Every scan is linear or bounded: a marker whose closer cannot be found makes every later
 * opener of the same kind literal at once (if there is no closer after position i, there is none
 * after any later position either), and link brackets are searched within a fixed distance.
 * Hostile input cannot make it backtrack.
 */
import { html, nothing, type TemplateResult } from 'lit';

/** An inline piece of a paragraph or list item. */
export type Inline =
  | { type: 'text'; text: string }
  | { type: 'code'; text: string }
  | { type: 'strong' | 'em'; children: Inline[] }
  | { type: 'link'; href: string; text: string }
  | { type: 'br' };

/** A block of a message. */
export type Block =
  | { type: 'paragraph'; children: Inline[] }
  | { type: 'code'; text: string }
  | { type: 'list'; ordered: boolean; start: number; items: Inline[][] };

/** Deeper emphasis nesting than this is shown as text. */
const MAX_DEPTH = 4;
/** Longest link text and link target looked for, in characters. */
const MAX_LINK_TEXT = 500;
const MAX_URL = 2000;

const FENCE = /^\s{0,3}```/;
const BULLET = /^\s{0,3}[-*+]\s+/;
const NUMBERED = /^\s{0,3}(\d{1,9})[.)]\s+/;
const BARE_URL = /https?:\/\/[^\s<>"]+/iy;
const WORD_CHAR = /[\p{L}\p{N}]/u;

/**
 * Returns the URL to put in `href` when `raw` is an absolute http(s) or mailto URL written
 * plainly, otherwise undefined. Anything else (javascript:, data:, relative or protocol-relative
 * URLs, schemes hidden behind whitespace, control or invisible characters) is refused.
 */
export function safeUrl(raw: string): string | undefined {
  // Only printable, non-space ASCII-or-beyond characters: no tab/newline/zero-width tricks.
  if (!/^(?:https?:\/\/|mailto:)[^\s\p{Cc}\p{Cf}]+$/iu.test(raw)) return undefined;
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    return undefined;
  }
  if (url.protocol === 'mailto:') return url.pathname.includes('@') ? url.href : undefined;
  return (url.protocol === 'http:' || url.protocol === 'https:') && url.hostname ? url.href : undefined;
}

/** Splits message text into blocks. */
export function parseMarkdown(text: string): Block[] {
  const lines = text.replace(/\r\n?/g, '\n').split('\n');
  const blocks: Block[] = [];
  let paragraph: string[] = [];
  const flush = () => {
    if (paragraph.length) blocks.push({ type: 'paragraph', children: parseInline(paragraph.join('\n')) });
    paragraph = [];
  };
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i];
    if (FENCE.test(line)) {
      flush();
      const code: string[] = [];
      // An unclosed fence runs to the end of the message, as in CommonMark.
      while (++i < lines.length && !FENCE.test(lines[i])) code.push(lines[i]);
      blocks.push({ type: 'code', text: code.join('\n') });
      continue;
    }
    const numbered = NUMBERED.exec(line);
    if (numbered || BULLET.test(line)) {
      flush();
      const ordered = !!numbered;
      const marker = ordered ? NUMBERED : BULLET;
      const items: Inline[][] = [];
      for (; i < lines.length && marker.test(lines[i]); i++) items.push(parseInline(lines[i].replace(marker, '')));
      i--;
      blocks.push({ type: 'list', ordered, start: numbered ? Number(numbered[1]) : 1, items });
      continue;
    }
    if (line.trim() === '') flush();
    else paragraph.push(line);
  }
  flush();
  return blocks;
}

/** Parses the inline markup of one paragraph or list item. */
export function parseInline(text: string, depth = 0): Inline[] {
  const out: Inline[] = [];
  let plain = '';
  /** Per marker, the position after which no closer exists (see the module comment). */
  const noCloserAfter = new Map<string, number>();
  const find = finder(text);
  const push = (token: Inline) => {
    if (plain) out.push({ type: 'text', text: plain });
    plain = '';
    out.push(token);
  };
  let i = 0;
  while (i < text.length) {
    const ch = text[i];
    if (ch === '\n') {
      push({ type: 'br' });
      i++;
      continue;
    }
    if (ch === '\\' && i + 1 < text.length && /[\\`*_[\]()]/.test(text[i + 1])) {
      plain += text[i + 1];
      i += 2;
      continue;
    }
    if (ch === '`') {
      const end = findCloser(text, '`', i + 1, noCloserAfter, () => true);
      if (end > i + 1) {
        push({ type: 'code', text: text.slice(i + 1, end) });
        i = end + 1;
        continue;
      }
    }
    if ((ch === '*' || ch === '_') && depth < MAX_DEPTH) {
      const double = text[i + 1] === ch;
      const marker = double ? ch + ch : ch;
      const inner = i + marker.length;
      // An opener is followed by a non-space; `_` must not sit inside a word (snake_case).
      const opens = inner < text.length && !/\s/.test(text[inner]) && !(ch === '_' && i > 0 && WORD_CHAR.test(text[i - 1]));
      if (opens) {
        const end = findCloser(text, marker, inner + 1, noCloserAfter, (at) => {
          const after = text[at + marker.length];
          // A single marker is not half of a double one.
          if (!double && (after === ch || text[at - 1] === ch)) return false;
          return !/\s/.test(text[at - 1]) && !(ch === '_' && after !== undefined && WORD_CHAR.test(after));
        });
        if (end > inner) {
          push({ type: double ? 'strong' : 'em', children: parseInline(text.slice(inner, end), depth + 1) });
          i = end + marker.length;
          continue;
        }
      }
      plain += marker;
      i += marker.length;
      continue;
    }
    if (ch === '[') {
      const link = readLink(text, i, find);
      if (link) {
        push(link.token);
        i = link.end;
        continue;
      }
    }
    if ((ch === 'h' || ch === 'H') && (i === 0 || !WORD_CHAR.test(text[i - 1]))) {
      BARE_URL.lastIndex = i;
      const match = BARE_URL.exec(text);
      if (match) {
        // Sentence punctuation after a bare link is not part of it.
        const raw = match[0].slice(0, MAX_URL).replace(/[.,;:!?)\]'*_]+$/, '');
        const href = safeUrl(raw);
        if (href) {
          push({ type: 'link', href, text: raw });
          i += raw.length;
          continue;
        }
      }
    }
    plain += ch;
    i++;
  }
  if (plain) out.push({ type: 'text', text: plain });
  return out;
}

/**
 * The position of the first `marker` at or after `from` that `valid` accepts, or -1. Remembers a
 * failure so that later openers of the same marker do not scan again.
 */
function findCloser(
  text: string,
  marker: string,
  from: number,
  noCloserAfter: Map<string, number>,
  valid: (at: number) => boolean,
): number {
  const known = noCloserAfter.get(marker);
  if (known !== undefined && from >= known) return -1;
  for (let at = text.indexOf(marker, from); at !== -1; at = text.indexOf(marker, at + 1)) {
    if (valid(at)) return at;
  }
  noCloserAfter.set(marker, from);
  return -1;
}

/** Finds the next occurrence of a character at or after a position; queries must not go backwards. */
type Finder = (ch: string, from: number) => number;

/**
 * A {@link Finder} that remembers its last answer per character, so that a scan which asks from
 * ever later positions reads the text once per character in total.
 */
function finder(text: string): Finder {
  const last = new Map<string, number>();
  return (ch, from) => {
    const known = last.get(ch);
    // The known occurrence is the first one after an earlier start, so also the first after `from`.
    if (known !== undefined && (known === -1 || known >= from)) return known;
    const at = text.indexOf(ch, from);
    last.set(ch, at);
    return at;
  };
}

/** Reads `[text](url)` starting at `start`; undefined when it is not a well-formed, safe link. */
function readLink(text: string, start: number, find: Finder): { token: Inline; end: number } | undefined {
  const close = find(']', start + 1);
  if (close < 0 || close - start > MAX_LINK_TEXT || text[close + 1] !== '(') return undefined;
  const end = find(')', close + 2);
  if (end < 0 || end - close > MAX_URL) return undefined;
  const newline = find('\n', start);
  if (newline !== -1 && newline < end) return undefined;
  const label = text.slice(start + 1, close);
  const href = safeUrl(text.slice(close + 2, end).trim());
  // An unsafe target keeps the whole thing as text, so the visitor sees what was sent.
  if (!href || !label.trim() || label.includes('[')) return undefined;
  return { token: { type: 'link', href, text: label }, end: end + 1 };
}

/** Renders parsed blocks as Lit templates (text is always bound as text, never as HTML). */
export function renderMarkdown(blocks: readonly Block[]): TemplateResult[] {
  return blocks.map((block) => {
    switch (block.type) {
      case 'paragraph':
        return html`<p>${renderInline(block.children)}</p>`;
      case 'code':
        return html`<pre><code>${block.text}</code></pre>`;
      case 'list':
        return block.ordered
          ? html`<ol start=${block.start === 1 ? nothing : block.start}>${block.items.map((item) => html`<li>${renderInline(item)}</li>`)}</ol>`
          : html`<ul>${block.items.map((item) => html`<li>${renderInline(item)}</li>`)}</ul>`;
    }
  });
}

function renderInline(tokens: readonly Inline[]): unknown[] {
  return tokens.map((t) => {
    switch (t.type) {
      case 'text':
        return t.text;
      case 'br':
        return html`<br />`;
      case 'code':
        return html`<code>${t.text}</code>`;
      case 'strong':
        return html`<strong>${renderInline(t.children)}</strong>`;
      case 'em':
        return html`<em>${renderInline(t.children)}</em>`;
      case 'link':
        return html`<a href=${t.href} target="_blank" rel="noopener noreferrer">${breakable(t.text)}</a>`;
    }
  });
}

/**
 * Link text with a line-break opportunity (`<wbr>`) after each `/` and before each `?`, `&` and
 * `#`, so a long URL wraps between its parts ("…/returns" on a line of its own) instead of inside a
 * word; the text (and what is copied or read out) is unchanged.
 */
function breakable(text: string): unknown[] {
  return text.split(/(?<=\/)(?!\/)|(?=[?&#])/).flatMap((part, i) => (i ? [html`<wbr />`, part] : [part]));
}

/** The text a reader hears: parsed blocks without their markers, blocks and list items on lines of their own. */
export function plainText(blocks: readonly Block[]): string {
  const inline = (tokens: readonly Inline[]): string =>
    tokens.map((t) => (t.type === 'br' ? '\n' : 'children' in t ? inline(t.children) : t.text)).join('');
  return blocks
    .map((block) =>
      block.type === 'paragraph' ? inline(block.children) : block.type === 'code' ? block.text : block.items.map(inline).join('\n'),
    )
    .join('\n')
    .trim();
}
