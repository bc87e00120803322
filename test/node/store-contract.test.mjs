// @ts-check
// What the chat relies on from the store (demo/server/store/), on PGlite and on PostgreSQL
// (AMOIQ_TEST_STORE=postgres, test-store.mjs). PGlite runs one statement at a time; PostgreSQL
// runs requests side by side through a pool, so these tests fire the racy ones at once: the seq
// of a conversation stays gapless, a clientId is stored once, a visitor has one open conversation,
// contact details merge, and storage answers with results, never with HTTP errors.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { openStore } from '../../demo/server/store/index.js';
import { STORE_NAME, freshStore } from './test-store.mjs';

/** @type {import('../../demo/server/store/index.js').Store} */
let store;
/** @type {() => Promise<void>} */
let dispose;
let counter = 0;
const id = (/** @type {string} */ prefix) => `${prefix}_${process.pid}_${++counter}_contract`;

before(async () => {
  const place = await freshStore();
  dispose = place.dispose;
  store = await openStore({ dataDir: place.dataDir, databaseUrl: place.databaseUrl, poolSize: 8 });
  assert.equal(store.db.engine, STORE_NAME === 'PostgreSQL' ? 'postgres' : 'pglite');
  await store.tenants.upsert({ id: 'demo', name: 'Demo', apiKey: 'pk_contract', allowedOrigins: ['*'] }, {});
  await store.agents.upsert({ id: 'agent_ada', tenantId: 'demo', email: 'ada@contract.test', name: 'Ada', passwordHash: 'scrypt$x' });
});
after(async () => {
  await store.close();
  await dispose();
});

/** A new conversation of a new anonymous visitor. */
async function conversation() {
  const { conversation: c } = await store.conversations.open('demo', id('visitor'), undefined, false);
  return c;
}

/** @param {string} conversationId @param {Partial<import('../../demo/server/store/messages.js').NewMessage>} [fields] */
const visitorMessage = (conversationId, fields = {}) =>
  store.messages.insert({ conversationId, clientId: id('client'), sender: { type: 'visitor' }, text: 'hello', ...fields });

