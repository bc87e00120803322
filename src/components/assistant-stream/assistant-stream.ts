import { ContextConsumer } from '@lit/context';
import { LitElement, html, nothing, type TemplateResult } from 'lit';
import { guard } from 'lit/directives/guard.js';
import { repeat } from 'lit/directives/repeat.js';
import { chatServiceContext } from '../../context.js';
import { ChatStateController } from '../../controllers/chat-state-controller.js';
import { LocaleConsumer } from '../../i18n/localize.js';
import type { StreamChange, StreamView } from '../../services/assistant-stream.js';
import type { ChatService } from '../../services/chat-service.js';
import { senderName } from '../message-list/rows.js';
import { renderAiAvatar, renderAiName, renderSources } from './assistant-render.js';
import { StreamMarkdown } from './stream-markdown.js';
import { thenFocusComposer } from '../composer-focus.js';

/** How close to the bottom (px) the list counts as following the conversation. */
const FOLLOW_WITHIN = 48;
/**
 * The least time between two renders of a growing answer (ms): deltas arriving meanwhile are
 * rendered together, at the next animation frame after it: at most 10 renders a second, as many
 * chat UIs do — a few words per render at a model's pace still reads as smooth growth, and each
 * render (style, layout and paint of the answer, the list's answer to the scroll) costs the same
 * whatever it takes in, so the answer's cost is proportional to the number of renders.
 */
export const STREAM_RENDER_INTERVAL = 100;

/**
 * The assistant's answers while they are written, at the end of the message list: "thinking"
 * before the first token, then the text as it arrives (markdown, completed blocks rendered once and
 * only the trailing block again; a block keeps the elements it grew in when it completes), the sources, a Stop button and "Talk to a person". Each answer is
 * replaced by its stored message when it ends (the list shows that one, and announces it once);
 * nothing here is live, so screen readers do not hear it token by token.
 *
 * It renders into the light DOM of the list's shadow root, so the list's row and bubble styles
 * apply. It listens to `ChatService.streams` directly: a delta costs the new text's scan, and the
 * deltas of a frame (at most one every {@link STREAM_RENDER_INTERVAL} ms) one small render, never
 * the list's rows.
 *
 * @tag amoiq-assistant-stream
 * @summary The assistant's answers being streamed (inside the message list).
 * @internal
 */
export class AmoiqAssistantStream extends LitElement {
  private readonly l10n = new LocaleConsumer(this);
  private service?: ChatService;
  private unsubscribe?: () => void;
  private readonly shown = new Map<string, { view: StreamView; md: StreamMarkdown }>();
  /** Whether the list was at the bottom at its last scroll: the answer is then followed. */
  private follow = false;
  /** When the last render started (performance.now()). */
  private lastRender = -Infinity;
  /**
   * An answer went away (its final message is in the list now): the next render comes at the next
   * frame, with the list's, not after the interval — the answer never shows twice.
   */
  private removed = false;
  /** Ends the wait for the interval early. */
  private wake?: () => void;
  private scroller?: HTMLElement;
  /** The scroll height the answer was last followed to (-1: none). */
  private followedHeight = -1;
  /** The list's scroll position when it last followed the answer or had a scroll event. */
  private followedTop = -1;

  constructor() {
    super();
    // Who answers decides "Talk to a person" beside Stop: it goes once a person is asked for (the
    // banner shows the queue), without waiting for the answer's next delta.
    new ChatStateController(this, (s) => [s.handoff]);
    new ContextConsumer(this, { context: chatServiceContext, subscribe: true, callback: (s) => this.attach(s) });
  }

  protected override createRenderRoot(): HTMLElement {
    return this;
  }

  override connectedCallback(): void {
    super.connectedCallback();
    document.addEventListener('visibilitychange', this.handleVisibility);
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    document.removeEventListener('visibilitychange', this.handleVisibility);
    this.attach(undefined);
    this.scroller?.removeEventListener('scroll', this.handleScroll);
    this.scroller = undefined;
  }

  /** Follows a service's streams: shows those running now, then applies each change. */
  private attach(service: ChatService | undefined): void {
    this.unsubscribe?.();
    this.unsubscribe = undefined;
    this.shown.clear();
    this.service = service;
    if (!service) return;
    for (const view of service.streams.active) this.handleChange({ type: 'reset', stream: view });
    this.unsubscribe = service.streams.onChange((c) => this.handleChange(c));
    this.requestUpdate();
  }

  private handleChange(change: StreamChange): void {
    if (change.type === 'remove') {
      this.shown.delete(change.id);
      this.removed = true;
      this.wake?.();
    } else if (change.type === 'append') this.shown.get(change.stream.id)?.md.append(change.text);
    else if (change.type === 'reset') {
      const md = new StreamMarkdown();
      md.reset(change.stream.text);
      this.shown.set(change.stream.id, { view: change.stream, md });
    }
    this.requestUpdate();
  }

