import { expect } from '@open-wc/testing';
import { AssistantStreams, assistantFields, type StreamChange } from '../../src/services/assistant-stream.js';
import type { Sender } from '../../src/protocol/v1.js';

const robin: Sender = { type: 'ai', id: 'assistant', name: 'Robin' };

function setup() {
  const stops: string[] = [];
  const counts: number[] = [];
  const streams = new AssistantStreams({ requestStop: (id) => stops.push(id), countChanged: (n) => counts.push(n) });
  const changes: StreamChange[] = [];
  streams.onChange((c) => changes.push(c));
  /** What a renderer that only applies the changes would show. */
  const shown = new Map<string, string>();
  streams.onChange((c) => {
    if (c.type === 'reset') shown.set(c.stream.id, c.stream.text);
    else if (c.type === 'append') shown.set(c.stream.id, shown.get(c.stream.id) + c.text);
    else if (c.type === 'remove') shown.delete(c.id);
  });
  return { streams, stops, counts, changes, shown };
}

describe('AssistantStreams', () => {
  it('thinks until the first delta, then appends deltas in order', () => {
    const { streams, shown, counts } = setup();
    streams.start('s1', robin, '2026-12-02T10:00:00Z');
    expect(streams.get('s1')!.phase).to.equal('thinking');
    expect(counts).to.deep.equal([1]);
    streams.delta('s1', 0, 'Hello');
    expect(streams.get('s1')!.phase).to.equal('streaming');
    streams.delta('s1', 1, ', world');
    expect(streams.get('s1')!.text).to.equal('Hello, world');
    expect(shown.get('s1')).to.equal('Hello, world');
  });

  it('holds a delta that arrives ahead of a missing one and applies both once the gap fills', () => {
    const { streams, shown, changes } = setup();
    streams.start('s1', robin, 'now');
    streams.delta('s1', 0, 'a');
    streams.delta('s1', 2, 'c');
    streams.delta('s1', 3, 'd');
    expect(streams.get('s1')!.text).to.equal('a');
    streams.delta('s1', 1, 'b');
    expect(streams.get('s1')!.text).to.equal('abcd');
    expect(shown.get('s1')).to.equal('abcd');
    // One change for the three pieces the gap released.
    expect(changes.filter((c) => c.type === 'append').map((c) => (c as { text: string }).text)).to.deep.equal(['a', 'bcd']);
  });

  it('drops duplicated and replayed deltas', () => {
    const { streams, shown } = setup();
    streams.start('s1', robin, 'now');
    streams.delta('s1', 0, 'one ');
    streams.delta('s1', 1, 'two ');
    streams.delta('s1', 1, 'two ');
    streams.delta('s1', 0, 'one ');
    streams.start('s1', robin, 'now'); // a repeated start changes nothing
    streams.delta('s1', 2, 'three');
    expect(streams.get('s1')!.text).to.equal('one two three');
    expect(shown.get('s1')).to.equal('one two three');
  });

  it('a reconnect snapshot continues the text it extends and replaces one it does not', () => {
    const { streams, shown, changes } = setup();
    streams.start('s1', robin, 'now');
    streams.delta('s1', 0, 'The answer ');
    // Cut: deltas 1 and 2 were lost; the snapshot holds them.
    streams.snapshot([{ streamId: 's1', sender: robin, startedAt: 'now', index: 2, text: 'The answer is 42.' }]);
    expect(streams.get('s1')!.text).to.equal('The answer is 42.');
    expect(changes.at(-1)).to.include({ type: 'append', text: 'is 42.' });
    streams.delta('s1', 2, 'is 42.'); // late, already in the snapshot
    streams.delta('s1', 3, ' Bye.');
    expect(shown.get('s1')).to.equal('The answer is 42. Bye.');
    // The server restarted and answers again from the start under the same stream id.
    streams.snapshot([{ streamId: 's1', sender: robin, startedAt: 'now', index: 0, text: 'Restarted' }]);
    expect(streams.get('s1')!.text).to.equal('Restarted');
    expect(changes.at(-1)!.type).to.equal('reset');
    expect(shown.get('s1')).to.equal('Restarted');
    streams.delta('s1', 1, ' answer');
    expect(shown.get('s1')).to.equal('Restarted answer');
  });

  it('a snapshot behind what is shown (a slow poll) changes nothing', () => {
    const { streams } = setup();
    streams.start('s1', robin, 'now');
    streams.delta('s1', 0, 'ab');
    streams.delta('s1', 1, 'cd');
    streams.snapshot([{ streamId: 's1', sender: robin, startedAt: 'now', index: 0, text: 'ab' }]);
    expect(streams.get('s1')!.text).to.equal('abcd');
  });

  it('a snapshot shows streams begun while away and drops those the server no longer lists', () => {
    const { streams, shown, counts } = setup();
    streams.start('old', robin, 'now');
    streams.delta('old', 0, 'half an ans');
    streams.snapshot([{ streamId: 'new', sender: robin, startedAt: 'now', index: 1, text: 'fresh text' }]);
    expect(streams.active.map((s) => s.id)).to.deep.equal(['new']);
    expect(shown.has('old')).to.equal(false);
    expect(shown.get('new')).to.equal('fresh text');
    expect(counts.at(-1)).to.equal(1);
  });

  it('the final message replaces its stream, and later frames about it are ignored', () => {
    const { streams, shown, counts } = setup();
    streams.start('s1', robin, 'now');
    streams.delta('s1', 0, 'Hel');
    streams.settle({ streamId: 's1' });
    expect(streams.active).to.have.length(0);
    expect(shown.size).to.equal(0);
    expect(counts).to.deep.equal([1, 0]);
    streams.delta('s1', 1, 'lo');
    streams.start('s1', robin, 'now');
    streams.snapshot([{ streamId: 's1', sender: robin, startedAt: 'now', index: 1, text: 'Hello' }]);
    expect(streams.active).to.have.length(0);
  });

  it('an end without a message removes the stream', () => {
    const { streams } = setup();
    streams.start('s1', robin, 'now');
    streams.end('s1');
    expect(streams.active).to.have.length(0);
  });

  it('Stop asks the server once and keeps the text until the stream ends', () => {
    const { streams, stops } = setup();
    streams.start('s1', robin, 'now');
    streams.delta('s1', 0, 'Part');
    expect(streams.current?.id).to.equal('s1');
    streams.stop('s1');
    streams.stop('s1');
    expect(stops).to.deep.equal(['s1']);
    expect(streams.get('s1')!.phase).to.equal('stopping');
    expect(streams.current).to.equal(undefined);
    streams.delta('s1', 1, 'ial');
    expect(streams.get('s1')!.text).to.equal('Partial');
  });

  it('copies the assistant fields of a message, and nothing for other messages', () => {
    expect(assistantFields({})).to.deep.equal({});
    expect(
      assistantFields({ streamId: 's1', sources: [{ title: 'Returns', url: 'https://x.test/r' }], stopped: true, handoffOffer: false }),
    ).to.deep.equal({ streamId: 's1', sources: [{ title: 'Returns', url: 'https://x.test/r' }], stopped: true });
  });
});
