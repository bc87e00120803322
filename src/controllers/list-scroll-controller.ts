import type { ReactiveController, ReactiveControllerHost } from 'lit';
import { RowWindow } from '../components/message-list/windowing.js';

/** Within this many pixels of the bottom the list counts as "at the bottom" and follows new messages. */
const BOTTOM_SLACK = 48;
/** Pixels of content below the view. */
const below = (scroller: HTMLElement) => scroller.scrollHeight - scroller.scrollTop - scroller.clientHeight;
/** Older history is requested when the visitor scrolls within this many pixels of the top. */
const LOAD_OLDER_AT = 300;
/**
 * …or within this many screens of it: the next page (200 messages) is fetched ahead of the
 * viewport, so a fast fling upwards does not hit the top and wait.
 */
const PREFETCH_SCREENS = 4;

/** What {@link ListScrollController} needs from the list it scrolls. */
export interface ListScrollOptions {
  /** The scrolling element, once rendered. */
  scroller: () => HTMLElement | null | undefined;
  /** The spacer above the rendered rows (its offset is the list's top padding). */
  topSpacer: () => HTMLElement | null | undefined;
  /** Key of the oldest message held, if any. */
  oldestKey: () => string | undefined;
  /** Asks for the page of history before the oldest message (the host knows whether there is one). */
  loadOlder: () => void;
}

/**
 * The scrolling of a windowed message list: which rows to render ({@link first}..{@link last},
 * from the heights in {@link window}), and where each update leaves the scroll position. While
 * the visitor is at the bottom the list follows new messages; scrolled up, the first visible
 * message stays exactly where it is whatever is added or measured above it, and messages from
 * the other side are counted in {@link unseen} (the "new messages" pill). Scrolling near the top,
 * or history too short to scroll, asks for older messages.
 *
 * The host renders `rows.slice(first, last + 1)` between two spacers of {@link spaceBefore} and
 * {@link spaceAfter} pixels, each row with `data-key` (and `data-msg` for messages, the anchors),
 * and calls {@link handleScroll} on `scroll`.
 *
 * @example
 * private readonly scroll = new ListScrollController(this, { scroller: () => this.scroller, … });
 * willUpdate() { this.scroll.setRows(rows); }
 */
export class ListScrollController implements ReactiveController {
  /** Heights of the rows and which of them to render. */
  readonly window = new RowWindow();
  /** First and last row to render. */
  first = 0;
  last = -1;
  /** New messages from the other side that arrived while the visitor was scrolled up. */
  unseen = 0;
  /** Whether the visitor is at the bottom; the list then follows new messages. */
  atBottom = true;
  /** Set when the next update must end at the bottom (first render, own message, pill). */
  private jumpToBottom = true;
  /** A {@link settle} is queued for the update just rendered. */
  private settling = false;
  /** The scroll position the list itself last set. */
  private placedAt?: number;
  /** Where the update being rendered must leave the scroll position. */
  private scrollTarget?: 'bottom' | { key: string; offset: number };
  /** The oldest message the list asked older history for without scrolling (short content). */
  private autoLoadedBefore?: string;
  /** Re-renders when the list is shown, hidden or resized: heights and the window depend on it. */
  /** Made when first needed, never in the constructor: Lit SSR and jsdom have no ResizeObserver. */
  private resizeObserver?: ResizeObserver;
  private observed?: HTMLElement;
  /** Rendered rows the ResizeObserver watches (see {@link handleResize}). */
  private rowsObserved = new WeakSet<Element>();

  constructor(
    private readonly host: ReactiveControllerHost,
    private readonly options: ListScrollOptions,
  ) {
    host.addController(this);
  }

  /** Pixels above the first rendered row. */
  get spaceBefore(): number {
    return this.window.topOf(this.first);
  }

  /** Pixels below the last rendered row. */
  get spaceAfter(): number {
    return this.window.total - this.window.topOf(this.last + 1);
  }

  /** The rows now in the list (anything with a `key`), in order (heights already measured are kept). */
  setRows(rows: readonly { readonly key: string }[]): void {
    this.window.setRows(rows);
  }

  /** The next update ends at the bottom (a first load, the visitor's own message). */
  followNewest(): void {
    this.jumpToBottom = true;
    this.unseen = 0;
  }

  /** Messages from the other side arrived: counted for the pill unless the list follows them. */
  countIncoming(n: number): void {
    if (!this.atBottom && !this.jumpToBottom) this.unseen += n;
  }

