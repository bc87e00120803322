/**
 * The benchmark page: one <amoiq-message-list> fed by a stand-in for ChatService (state and
 * subscribe only), driven by bench/message-list.bench.mjs through `window.bench`.
 */
import { ContextProvider } from '@lit/context';
import { define } from '../../src/registry.js';
import type { AmoiqMessageList } from '../../src/components/message-list/message-list.js';
import { chatServiceContext } from '../../src/context.js';
import type { ChatMessage, ChatService, ChatState } from '../../src/services/chat-service.js';

const senders = [{ type: 'agent', id: 'a1', name: 'Ada Lovelace' }, { type: 'visitor' }, { type: 'ai', name: 'Helper' }] as const;
const texts = [
  'Hello! How can I help?',
  'My order **#1234** has not arrived yet, can you check?',
  'Sure — see https://example.com/orders/1234 for the tracking page.\n- step one\n- step two',
  'Thanks, that `works` now.',
];

function message(seq: number, total: number): ChatMessage {
  const sender = senders[seq % 5 === 0 ? 2 : Math.floor(seq / 3) % 2];
  return {
    key: `m${seq}`,
    id: `m${seq}`,
    seq,
    sender: { ...sender },
    text: `${texts[seq % texts.length]} (${seq})`,
    // Spread over the last 30 days, so date separators appear.
    createdAt: new Date(Date.now() - (total - seq) * 260_000).toISOString(),
    status: sender.type === 'visitor' ? 'sent' : undefined,
  };
}

class BenchService {
  state: ChatState = { connection: 'online', messages: [], remoteConfig: {}, hasOlder: false, loadingOlder: false };
  private listeners = new Set<(s: ChatState) => void>();
  subscribe(fn: (s: ChatState) => void) {
    this.listeners.add(fn);
    return () => this.listeners.delete(fn);
  }
  set(messages: ChatMessage[]) {
    this.state = { ...this.state, messages };
    for (const fn of this.listeners) fn(this.state);
  }
  async loadOlder() {
    return 0;
  }
}

// Called, not imported for effect: package.json's "sideEffects" lets the bundler drop define.ts.
define();

const frame = () => new Promise<number>((r) => requestAnimationFrame(r));
const host = document.getElementById('host')!;
const service = new BenchService();
new ContextProvider(host, { context: chatServiceContext, initialValue: service as unknown as ChatService });
let list: AmoiqMessageList;

/** Waits until the element has no pending update for two frames in a row (the window has settled). */
async function settled(): Promise<void> {
  for (let quiet = 0; quiet < 2;) {
    const pending = !(await list.updateComplete);
    await frame();
    quiet = pending || list.isUpdatePending ? 0 : quiet + 1;
  }
}

Object.assign(window, {
  bench: {
    /** Milliseconds from inserting the list with `count` messages to its first painted frame. */
    async render(count: number): Promise<number> {
      service.set(Array.from({ length: count }, (_, i) => message(i + 1, count)));
      const start = performance.now();
      list = document.createElement('amoiq-message-list') as AmoiqMessageList;
      list.welcomeMessage = 'Welcome to the benchmark!';
      host.append(list);
      await list.updateComplete;
      await frame();
      const painted = performance.now() - start;
      await settled();
      return painted;
    },
    /** Milliseconds from a new message to the frame that shows it. */
    async append(): Promise<number> {
      const messages = service.state.messages;
      const start = performance.now();
      service.set([...messages, { ...message(messages.length + 1, messages.length + 1), createdAt: new Date().toISOString() }]);
      await list.updateComplete;
      await frame();
      const time = performance.now() - start;
      await settled();
      return time;
    },
    /**
     * Scrolls from the bottom to the top by `step` pixels per frame, as a fast fling would; returns
     * each frame's duration and the work done in it (from the scroll to the end of the update).
     */
    async scrollToTop(step: number): Promise<{ frames: number[]; work: number[] }> {
      const scroller = list.shadowRoot!.querySelector<HTMLElement>('.base')!;
      const frames: number[] = [];
      const work: number[] = [];
      let last = await frame();
      while (scroller.scrollTop > 0) {
        const start = performance.now();
        scroller.scrollTop = Math.max(0, scroller.scrollTop - step);
        scroller.dispatchEvent(new Event('scroll'));
        await list.updateComplete;
        scroller.getBoundingClientRect(); // include layout
        work.push(performance.now() - start);
        const now = await frame();
        frames.push(now - last);
        last = now;
      }
      return { frames, work };
    },
    nodes(): { list: number; rows: number } {
      return {
        list: list.shadowRoot!.querySelectorAll('*').length,
        rows: list.shadowRoot!.querySelectorAll('[data-key]').length,
      };
    },
  },
});
