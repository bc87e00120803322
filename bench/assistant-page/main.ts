/**
 * The assistant-stream benchmark page: one <amoiq-message-list> with a long history, fed by a
 * stand-in for ChatService whose `streams` is the real AssistantStreams, driven by
 * bench/assistant-stream.bench.mjs through `window.bench`.
 */
import { ContextProvider } from '@lit/context';
import { define } from '../../src/registry.js';
import type { AmoiqMessageList } from '../../src/components/message-list/message-list.js';
import { chatServiceContext } from '../../src/context.js';
import type { ChatMessage, ChatService } from '../../src/services/chat-service.js';
import { StreamingStubChatService } from '../../test/helpers/state-stub.js';

const robin = { type: 'ai' as const, id: 'assistant', name: 'Robin' };
const senders = [{ type: 'agent', id: 'a1', name: 'Ada Lovelace' }, { type: 'visitor' }, robin] as const;
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
    createdAt: new Date(Date.now() - (total - seq) * 260_000).toISOString(),
    status: sender.type === 'visitor' ? 'sent' : undefined,
  };
}

define();

const frame = () => new Promise<number>((r) => requestAnimationFrame(r));
const host = document.getElementById('host')!;
// The same stub of the chat service as the list's tests (state, subscribe, the assistant's streams).
const service = new StreamingStubChatService();
new ContextProvider(host, { context: chatServiceContext, initialValue: service as unknown as ChatService });
let list: AmoiqMessageList;

async function settled(el: { updateComplete: Promise<boolean>; isUpdatePending: boolean }): Promise<void> {
  for (let quiet = 0; quiet < 2;) {
    const pending = !(await el.updateComplete);
    await frame();
    quiet = pending || el.isUpdatePending ? 0 : quiet + 1;
  }
}

type Stream = HTMLElement & { updateComplete: Promise<boolean>; isUpdatePending: boolean };

Object.assign(window, {
  bench: {
    /** Waits `count` animation frames doing nothing (the baseline of the stream's frames). */
    async idle(count: number): Promise<void> {
      performance.mark('bench-idle-start');
      // A mark per frame as the stream's loop makes one per delta: the trace's cost of the
      // benchmark's own marks is then subtracted with the idle frames, not counted as the answer's.
      for (let i = 0; i < count; i++) {
        performance.mark('bench-idle-frame');
        await frame();
      }
      performance.mark('bench-idle-end');
    },
    /** Shows the list with `count` messages and waits until it settled. */
    async load(count: number): Promise<void> {
      service.set({ messages: Array.from({ length: count }, (_, i) => message(i + 1, count)) });
      list = document.createElement('amoiq-message-list') as AmoiqMessageList;
      host.append(list);
      await settled(list);
    },
    /**
     * Streams `answer` in `size`-character deltas into a new stream, one delta per animation frame
     * (as on the wire). For each delta the main-thread time it costs: handing it to the service
     * (scan), plus the render it leads to, whenever that runs — the element renders at most once per
     * STREAM_RENDER_INTERVAL, taking in every delta since — measured as Lit's update (the tail's
     * parse included) and a forced style and layout right after it, as the frame would do. A
     * render is counted with the delta that was handed last before it. Returns the per-delta times,
     * their split, how many renders there were, and the final replacement's time.
     */
    async stream(
      id: string,
      answer: string,
      size: number,
    ): Promise<{ deltas: number[]; split: number[]; renders: number; replace: number; text: string; below: number }> {
      // The visitor is at the bottom (they just asked): the answer is followed as it grows.
      list.scrollToBottom();
      await settled(list);
      service.streams.start(id, robin, new Date().toISOString());
      await settled(list);
      const root = list.shadowRoot!;
      const el = await (async () => {
        for (;;) {
          const found = root.querySelector('amoiq-assistant-stream') as Stream | null;
          if (found?.querySelector('[data-stream]')) return found;
          await frame();
        }
      })();
      const scroller = root.querySelector<HTMLElement>('.base')!;
      const deltas: number[] = [];
      /** Totals of: the delta through the service and its listeners, Lit's update (parse included), style and layout. */
      const split = [0, 0, 0];
      let renders = 0;
      const host = el as unknown as { performUpdate(): void };
      const performUpdate = host.performUpdate;
      host.performUpdate = function (this: typeof host) {
        const start = performance.now();
        performUpdate.call(this);
        const upd = performance.now();
        void scroller.scrollHeight; // style and layout now, inside the measurement
        const end = performance.now();
        split[1] += upd - start;
        split[2] += end - upd;
        renders++;
        if (deltas.length) deltas[deltas.length - 1] += end - start;
      };
      try {
        for (let i = 0, index = 0; i < answer.length; i += size, index++) {
          performance.mark(`bench-delta-${index}`);
          const start = performance.now();
          service.streams.delta(id, index, answer.slice(i, i + size));
          const took = performance.now() - start;
          split[0] += took;
          deltas.push(took);
          await frame(); // deltas arrive over time; a frame between them, as on the wire
        }
        await el.updateComplete;
        await frame();
        performance.mark('bench-stream-end');
      } finally {
        host.performUpdate = performUpdate;
      }
      const text = el.textContent ?? '';
      // How far the end of the answer is below the visible part of the list (0: followed).
      const below = Math.max(0, el.getBoundingClientRect().bottom - scroller.getBoundingClientRect().bottom);
      // The final message replaces the stream.
      const start = performance.now();
      const seq = service.state.messages.length + 1;
      service.set({
        messages: [...service.state.messages, { ...message(seq, seq), sender: robin, text: answer, key: `m${seq}`, id: `m${seq}` }],
      });
      service.streams.settle({ streamId: id });
      await list.updateComplete;
      await el.updateComplete;
      void scroller.scrollHeight;
      const replace = performance.now() - start;
      await settled(list);
      return { deltas, split, renders, replace, text, below };
    },
  },
});