  /**
   * Renders at an animation frame, and while the text grows at most once per
   * {@link STREAM_RENDER_INTERVAL}: each render (parse of the tail, Lit, style, layout, paint) then
   * takes in every delta since the last one. A hidden page (another tab of the visitor shows the
   * same answer) keeps the interval but not the frame, which does not come while it is hidden.
   */
  protected override async scheduleUpdate(): Promise<void> {
    if (this.hasUpdated) {
      const wait = this.lastRender + STREAM_RENDER_INTERVAL - performance.now();
      if (wait > 0 && !this.removed) {
        await new Promise<void>((resolve) => {
          const timer = setTimeout(resolve, wait);
          this.wake = () => {
            clearTimeout(timer);
            resolve();
          };
        });
        this.wake = undefined;
      }
    }
    if (this.hasUpdated && document.visibilityState !== 'hidden' && typeof requestAnimationFrame === 'function') {
      await new Promise<void>((resolve) => {
        const done = () => {
          cancelAnimationFrame(frame);
          clearTimeout(timer);
          resolve();
        };
        const frame = requestAnimationFrame(done);
        const timer = setTimeout(done, 100); // frames may stop (a page being hidden): never hang
      });
    }
    this.lastRender = performance.now();
    this.removed = false;
    super.scheduleUpdate();
  }

  protected override updated(): void {
    // Follows the answer while the list is at the bottom: whether it is comes from the list's
    // scroll events (no layout read per delta), and the scroll position moves only when the answer
    // grew by a line (its height changed), so the list's answer to a `scroll` event (its window
    // of rows) comes once per line, not once per delta.
    const scroller = this.closest<HTMLElement>('.base');
    if (!scroller) return;
    if (scroller !== this.scroller) this.watch(scroller);
    if (!this.follow) return;
    const height = scroller.scrollHeight;
    if (height === this.followedHeight) return;
    this.followedHeight = height;
    scroller.scrollTop = height;
    this.followedTop = scroller.scrollTop;
  }

  /**
   * Keeps {@link follow} from the list's scroll events: at the bottom means follow the answer. At
   * first the answer is followed when the list was at the bottom before it: its top (the end of
   * the messages) is in view — the list's own bottom has already moved down by the answer's height.
   */
  private watch(scroller: HTMLElement): void {
    this.scroller?.removeEventListener('scroll', this.handleScroll);
    this.scroller = scroller;
    scroller.addEventListener('scroll', this.handleScroll, { passive: true });
    this.follow = this.getBoundingClientRect().top - scroller.getBoundingClientRect().bottom <= FOLLOW_WITHIN;
    this.followedHeight = -1;
    this.followedTop = scroller.scrollTop;
  }

  /** Shown again: the answer as it is now, without waiting for a hidden page's (throttled) timer. */
  private readonly handleVisibility = (): void => {
    if (document.visibilityState === 'visible') this.wake?.();
  };

  private readonly handleScroll = (): void => {
    const s = this.scroller;
    if (!s) return;
    // The scroll this element made, or the list moving down with it: still following, even when
    // the answer grew again before the event came. Only a move up decides again.
    const moved = this.follow && s.scrollTop >= this.followedTop - 1;
    this.followedTop = s.scrollTop;
    if (moved) return;
    this.follow = s.scrollHeight - s.scrollTop - s.clientHeight <= FOLLOW_WITHIN;
    if (!this.follow) this.followedHeight = -1;
  };

  override render() {
    return repeat(
      [...this.shown.values()],
      (s) => s.view.id,
      (s) => this.renderStream(s.view, s.md),
    );
  }

  private renderStream(view: StreamView, md: StreamMarkdown): TemplateResult {
    const strings = this.l10n.value.strings;
    const t = strings.assistantUi;
    const thinking = view.phase === 'thinking';
    const handoff = this.service?.state.handoff;
    const canEscalate = !handoff || handoff.state === 'assistant';
    return html`<div class="row other first last stream" data-stream=${view.id} role="article" aria-busy="true" aria-label=${senderName(view.sender, strings)}>
      <div part="message" class="message ai">
        ${renderAiAvatar(view.sender, strings)}
        <div class="content">
          ${renderAiName(view.sender, strings)}
          <div part="bubble" class="bubble" dir="auto">
            ${
              thinking
                ? html`<span class="thinking"><span class="dots" aria-hidden="true"><span></span><span></span><span></span></span>${t.thinking}</span>`
                : repeat(
                    md.parts(),
                    (p) => p.id,
                    (p) => guard([p], () => p.templates),
                  )
            }
          </div>
          ${renderSources(view.sources, t)}
          <div class="stream-actions">
            ${
              view.phase === 'stopping'
                ? html`<span class="stream-note">${t.stopped}</span>`
                : html`<button part="stop-button" class="stream-action" type="button" @click=${(e: Event) => this.handleStop(e, view.id)}>
                    <span class="stop-icon" aria-hidden="true"></span>${t.stop}
                  </button>`
            }
            ${
              canEscalate
                ? html`<button part="talk-to-person" class="stream-action" type="button" @click=${this.handleEscalate}>${t.talkToPerson}</button>`
                : nothing
            }
          </div>
        </div>
      </div>
    </div>`;
  }

  /** Stop: the button gives way to "Stopped."; focus goes on to the message box, not to `body`. */
  private handleStop(e: Event, id: string): void {
    const service = this.service;
    if (!service) return;
    void thenFocusComposer(this, e.currentTarget as Element, () => Promise.resolve(service.stopAnswer(id)));
  }

  private readonly handleEscalate = (e: Event): void => {
    const service = this.service;
    if (!service) return;
    // The button goes once a person is asked for (the banner shows the queue): focus to the message box.
    thenFocusComposer(this, e.currentTarget as Element, () => service.escalate()).catch((err: unknown) =>
      console.warn(`[amoiq-chat] Could not ask for a person: ${(err as Error).message}`),
    );
  };
}
