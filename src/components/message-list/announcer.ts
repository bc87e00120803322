/**
 * What `<amoiq-message-list>` tells screen readers, apart from the feed itself: what changed
 * between two snapshots of the messages ({@link changesBetween}) and the polite live region that
 * says each new incoming message (and each own message that failed) once ({@link ListAnnouncer}).
 */
import { html, type ReactiveController, type ReactiveControllerHost, type TemplateResult } from 'lit';
import { repeat } from 'lit/directives/repeat.js';
import type { Strings } from '../../i18n/en.js';
import { plainText, type Block } from './markdown.js';
import { noticeText, senderName, type ListMessage } from './rows.js';

/** How many recent announcements stay in the live region (older ones are removed silently). */
const ANNOUNCED = 5;
/**
 * How long an announcement stays in the live region, in ms: long enough to be read out, short
 * enough that browse mode does not find a second copy of the log after it.
 */
const ANNOUNCE_FOR = 5000;

/** What changed from one snapshot of the messages to the next. */
export interface MessageChanges {
  /** Messages after the previous newest one that were not there before (history pages are before it). */
  added: ListMessage[];
  /** Own messages that have just failed. */
  failed: ListMessage[];
}

/**
 * The difference between two snapshots, without a pass over the whole history: stored messages
 * come first in `seq` order and the visitor's unsent ones (no `seq`) last, so only the tails are
 * compared — a page of older history prepended is never "added".
 */
export function changesBetween(previous: readonly ListMessage[], messages: readonly ListMessage[]): MessageChanges {
  // The unsent tail of each snapshot: the only messages whose status can become "failed".
  const statusBefore = new Map<string, ListMessage['status']>();
  for (let i = previous.length - 1; i >= 0 && previous[i].seq === undefined; i--) statusBefore.set(previous[i].key, previous[i].status);
  const failed: ListMessage[] = [];
  for (let i = messages.length - 1; i >= 0 && messages[i].seq === undefined; i--) {
    const m = messages[i];
    if (m.sender.type === 'visitor' && m.status === 'failed' && statusBefore.get(m.key) !== 'failed') failed.unshift(m);
  }
  const newest = previous.at(-1)?.key;
  let newestIndex = -1;
  for (let i = messages.length - 1; i >= 0; i--) {
    if (messages[i].key === newest) {
      newestIndex = i;
      break;
    }
  }
  // What follows the previous newest message and was not in the previous snapshot: a stored
  // message is found there by its seq (binary search), an unsent one among the unsent tail.
  const storedBefore = previous.length - statusBefore.size;
  const added = messages.slice(newestIndex + 1).filter((m) => {
    if (statusBefore.has(m.key)) return false;
    if (m.seq === undefined) return true;
    let lo = 0;
    let hi = storedBefore;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (previous[mid].seq! < m.seq) lo = mid + 1;
      else hi = mid;
    }
    return lo >= storedBefore || previous[lo].seq !== m.seq;
  });
  return { added, failed };
}

/**
 * The list's live region: each announcement is added once, as text, and removed again after
 * {@link ANNOUNCE_FOR} ms so browse mode finds no second copy. The host renders {@link render}
 * outside the feed.
 */
export class ListAnnouncer implements ReactiveController {
  private announcements: Array<{ key: string; text: string }> = [];
  private readonly timers = new Set<ReturnType<typeof setTimeout>>();

  constructor(
    private readonly host: ReactiveControllerHost,
    private readonly blocks: (text: string) => Block[],
  ) {
    host.addController(this);
  }

  hostDisconnected(): void {
    for (const timer of this.timers) clearTimeout(timer);
    this.timers.clear();
    this.announcements = [];
  }

  /** Announces what changed: new messages from the other side, own messages that failed. */
  track(changes: MessageChanges, t: Strings): void {
    const fresh = changes.failed.map((m) => ({
      key: `failed:${m.key}:${Date.now()}`,
      text: `${t.failed}: ${this.spokenText(m, t, false)}`,
    }));
    for (const m of changes.added) if (m.sender.type !== 'visitor') fresh.push({ key: m.key, text: this.spokenText(m, t) });
    if (fresh.length) this.announce(fresh);
  }

  /**
   * A message as the announcer says it: the sender, then the rendered text (markdown markers
   * dropped) and file names; a system notice that names its agent already says who it is about.
   */
  spokenText(m: ListMessage, t: Strings, withSender = true): string {
    const body = m.sender.type === 'system' ? noticeText(m, t) : plainText(this.blocks(m.text));
    const text = [body, ...(m.attachments ?? []).map((a) => a.name)].filter(Boolean).join(' ');
    return m.sender.type === 'system' || !withSender ? text : `${senderName(m.sender, t)}: ${text}`;
  }

  render(): TemplateResult {
    return html`<div class="visually-hidden announcer" aria-live="polite">
      ${repeat(
        this.announcements,
        (a) => a.key,
        (a) => html`<p>${a.text}</p>`,
      )}
    </div>`;
  }

  /** Adds announcements to the live region, each removed again once it has been read out. */
  private announce(fresh: Array<{ key: string; text: string }>): void {
    this.announcements = [...this.announcements, ...fresh].slice(-ANNOUNCED);
    const keys = new Set(fresh.map((a) => a.key));
    const timer = setTimeout(() => {
      this.timers.delete(timer);
      this.announcements = this.announcements.filter((a) => !keys.has(a.key));
      this.host.requestUpdate();
    }, ANNOUNCE_FOR);
    this.timers.add(timer);
  }
}