describe(`store contract (${STORE_NAME})`, () => {
  test('60 messages sent at once into one conversation get seq 1…60, no gap, no repeat', async () => {
    const c = await conversation();
    const results = await Promise.all(Array.from({ length: 60 }, (_, i) => visitorMessage(c.id, { text: `m${i}` })));
    const seqs = results.map((r) => (r.outcome === 'created' ? r.message.seq : -1)).sort((a, b) => a - b);
    assert.deepEqual(
      seqs,
      Array.from({ length: 60 }, (_, i) => i + 1),
    );
    assert.equal((await store.conversations.byId(c.id))?.lastSeq, 60);
    const page = await store.messages.page(c.id, { after: 0, limit: 100 });
    assert.deepEqual(
      page.messages.map((m) => m.seq),
      seqs,
    );
  });

  test('one clientId sent ten times at once is stored once; the others answer the stored message', async () => {
    const c = await conversation();
    const clientId = id('client');
    const results = await Promise.all(Array.from({ length: 10 }, () => visitorMessage(c.id, { clientId })));
    assert.equal(results.filter((r) => r.outcome === 'created').length, 1);
    assert.equal(results.filter((r) => r.outcome === 'existing').length, 9);
    const ids = new Set(results.map((r) => (r.outcome === 'created' || r.outcome === 'existing' ? r.message.id : '')));
    assert.equal(ids.size, 1);
    assert.equal((await store.conversations.byId(c.id))?.lastSeq, 1);
  });

  test('a visitor message into a closed conversation is not stored (closed); its earlier resend still answers; an agent may write', async () => {
    const c = await conversation();
    const first = await visitorMessage(c.id, { clientId: 'client_before_close' });
    assert.equal(first.outcome, 'created');
    const closed = await store.conversations.setStatus(c.id, 'closed', { text: 'closed', actor: 'Ada' });
    assert.equal(closed.outcome, 'done');
    assert.deepEqual(await visitorMessage(c.id), { outcome: 'closed' });
    const resend = await visitorMessage(c.id, { clientId: 'client_before_close' });
    assert.equal(resend.outcome === 'existing' && resend.message.seq, 1);
    const agent = await store.messages.insert({
      conversationId: c.id,
      clientId: id('client'),
      sender: { type: 'agent', id: 'agent_ada', name: 'Ada' },
      text: 'still here',
    });
    assert.equal(agent.outcome, 'created');
    assert.deepEqual(await visitorMessage('c_does_not_exist'), { outcome: 'missing' });
  });

  test('an agent’s first message is preceded by one joined message, even when two are sent at once', async () => {
    const c = await conversation();
    await visitorMessage(c.id);
    const sender = /** @type {const} */ ({ type: 'agent', id: 'agent_ada', name: 'Ada' });
    const results = await Promise.all(
      [1, 2].map((n) =>
        store.messages.insert({
          conversationId: c.id,
          clientId: id('client'),
          sender,
          text: `reply ${n}`,
          joinedText: 'Ada joined the conversation.',
        }),
      ),
    );
    const page = await store.messages.page(c.id, { after: 0, limit: 10 });
    assert.deepEqual(
      page.messages.map((m) => [m.seq, m.sender.type, m.event ?? m.text]),
      [
        [1, 'visitor', 'hello'],
        [2, 'system', 'joined'],
        [3, 'agent', results[0].outcome === 'created' && results[0].message.seq === 3 ? 'reply 1' : 'reply 2'],
        [4, 'agent', results[0].outcome === 'created' && results[0].message.seq === 3 ? 'reply 2' : 'reply 1'],
      ],
    );
    const after = await store.conversations.byId(c.id);
    assert.deepEqual(after?.agentIds, ['agent_ada']);
    assert.equal(after?.awaitingReply, false);
  });

  test('messages arriving while the store is busy go in one statement (group commit), each with the outcome it has alone', async () => {
    const [a, b, closed] = [await conversation(), await conversation(), await conversation()];
    await visitorMessage(closed.id);
    assert.equal((await store.conversations.setStatus(closed.id, 'closed', { text: 'closed', actor: 'Ada' })).outcome, 'done');
    const resent = id('client');
    const agent = /** @type {const} */ ({ type: 'agent', id: 'agent_ada', name: 'Ada' });
    const before = { ...store.messages.batches };
    // Enough at once that most wait for a statement in flight and share the next one.
    const results = await Promise.all([
      ...Array.from({ length: 12 }, (_, i) => visitorMessage(i % 2 ? a.id : b.id, { text: `m${i}` })),
      visitorMessage(a.id, { clientId: resent, text: 'once' }),
      visitorMessage(a.id, { clientId: resent, text: 'once' }),
      visitorMessage(closed.id),
      visitorMessage('c_does_not_exist'),
      store.messages.insert({
        conversationId: b.id,
        clientId: id('client'),
        sender: agent,
        text: 'hi',
        joinedText: 'Ada joined.',
        quickReplies: ['Yes', 'No'],
      }),
    ]);
    assert.ok(store.messages.batches.largest > 1, 'several messages shared a statement');
    assert.ok(store.messages.batches.statements - before.statements < 17, 'fewer statements than messages');
    const once = results.slice(12, 14);
    assert.deepEqual(once.map((r) => r.outcome).sort(), ['created', 'existing'], 'one clientId twice in a batch: stored once');
    assert.equal(results[14].outcome, 'closed');
    assert.equal(results[15].outcome, 'missing');
    const reply = results[16];
    assert.ok(reply.outcome === 'created');
    assert.deepEqual(reply.message.quickReplies, ['Yes', 'No']);
    assert.deepEqual(
      reply.before.map((m) => m.event),
      ['joined'],
    );
    for (const c of [a, b]) {
      const page = await store.messages.page(c.id, { after: 0, limit: 50 });
      const seqs = page.messages.map((m) => m.seq);
      assert.deepEqual(
        seqs,
        Array.from({ length: seqs.length }, (_, i) => i + 1),
        'gapless',
      );
    }
    assert.equal((await store.messages.page(a.id, { after: 0, limit: 50 })).messages.length, 7);
    assert.equal((await store.messages.page(b.id, { after: 0, limit: 50 })).messages.length, 8);
  });

  test('ten sessions of one new visitor at once get the same open conversation', async () => {
    const visitorId = id('visitor');
    const results = await Promise.all(Array.from({ length: 10 }, () => store.conversations.open('demo', visitorId, undefined, false)));
    assert.equal(new Set(results.map((r) => r.conversation.id)).size, 1);
    assert.equal(results.filter((r) => r.created).length, 1);
  });

  test('contact details sent at once are merged, key by key', async () => {
    const c = await conversation();
    await Promise.all([
      store.conversations.updateContact(c.id, { name: 'Grace' }),
      store.conversations.updateContact(c.id, { email: 'grace@example.test' }),
      store.conversations.updateContact(c.id, { fields: { plan: 'pro' } }),
      store.conversations.updateContact(c.id, { fields: { company: 'Acme' } }),
    ]);
    const stored = await store.conversations.byId(c.id);
    assert.deepEqual(stored?.contact, { name: 'Grace', email: 'grace@example.test', fields: { plan: 'pro', company: 'Acme' } });
    assert.ok(stored?.startedAt, 'contact details start the conversation');
    assert.equal(await store.conversations.updateContact('c_does_not_exist', { name: 'x' }), null);
  });

  test('reopening while the visitor has another open conversation is a conflict, not an error', async () => {
    const visitorId = id('visitor');
    const { conversation: first } = await store.conversations.open('demo', visitorId, undefined, false);
    await store.conversations.setStatus(first.id, 'closed', { text: 'closed' });
    const { conversation: second, created } = await store.conversations.open('demo', visitorId, undefined, true);
    assert.ok(created);
    assert.notEqual(second.id, first.id);
    assert.deepEqual(await store.conversations.setStatus(first.id, 'open', { text: 'reopened' }), { outcome: 'conflict' });
    assert.deepEqual(await store.conversations.setStatus('c_does_not_exist', 'open', { text: 'reopened' }), { outcome: 'missing' });
  });

  test('read marks move forward only, never past the last message', async () => {
    const c = await conversation();
    await visitorMessage(c.id);
    await visitorMessage(c.id);
    assert.equal(await store.conversations.markRead(c.id, 'agent', 99), 2);
    assert.equal(await store.conversations.markRead(c.id, 'agent', 1), null);
    assert.equal((await store.conversations.byId(c.id))?.agentReadSeq, 2);
  });

  test('the inbox pages over started conversations with a cursor, each once', async () => {
    const started = [];
    for (let i = 0; i < 7; i++) {
      const c = await conversation();
      await visitorMessage(c.id);
      started.push(c.id);
    }
    await conversation(); // empty: never listed
    /** @type {string[]} */
    const seen = [];
    /** @type {{ at: string, id: string } | undefined} */
    let cursor;
    do {
      const page = await store.conversations.inbox('demo', { filter: 'all', agentId: 'agent_ada', cursor, limit: 3 });
      seen.push(...page.conversations.map((c) => c.id));
      cursor = page.next ?? undefined;
    } while (cursor);
    assert.equal(new Set(seen).size, seen.length, 'no conversation twice');
    for (const c of started) assert.ok(seen.includes(c));
  });

  test('a file is attached once a message takes it up, and counts against the quotas', async () => {
    const c = await conversation();
    const { attachment, started } = await store.files.insert({
      id: id('f'),
      conversationId: c.id,
      name: 'a.txt',
      type: 'text/plain',
      size: 120,
      url: 'http://x/a',
      uploader: { type: 'visitor' },
    });
    assert.equal(started, true);
    assert.deepEqual(await store.files.storageUsed('demo', { visitorId: c.visitorId }), {
      tenant: (await store.files.storageUsed('demo')).tenant,
      owner: 120,
    });
    assert.deepEqual(await store.files.forMessage(c.id, [attachment.id]), [attachment]);
    assert.equal(await store.files.forMessage(c.id, ['f_someone_else']), null);
    await visitorMessage(c.id, { attachments: [attachment] });
    assert.deepEqual(await store.files.deleteUnattached(new Date(Date.now() + 60_000)), []);
  });
});
