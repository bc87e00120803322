// Issue 12, the streamed answer's cost per render, counted instead of timed: a render of the
// growing answer (and the scroll that follows it) touches the answer only — the list does not
// update, re-render or re-measure its rows — and the answer stays followed to the bottom.
import { expect } from '@open-wc/testing';
import '../../src/define.js';
import { STREAM_RENDER_INTERVAL } from '../../src/components/assistant-stream/assistant-stream.js';
import type { AmoiqMessageList } from '../../src/components/message-list/message-list.js';
import type { ChatMessage } from '../../src/services/chat-service.js';
import { until } from '../helpers/dom.js';
import { frames, provided } from '../helpers/provided.js';
import { StreamingStubChatService } from '../helpers/state-stub.js';

const ADA = { type: 'agent', id: 'agent_1', name: 'Ada' } as const;
const ROBIN = { type: 'ai', id: 'assistant', name: 'Robin' } as const;
const START = Date.now() - 3_600_000;
/** Agent and assistant messages: the assistant's rows are rendered again at every list update. */
const msg = (seq: number): ChatMessage => ({
  key: `m${seq}`,
  id: `m${seq}`,
  seq,
  sender: seq % 2 ? ADA : ROBIN,
  text: `message ${seq}`,
  createdAt: new Date(START + seq * 120_000).toISOString(),
});

async function streamingList(count: number): Promise<{ el: AmoiqMessageList; service: StreamingStubChatService }> {
  const service = new StreamingStubChatService();
  service.append(...Array.from({ length: count }, (_, i) => msg(i + 1)));
  return { el: await provided<AmoiqMessageList>('amoiq-message-list', service), service };
}

