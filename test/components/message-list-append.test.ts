// Issue 17, append: the work one new message costs the list, counted instead of timed — updates of
// the element, rows rendered again, and that none of it grows with the history.
import { expect } from '@open-wc/testing';
import '../../src/define.js';
import type { AmoiqMessageList } from '../../src/components/message-list/message-list.js';
import { LatestStatuses } from '../../src/components/message-list/row-marks.js';
import type { ChatMessage } from '../../src/services/chat-service.js';
import { until } from '../helpers/dom.js';
import { frames, provided } from '../helpers/provided.js';
import { StubChatService } from '../helpers/state-stub.js';

const ADA = { type: 'agent', id: 'agent_1', name: 'Ada' } as const;
const START = Date.now() - 3_600_000;
const msg = (seq: number): ChatMessage => ({
  key: `m${seq}`,
  id: `m${seq}`,
  seq,
  sender: ADA,
  text: `message ${seq}`,
  createdAt: new Date(START + seq * 120_000).toISOString(),
});

async function list(count: number): Promise<{ el: AmoiqMessageList; service: StubChatService; updates: () => number }> {
  const service = new StubChatService();
  service.append(...Array.from({ length: count }, (_, i) => msg(i + 1)));
  const el = await provided<AmoiqMessageList>('amoiq-message-list', service);
  await frames(6);
  let updates = 0;
  const updated = (el as unknown as { updated(c: unknown): void }).updated.bind(el);
  (el as unknown as { updated(c: unknown): void }).updated = (c) => {
    updates++;
    updated(c);
  };
  return { el, service, updates: () => updates };
}

const scroller = (el: AmoiqMessageList) => el.shadowRoot!.querySelector<HTMLElement>('.base')!;
const articles = (el: AmoiqMessageList) => [...scroller(el).querySelectorAll<HTMLElement>(':scope > [role="article"]')];

describe('<amoiq-message-list> append work (issue 17)', () => {
  for (const count of [100, 5_000]) {
    it(`updates once per new message at the bottom and re-renders only the rows that changed (${count} messages)`, async () => {
      const { el, service, updates } = await list(count);
      // Rows whose DOM is replaced or re-rendered: watched by their text nodes changing.
      const changedRows = new Set<string>();
      const observer = new MutationObserver((records) => {
        for (const r of records) {
          const row = (r.target instanceof Element ? r.target : r.target.parentElement)?.closest<HTMLElement>('[data-key]');
          if (row && r.type !== 'childList') changedRows.add(row.dataset.key!);
          for (const n of r.addedNodes) if (n instanceof HTMLElement && n.dataset.key) changedRows.add(n.dataset.key);
        }
      });
      observer.observe(scroller(el), { subtree: true, childList: true, characterData: true, attributes: true, attributeFilter: ['class'] });
      for (let i = 1; i <= 5; i++) {
        const before = updates();
        service.append(msg(count + i));
        await until(() => articles(el).some((a) => a.dataset.key === `m${count + i}`), 'the new message rendered');
        await frames(4);
        expect(updates() - before, `updates for message ${i}`).to.equal(1);
        const s = scroller(el);
        expect(s.scrollHeight - s.scrollTop - s.clientHeight).to.be.below(2);
      }
      observer.disconnect();
      // Each new message, and the one before it (its group and time now end differently): not the window.
      expect([...changedRows].filter((k) => !/^m\d+$/.test(k) || Number(k.slice(1)) < count - 1)).to.deep.equal([]);
      // The feed's size is right on every article in the window, without re-rendering them.
      for (const a of articles(el)) expect(a.getAttribute('aria-setsize')).to.equal(String(count + 5));
      expect(articles(el).at(-1)!.getAttribute('aria-posinset')).to.equal(String(count + 5));
    });
  }
});

describe('<amoiq-message-list> a message joining a run', () => {
  it("keeps the previous row's meta and read-aloud button, only hiding its time (no rebuild)", async () => {
    const { el, service } = await list(3);
    const sameMinute = (seq: number): ChatMessage => ({
      ...msg(seq),
      createdAt: new Date(START + 3 * 120_000 + (seq - 3) * 1000).toISOString(),
    });
    const metaOf = (key: string) => scroller(el).querySelector<HTMLElement>(`[data-key="${key}"] [part="meta"]`)!;
    await until(() => !!metaOf('m3')?.querySelector('amoiq-read-aloud'), 'the read-aloud button of the last message');
    const meta = metaOf('m3');
    const readAloud = meta.querySelector('amoiq-read-aloud');
    const time = meta.querySelector('time')!;
    expect(time.classList.contains('visually-hidden')).to.equal(false);
    service.append(sameMinute(4));
    await until(() => !!metaOf('m4'), 'the new message rendered');
    await el.updateComplete;
    // The same nodes: the read-aloud element is not disconnected and created again.
    expect(metaOf('m3')).to.equal(meta);
    expect(meta.querySelector('amoiq-read-aloud')).to.equal(readAloud);
    expect(meta.querySelector('time')).to.equal(time);
    // Its time is now for screen readers only (the run's last message shows it), still in the text.
    expect(meta.classList.contains('quiet')).to.equal(true);
    expect(time.classList.contains('visually-hidden')).to.equal(true);
    expect(time.getBoundingClientRect().width).to.be.at.most(1);
    expect(metaOf('m4').querySelector('time')!.classList.contains('visually-hidden')).to.equal(false);
  });
});

describe('LatestStatuses (incremental)', () => {
  const visitor = (seq: number, status: ChatMessage['status']): ChatMessage => ({ ...msg(seq), sender: { type: 'visitor' }, status });
  /** The answer of a full search from the newest message, for comparison. */
  const full = (messages: readonly ChatMessage[]) => new LatestStatuses().update(messages, 0);

  it('gives the answer of a full search after appends, a status change and a new conversation', () => {
    const marks = new LatestStatuses();
    let messages: ChatMessage[] = [visitor(1, 'read'), msg(2), visitor(3, 'delivered'), msg(4)];
    expect(marks.update(messages, 0)).to.deep.equal({ read: 'm1', delivered: 'm3' });
    const steps: Array<(m: ChatMessage[]) => ChatMessage[]> = [
      (m) => [...m, msg(5)],
      (m) => [...m, visitor(6, 'pending')],
      (m) => [...m.slice(0, 2), visitor(3, 'read'), ...m.slice(3)],
      (m) => [...m, msg(7), msg(8)],
      () => [msg(1), msg(2)],
      (m) => [...m, visitor(3, 'delivered')],
    ];
    for (const step of steps) {
      const next = step(messages);
      let shared = 0;
      while (shared < Math.min(messages.length, next.length) && messages[shared] === next[shared]) shared++;
      expect(marks.update(next, shared)).to.deep.equal(full(next));
      messages = next;
    }
  });
});
