/**
 * Markdown for text that grows: a streamed assistant answer is parsed in time proportional to the
 * new text, not to the whole answer. The text is cut into chunks at block boundaries the parser of
 * markdown.ts cannot see across — a blank line outside a fenced code block, or the line that closes
 * a fence — so parsing the chunks one by one gives the same blocks as parsing the whole text.
 * Completed chunks are parsed and rendered once and kept; only the trailing, still growing block
 * is parsed again when it is read (once per render, however many deltas arrived since).
 */
import type { TemplateResult } from 'lit';
import { parseMarkdown, plainText, renderMarkdown, type Block } from '../message-list/markdown.js';

const FENCE = /^\s{0,3}```/;

/** A completed part of the text: parsed and rendered once. */
export interface Chunk {
  /**
   * Stable key for rendering: where the chunk starts in the text. The trailing block(s) carry the
   * key of the chunk they become ({@link StreamMarkdown.parts}), so a renderer keyed on it updates
   * the tail's elements in place when the chunk completes instead of building them again.
   */
  id: number;
  blocks: Block[];
  templates: TemplateResult[];
}

/**
 * The parsed form of a growing text.
 *
 * @example
 * const md = new StreamMarkdown();
 * md.append('Hello **wor');
 * md.append('ld**\n\nNext');
 * render(html`${repeat(md.parts(), (p) => p.id, (p) => guard([p], () => p.templates))}`);
 */
export class StreamMarkdown {
  /** Completed chunks, in order. */
  readonly chunks: Chunk[] = [];
  private tailTemplates: TemplateResult[] = [];
  private tailBlocks: Block[] = [];
  /** The tail changed since it was last parsed: it is parsed when read, once for many deltas. */
  private tailStale = false;
  /** The tail as a part (see {@link parts}): a new object only when the tail was parsed again. */
  private tailPart?: Chunk;
  private text = '';
  /** text[0, committed) is in {@link chunks}. */
  private committed = 0;
  /** Start of the first line not scanned for boundaries yet. */
  private lineStart = 0;
  /**
   * The text of that line so far: a delta is scanned on its own and this line, never the whole
   * text (reading the whole text after each `+=` would copy it once per delta).
   */
  private line = '';
  private inFence = false;
  /** A `\r` at the end of the last delta: it may be half of a `\r\n` split between deltas. */
  private pendingCr = false;

  /** The whole text so far. */
  get value(): string {
    return this.text;
  }

  /** Adds text at the end; parses only the chunks it completes and the new tail. */
  append(delta: string): void {
    if (!delta) return;
    if (this.pendingCr) delta = '\r' + delta;
    this.pendingCr = delta.endsWith('\r');
    if (this.pendingCr) delta = delta.slice(0, -1);
    const added = delta.replace(/\r\n?/g, '\n');
    this.text += added;
    this.scan(added);
    this.tailStale = true;
  }

  /**
   * The completed chunks and then the tail, each with its key (its start in the text): the tail has
   * the key of the chunk it becomes, and is a new object whenever its text changed, so a keyed,
   * guarded render diffs only the tail and keeps its elements when it completes.
   */
  parts(): Chunk[] {
    this.parseTail();
    if (!this.tailTemplates.length) this.tailPart = undefined;
    else if (this.tailPart?.templates !== this.tailTemplates)
      this.tailPart = { id: this.committed, blocks: this.tailBlocks, templates: this.tailTemplates };
    return this.tailPart ? [...this.chunks, this.tailPart] : [...this.chunks];
  }

  /** Replaces the whole text (a snapshot after a reconnect): parses it once. */
  reset(text = ''): void {
    this.chunks.length = 0;
    this.text = '';
    this.committed = this.lineStart = 0;
    this.line = '';
    this.inFence = this.pendingCr = false;
    this.tailTemplates = [];
    this.tailBlocks = [];
    this.tailStale = false;
    this.tailPart = undefined;
    this.append(text);
  }

  /** The text as a screen reader hears it (markers dropped). */
  plainText(): string {
    this.parseTail();
    return plainText([...this.chunks.flatMap((c) => c.blocks), ...this.tailBlocks]);
  }

  /** Every block of the text, as parseMarkdown(value) would give them. */
  blocks(): Block[] {
    this.parseTail();
    return [...this.chunks.flatMap((c) => c.blocks), ...this.tailBlocks];
  }

  /**
   * Reads the lines the text just `added` at its end completes, and commits every chunk that ends at
   * a boundary among them.
   */
  private scan(added: string): void {
    let from = 0;
    for (let nl = added.indexOf('\n'); nl !== -1; nl = added.indexOf('\n', from)) {
      const line = this.line + added.slice(from, nl);
      this.line = '';
      this.lineStart += line.length + 1;
      from = nl + 1;
      let boundary = false;
      if (FENCE.test(line)) {
        this.inFence = !this.inFence;
        boundary = !this.inFence;
      } else if (!this.inFence && line.trim() === '') boundary = true;
      if (boundary) this.commit(this.lineStart);
    }
    this.line += added.slice(from);
  }

  private parseTail(): void {
    if (!this.tailStale) return;
    this.tailStale = false;
    this.tailBlocks = parseMarkdown(this.text.slice(this.committed));
    this.tailTemplates = renderMarkdown(this.tailBlocks);
  }

  private commit(end: number): void {
    const start = this.committed;
    const blocks = parseMarkdown(this.text.slice(start, end));
    this.committed = end;
    if (blocks.length) this.chunks.push({ id: start, blocks, templates: renderMarkdown(blocks) });
  }
}