describe('<amoiq-assistant-stream> render work (issue 12)', () => {
  it('an answer whose final message arrived leaves in the frame the message shows, not after the render interval', async () => {
    const { el, service } = await streamingList(20);
    const root = () => el.shadowRoot!;
    const streamRow = (id: string) => root().querySelector(`amoiq-assistant-stream [data-stream="${id}"]`);
    service.streams.start('s1', ROBIN, new Date().toISOString());
    service.streams.start('s2', ROBIN, new Date().toISOString());
    service.streams.delta('s1', 0, 'The first answer.');
    service.streams.delta('s2', 0, 'The second answer, still being written.');
    await until(() => !!streamRow('s1')?.textContent?.includes('The first answer.'), 'the first answer');
    await until(() => !!streamRow('s2')?.textContent?.includes('The second answer'), 'the second answer');
    // A render of the answers has just started the interval: the next one would wait for it.
    service.streams.delta('s2', 1, ' More words.');
    await until(() => !!streamRow('s2')?.textContent?.includes('More words.'), 'the second answer grew');
    // At the start of every frame: what the last frame painted. Never the answer and its message both.
    let both = 0;
    let watching = true;
    const watch = () => {
      if (!watching) return;
      if (streamRow('s1') && root().querySelector('[data-key="m21"]')) both++;
      requestAnimationFrame(watch);
    };
    requestAnimationFrame(watch);
    // The final message reaches the timeline and ends its stream in the same task, as in ChatService.
    service.append({ ...msg(21), sender: ROBIN, text: 'The first answer.' });
    service.streams.settle({ streamId: 's1' });
    await until(() => !!root().querySelector('[data-key="m21"]') && !streamRow('s1'), 'the final message instead of the answer');
    await frames(3);
    watching = false;
    expect(both, 'frames showing the answer and its final message').to.equal(0);
    expect(streamRow('s2'), 'the other answer still shown').to.not.equal(null);
  });

  it('in a hidden page (another tab of the visitor) the answer renders at the interval, not at every delta', async () => {
    const { el, service } = await streamingList(5);
    const row = () => el.shadowRoot!.querySelector<HTMLElement>('amoiq-assistant-stream [data-stream]');
    service.streams.start('s1', ROBIN, new Date().toISOString());
    service.streams.delta('s1', 0, 'Start.');
    await until(() => !!row()?.textContent?.includes('Start.'), 'the first words');
    const stream = el.shadowRoot!.querySelector('amoiq-assistant-stream') as unknown as { updated(): void };
    const updated = stream.updated.bind(stream);
    let renders = 0;
    stream.updated = () => {
      renders++;
      updated();
    };
    const visibility = Object.getOwnPropertyDescriptor(Document.prototype, 'visibilityState')!;
    Object.defineProperty(document, 'visibilityState', { configurable: true, get: () => 'hidden' });
    const deltas = 40;
    let elapsed = 0;
    try {
      const start = performance.now();
      // One delta per task, as they come from the socket.
      for (let i = 1; i <= deltas; i++) {
        service.streams.delta('s1', i, ` word${i}`);
        await new Promise((r) => setTimeout(r, 0));
      }
      await until(() => !!row()?.textContent?.includes(`word${deltas}`), 'the whole answer, while hidden');
      elapsed = performance.now() - start;
    } finally {
      delete (document as unknown as Record<string, unknown>).visibilityState;
      Object.defineProperty(Document.prototype, 'visibilityState', visibility);
    }
    expect(renders, `renders in ${elapsed.toFixed(0)} ms`).to.be.at.most(Math.ceil(elapsed / STREAM_RENDER_INTERVAL) + 1);
  });

  it('a block keeps the elements it grew in when it completes: they are not built again', async () => {
    const { el, service } = await streamingList(5);
    const bubble = () => el.shadowRoot!.querySelector<HTMLElement>('amoiq-assistant-stream [data-stream] .bubble');
    service.streams.start('s1', ROBIN, new Date().toISOString());
    service.streams.delta('s1', 0, 'A **first** paragraph');
    await until(() => !!bubble()?.textContent?.includes('A first paragraph'), 'the first words');
    const paragraph = bubble()!.querySelector('p')!;
    const strong = paragraph.querySelector('strong')!;
    service.streams.delta('s1', 1, ' that ends.\n\nThe second');
    await until(() => !!bubble()?.textContent?.includes('The second'), 'the second paragraph');
    const blocks = [...bubble()!.children];
    expect(blocks.map((b) => b.textContent)).to.deep.equal(['A first paragraph that ends.', 'The second']);
    expect(blocks[0], 'the completed paragraph is the element it was written in').to.equal(paragraph);
    expect(blocks[0].querySelector('strong')).to.equal(strong);
    service.streams.delta('s1', 2, ' one.');
    await until(() => !!bubble()?.textContent?.includes('The second one.'), 'the second paragraph grew');
    expect(bubble()!.children[0]).to.equal(paragraph);
  });

  it('a render of the growing answer updates, re-renders and re-measures no row of the list, and follows the answer', async () => {
    const { el, service } = await streamingList(200);
    const scroller = () => el.shadowRoot!.querySelector<HTMLElement>('.base')!;
    const fromBottom = () => scroller().scrollHeight - scroller().scrollTop - scroller().clientHeight;
    await until(() => !!scroller()?.querySelector('[data-key="m200"]') && fromBottom() < 2, 'the list at its newest message');

    service.streams.start('s1', ROBIN, new Date().toISOString());
    const row = () => el.shadowRoot!.querySelector<HTMLElement>('amoiq-assistant-stream [data-stream]');
    await until(() => !!row() && fromBottom() < 2, 'the thinking row, in view');
    service.streams.delta('s1', 0, 'First words.\n\n');
    await until(() => row()!.textContent!.includes('First words.') && fromBottom() < 2, 'the first words, in view');
    await frames(4);

    // From here on: the list's updates, its rows' DOM changes, and the row heights it reads.
    let updates = 0;
    const list = el as unknown as { updated(c: unknown): void };
    const updated = list.updated.bind(el);
    list.updated = (c) => {
      updates++;
      updated(c);
    };
    const changedRows = new Set<string>();
    const observer = new MutationObserver((records) => {
      for (const r of records) {
        const node = r.target instanceof Element ? r.target : r.target.parentElement;
        if (node?.closest('amoiq-assistant-stream')) continue;
        const key = node?.closest<HTMLElement>('[data-key]')?.dataset.key;
        if (key) changedRows.add(key);
        for (const n of r.addedNodes) if (n instanceof HTMLElement && n.dataset.key) changedRows.add(n.dataset.key);
      }
    });
    observer.observe(scroller(), { subtree: true, childList: true, characterData: true, attributes: true });
    const measured = new Set<string>();
    const rect = Element.prototype.getBoundingClientRect;
    Element.prototype.getBoundingClientRect = function (this: Element) {
      const key = (this as HTMLElement).dataset?.key;
      if (key && this.parentElement === scroller()) measured.add(key);
      return rect.call(this);
    };
    let renders = 0;
    try {
      for (let i = 1; i <= 8; i++) {
        const text = `Paragraph ${i}, long enough to wrap onto a second line of the bubble.\n\n${i % 3 ? '' : '- one\n- two\n\n'}`;
        service.streams.delta('s1', i, text);
        await until(() => row()!.textContent!.includes(`Paragraph ${i},`), `paragraph ${i} rendered`);
        renders++;
        await until(() => fromBottom() < 2, `paragraph ${i} followed to the bottom`);
      }
      await frames(4);
    } finally {
      Element.prototype.getBoundingClientRect = rect;
      observer.disconnect();
    }
    expect(renders).to.equal(8);
    expect(row()!.getBoundingClientRect().height, 'the answer is taller than the list').to.be.above(scroller().clientHeight);
    expect(row()!.getBoundingClientRect().bottom - scroller().getBoundingClientRect().bottom).to.be.within(-60, 1);
    expect(updates, 'list updates while the answer grew').to.equal(0);
    expect([...changedRows], 'rows of the list whose DOM changed').to.deep.equal([]);
    expect([...measured], 'rows of the list measured').to.deep.equal([]);

    // The answer's blocks keep their spacing: none above the first, 0.5em above the others.
    const blocks = [...row()!.querySelector('.bubble')!.children] as HTMLElement[];
    expect(blocks.length).to.be.above(8);
    expect(getComputedStyle(blocks[0]).marginBlockStart).to.equal('0px');
    const em = parseFloat(getComputedStyle(blocks[1]).fontSize);
    for (const b of blocks.slice(1)) expect(parseFloat(getComputedStyle(b).marginBlockStart)).to.be.closeTo(em / 2, 0.01);
  });
});