  /** Scrolls to the newest message and clears the new-messages count. */
  scrollToBottom(): void {
    this.followNewest();
    this.host.requestUpdate();
  }

  hostConnected(): void {
    this.observe();
  }

  hostDisconnected(): void {
    this.resizeObserver?.disconnect();
    this.observed = undefined;
    this.rowsObserved = new WeakSet();
  }

  /**
   * Chooses the rows to render and where the scroll position must end: at the bottom, or with the
   * first visible message exactly where it is now (whatever was added or measured above it).
   */
  hostUpdate(): void {
    const scroller = this.options.scroller();
    const view = scroller?.clientHeight || 800;
    if (!scroller || this.jumpToBottom || this.atBottom) {
      this.scrollTarget = 'bottom';
      this.setRange(this.window.total - view, view);
      return;
    }
    const pad = this.options.topSpacer()?.offsetTop ?? 0;
    const anchor = this.findAnchor(scroller);
    const index = anchor ? this.window.indexOf(anchor.key, this.first) : -1;
    this.scrollTarget = index >= 0 ? anchor : undefined;
    const top = index >= 0 ? pad + this.window.topOf(index) - anchor!.offset : scroller.scrollTop;
    this.setRange(top - pad, view);
  }

  hostUpdated(): void {
    // Elements inside the new rows (the read-aloud button, say) render in microtasks queued while
    // the list rendered: placing and measuring after them costs one style and layout per update
    // instead of two (the second one theirs, after the list had forced the first). Still in the
    // same task, before the frame is painted.
    if (this.settling) return;
    this.settling = true;
    queueMicrotask(() => {
      this.settling = false;
      this.settle();
    });
  }

  /** Where the update just rendered must leave the scroll position; records the rows' heights. */
  private settle(): void {
    const scroller = this.options.scroller();
    if (!scroller) return;
    this.observe();
    // Hidden (the panel is closed): nothing has a size; the ResizeObserver calls back when shown.
    if (!scroller.clientHeight) return;
    this.applyScrollTarget(scroller);
    // Rendered rows are in normal flow, so measuring them never moves anything on screen; only
    // when the real heights leave part of the view (with its overscan) without rows is another
    // render needed, placed around the same row. (Rendering again after every measurement cost a
    // second update and a second layout per new message.)
    if (this.measureRows(scroller) && !this.covers(scroller)) {
      this.host.requestUpdate();
      return;
    }
    this.maybeLoadOlderWithoutScroll(scroller);
  }

  /** The list's `scroll` listener. */
  readonly handleScroll = (): void => {
    const scroller = this.options.scroller();
    if (!scroller) return;
    if (scroller.scrollTop === this.placedAt && this.atBottom) {
      // The list's own move to the bottom (one per new message): its window was chosen for it, so
      // no second update and layout. Should the content have grown since (a lazy part, an image),
      // that is not the visitor leaving the bottom: the list goes to the new bottom.
      if (below(scroller) > 1) this.host.requestUpdate();
    } else if (this.atBottom && this.last === this.window.count - 1 && below(scroller) <= 1) {
      // Still at the bottom, moved down by content after the rows (a streamed answer following
      // itself, several times a second): the window, chosen for the bottom, already holds every
      // row the view can show, so no update, no re-measuring of the rows.
      this.placedAt = scroller.scrollTop;
    } else {
      // Move the window with the scroll position.
      this.updateAtBottom();
      this.host.requestUpdate();
    }
    if (scroller.scrollTop < Math.max(LOAD_OLDER_AT, PREFETCH_SCREENS * scroller.clientHeight)) this.options.loadOlder();
  };

  /** Observes the scroller once it exists (observing starts with a callback, so only once). */
  private observe(): void {
    const scroller = this.options.scroller();
    if (!scroller || scroller === this.observed) return;
    if (typeof ResizeObserver === 'function') this.resizeObserver ??= new ResizeObserver((entries) => this.handleResize(entries));
    this.resizeObserver?.observe(scroller);
    this.observed = scroller;
  }

