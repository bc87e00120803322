import { expect } from '@open-wc/testing';
import type { ChatMessage } from '../../src/services/chat-types.js';
import { buildRows, type Row } from '../../src/components/message-list/rows.js';

const NOW = new Date(2026, 10, 20, 12, 0);

function message(seq: number, sender: ChatMessage['sender'], day: number): ChatMessage {
  return { key: `k${seq}`, seq, sender, text: `m${seq}`, createdAt: new Date(2026, 10, day, 9, seq % 60).toISOString() };
}

/** The rows as plain data (what a fresh build makes). */
const plain = (rows: Row[]) => rows.map((r) => ({ ...r }));

describe('buildRows (incremental)', () => {
  it('appending, changing a message in the middle and prepending give the same rows as a full build, keeping unchanged rows', () => {
    const ada = { type: 'agent' as const, name: 'Ada' };
    const you = { type: 'visitor' as const };
    let list: ChatMessage[] = [];
    for (let i = 1; i <= 40; i++) list.push(message(i, i % 3 ? ada : you, 10 + Math.floor(i / 10)));
    const full = (messages: ChatMessage[]) => plain(buildRows(messages, 'Hi', 'en', NOW));
    buildRows([], 'other', 'en', NOW); // a different welcome: the next call builds everything
    const first = buildRows(list, 'Hi', 'en', NOW);
    // One more message from the same sender as the last: the previous last row's group goes on.
    const next = [...list, message(41, list[39].sender, 14)];
    const appended = buildRows(next, 'Hi', 'en', NOW);
    expect(appended[5], 'rows before the change are the same objects').to.equal(first[5]);
    buildRows([], 'other', 'en', NOW);
    expect(plain(appended)).to.deep.equal(full(next));
    // A status change in the middle (a new object), then older history in front.
    buildRows(next, 'Hi', 'en', NOW);
    const changed = next.map((m, i) => (i === 20 ? { ...m, status: 'read' as const } : m));
    const afterChange = plain(buildRows(changed, 'Hi', 'en', NOW));
    buildRows([], 'other', 'en', NOW);
    expect(afterChange).to.deep.equal(full(changed));
    list = [message(0, you, 9), ...changed];
    buildRows(changed, 'Hi', 'en', NOW);
    const prepended = plain(buildRows(list, 'Hi', 'en', NOW));
    buildRows([], 'other', 'en', NOW);
    expect(prepended).to.deep.equal(full(list));
  });
});
