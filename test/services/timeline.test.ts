import { expect } from '@open-wc/testing';
import { nanoid } from 'nanoid';
import type { MessagePage } from '../../src/protocol/v1.js';
import type { ChatMessage } from '../../src/services/chat-types.js';
import { Snapshot } from '../../src/services/snapshot.js';
import { ChatStore } from '../../src/services/store.js';
import { Tasks } from '../../src/services/tasks.js';
import { Timeline, type TimelineDeps } from '../../src/services/timeline.js';
import { FakeClock, wireMessage } from '../helpers/fakes.js';

/** A Timeline on its own: a snapshot for conversation c1, a fake page source, a real store. */
function timeline(
  pages: (query: Record<string, unknown>) => MessagePage = () => ({ messages: [], hasMore: false, lastSeq: 0 }),
  overrides: Partial<Pick<TimelineDeps, 'settle' | 'settled'>> = {},
) {
  const clock = new FakeClock();
  const fetches: Array<Record<string, unknown>> = [];
  const replays: number[] = [];
  const added: ChatMessage[] = [];
  const holder: { part?: Timeline } = {};
  const state = new Snapshot(() => ({ stored: holder.part!.messages, local: [] }));
  state.patch({ conversationId: 'c1' });
  const store = new ChatStore('t1', `amoiq-tl-${nanoid(8)}`);
  const part = (holder.part = new Timeline({
    state,
    store,
    clock,
    tasks: new Tasks(),
    fetchPage: async (query) => {
      fetches.push(query);
      return pages(query);
    },
    requestReplay: (after) => replays.push(after),
    settle: () => false,
    settled: () => undefined,
    arrived: () => undefined,
    added: (message) => added.push(message),
    warn: () => undefined,
    ...overrides,
  }));
  return { part, state, fetches, replays, added, store, clock };
}

describe('Timeline', () => {
  it('keeps messages sorted by seq whatever order they arrive in, drops duplicates, and moves the cursor over what has no hole', () => {
    const { part, state } = timeline();
    for (const seq of [1, 4, 2, 4, 3]) part.accept(wireMessage(seq), false);
    expect(part.messages.map((m) => m.seq)).to.deep.equal([1, 2, 3, 4]);
    expect(part.cursor).to.equal(4);
    expect(
      state.state.messages.map((m) => m.seq),
      'the published snapshot',
    ).to.deep.equal([1, 2, 3, 4]);
    part.accept(wireMessage(2, { conversationId: 'other' }), true);
    expect(part.messages, 'another conversation’s message').to.have.length(4);
  });

  it('fetches what lies in a gap, once, and fills it in order', async () => {
    const { part, fetches, replays, added } = timeline((q) => ({
      messages: q.after === 1 ? [wireMessage(2), wireMessage(3)] : [],
      hasMore: false,
      lastSeq: 4,
    }));
    part.accept(wireMessage(1), true);
    part.accept(wireMessage(4), true);
    part.accept(wireMessage(5), true);
    expect(replays).to.deep.equal([1]);
    expect(fetches).to.deep.equal([{ after: 1, limit: 200 }]);
    await (part as unknown as { gapFetch?: Promise<void> }).gapFetch;
    expect(part.messages.map((m) => m.seq)).to.deep.equal([1, 2, 3, 4, 5]);
    expect(part.cursor).to.equal(5);
    expect(
      added.map((m) => m.seq),
      'each announced once',
    ).to.deep.equal([1, 4, 5, 2, 3]);
  });

  it('writes the visitor’s settled message to the cache before the outbox forgets it (a reload in between loses nothing)', async () => {
    let seen: Promise<string[]> | undefined;
    const settledIds: string[][] = [];
    const { part, store, clock } = timeline(undefined, {
      settle: (clientId) => clientId === 'k1',
      settled: (ids) => {
        settledIds.push([...ids]);
        // A transaction begun now runs after the cache write already queued.
        seen = store.getMessages('c1').then((cached) => cached.map((m) => m.clientId ?? m.id));
      },
    });
    part.accept(wireMessage(1, { sender: { type: 'visitor' }, clientId: 'k1' }), true);
    expect(settledIds).to.deep.equal([['k1']]);
    expect(clock.timers.size, 'no delayed save left').to.equal(0);
    expect(await seen).to.deep.equal(['k1']);
    part.accept(wireMessage(2), true);
    expect(settledIds, 'an agent’s message settles nothing').to.have.length(1);
  });

  it('shows the visitor’s messages read up to the agent’s mark, also those that arrive later', () => {
    const { part } = timeline();
    const mine = (seq: number) => wireMessage(seq, { sender: { type: 'visitor' }, clientId: `k${seq}` });
    part.accept(mine(1), false);
    part.accept(mine(2), false);
    expect(part.markReadByAgent(1)).to.equal(true);
    expect(part.markReadByAgent(1), 'the same mark again').to.equal(false);
    part.accept(mine(3), false);
    part.markReadByAgent(3);
    part.accept(mine(4), false);
    expect(part.messages.map((m) => m.status)).to.deep.equal(['read', 'read', 'read', 'delivered']);
  });
});