  /**
   * The list resized: render again. A rendered row changed height on its own (a lazy part defined,
   * such as the read-aloud button, an image or a font loaded): record it; at the bottom, go to the
   * new bottom (no render needed while the rows cover the view), scrolled up render again so the
   * row in view stays in place. (A row's first notice, when it starts being watched, matches the
   * height just measured: nothing to do.) Resize observations come after layout and before paint,
   * so a scroll set here is what the visitor sees in this frame.
   */
  private handleResize(entries: readonly ResizeObserverEntry[]): void {
    let update = false;
    let grew = false;
    for (const { target } of entries) {
      const el = target as HTMLElement;
      if (el === this.observed) update = true;
      else if (!el.isConnected) {
        this.resizeObserver?.unobserve(el);
        this.rowsObserved.delete(el);
      } else if (this.window.measure(el.dataset.key!, el.getBoundingClientRect().height, this.first)) grew = true;
    }
    const scroller = this.observed;
    if (!scroller) {
      this.host.requestUpdate();
      return;
    }
    if ((update || grew) && this.atBottom && scroller.clientHeight) {
      // At the bottom, stay there now, before this frame is painted: the list's update waits for
      // the next frame, and until then the newest rows showed pushed below the view (every
      // rendered row grows at once when a lazy part such as the read-aloud button is defined:
      // 256 px for two frames after the history first showed; the list's own box often changes in
      // the same frame).
      scroller.scrollTop = scroller.scrollHeight;
      this.placedAt = scroller.scrollTop;
    }
    // A new size, or rows not in the window the new heights give: choose the window again.
    if (update || (grew && !(this.atBottom && this.covers(scroller)))) this.host.requestUpdate();
  }

  private setRange(top: number, view: number): void {
    const { first, last } = this.window.range(top, view);
    this.first = first;
    this.last = last;
  }

  /** The first message row visible at the top, and its distance from the top of the list. */
  private findAnchor(scroller: HTMLElement): { key: string; offset: number } | undefined {
    const top = scroller.getBoundingClientRect().top;
    // Only messages: date separators and the welcome move to the top when older history arrives.
    for (const el of scroller.querySelectorAll<HTMLElement>(':scope > [data-msg]')) {
      const box = el.getBoundingClientRect();
      if (box.bottom > top) return { key: el.dataset.key!, offset: box.top - top };
    }
    return undefined;
  }

  private applyScrollTarget(scroller: HTMLElement): void {
    const target = this.scrollTarget;
    if (target === 'bottom') {
      scroller.scrollTop = scroller.scrollHeight;
      this.placedAt = scroller.scrollTop;
      this.jumpToBottom = false;
      this.atBottom = true;
      if (this.unseen) {
        this.unseen = 0;
        this.host.requestUpdate();
      }
    } else if (target) {
      const el = scroller.querySelector<HTMLElement>(`:scope > [data-key="${CSS.escape(target.key)}"]`);
      const delta = el ? el.getBoundingClientRect().top - scroller.getBoundingClientRect().top - target.offset : 0;
      if (Math.abs(delta) >= 0.5) scroller.scrollTop += delta;
      this.placedAt = scroller.scrollTop;
    }
  }

  /** Whether the rendered rows hold every row the current scroll position needs, by the heights known now. */
  private covers(scroller: HTMLElement): boolean {
    const pad = this.options.topSpacer()?.offsetTop ?? 0;
    const { first, last } = this.window.range(scroller.scrollTop - pad, scroller.clientHeight);
    return first >= this.first && last <= this.last;
  }

  /** Records the heights of the rendered rows; true when any differs from what was assumed. */
  private measureRows(scroller: HTMLElement): boolean {
    let changed = false;
    // The rendered rows are rows first..last, in order: the index saves looking each key up.
    let index = this.first;
    for (const el of scroller.querySelectorAll<HTMLElement>(':scope > [data-key]')) {
      changed = this.window.measure(el.dataset.key!, el.getBoundingClientRect().height, index++) || changed;
      if (!this.rowsObserved.has(el)) {
        this.rowsObserved.add(el);
        this.resizeObserver?.observe(el);
      }
    }
    return changed;
  }

  private updateAtBottom(): void {
    const scroller = this.options.scroller();
    if (!scroller) return;
    const atBottom = below(scroller) < BOTTOM_SLACK;
    if (atBottom === this.atBottom) return;
    this.atBottom = atBottom;
    if (atBottom) this.unseen = 0;
  }

  /**
   * When the history does not fill the list there is nothing to scroll: load older at once (once
   * per page). Runs once the layout has settled, when the heights are known.
   */
  private maybeLoadOlderWithoutScroll(scroller: HTMLElement): void {
    const oldest = this.options.oldestKey();
    if (!oldest || this.autoLoadedBefore === oldest) return;
    if (scroller.scrollHeight > scroller.clientHeight + LOAD_OLDER_AT) return;
    this.autoLoadedBefore = oldest;
    this.options.loadOlder();
  }
}
