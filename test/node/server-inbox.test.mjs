// @ts-check
// docs/security.md, "Empty sessions and the agents' inbox": a conversation reaches the agents from
// its first visitor message, contact details or upload, never from a page view; the inbox pages
// with a cursor (each conversation exactly once) and filters open / waiting / mine / closed.
// A server of its own, so the test knows every conversation of the tenant.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { AGENT_2, API_KEY, newId, startServer } from './chat-server.mjs';

/** @type {Awaited<ReturnType<typeof startServer>>} */
let server;
/** @type {string} */
let ada;
/** @type {string} */
let bob;

before(async () => {
  server = await startServer();
  ada = await server.agentToken();
  bob = await server.agentToken(AGENT_2);
});
after(() => server.close());

/**
 * One page of the inbox.
 * @param {string} token
 * @param {string} [query]
 */
async function inbox(token, query = '') {
  const res = await server.request(`/api/agent/conversations${query}`, { auth: token });
  assert.equal(res.status, 200, JSON.stringify(res.body));
  return /** @type {{ conversations: any[], nextCursor: string | null }} */ (res.body);
}

/** Every page, following nextCursor. @param {string} token @param {string} query */
async function allPages(token, query) {
  /** @type {any[][]} */
  const pages = [];
  let cursor = null;
  do {
    const page = await inbox(token, `${query}${cursor ? `&cursor=${cursor}` : ''}`);
    pages.push(page.conversations);
    cursor = page.nextCursor;
  } while (cursor);
  return pages;
}

/** @param {any} s @param {string} text */
const agentReply = (s, text, token = ada) =>
  server.request(`/api/agent/conversations/${s.conversationId}/messages`, { auth: token, body: { clientId: newId(), text } });

describe('empty sessions', () => {
  test('205 empty sessions do not hide a waiting visitor, and agents are not told about them', async () => {
    const agents = server.socket(`/ws/agent?token=${ada}`);
    assert.equal(await agents.ready(), 'ready');
    const waiting = await server.session();
    assert.equal((await server.say(waiting, 'is anyone there?')).status, 201);
    const empty = [];
    for (let i = 0; i < 205; i++) empty.push(await server.session());
    const emptyIds = new Set(empty.map((s) => s.conversationId));
    assert.equal(emptyIds.size, 205);

    const marker = await server.session();
    await server.say(marker, 'marker');
    await agents.next((f) => f.type === 'conversation' && f.conversation.id === marker.conversationId);
    assert.deepEqual(
      agents.frames.filter((f) => f.type === 'conversation' && emptyIds.has(f.conversation.id)),
      [],
    );

    const all = await inbox(ada, '?limit=200');
    assert.deepEqual(
      all.conversations.map((c) => c.id),
      [marker.conversationId, waiting.conversationId],
    );
    assert.equal(all.nextCursor, null);
    assert.deepEqual(
      (await inbox(ada, '?filter=waiting')).conversations.map((c) => c.id),
      [marker.conversationId, waiting.conversationId],
    );
    agents.close();
  });

  test('contact details and an upload start a conversation too; reading and typing do not', async () => {
    const withContact = await server.session();
    const contact = await server.request('/api/chat/contact', {
      auth: API_KEY,
      session: withContact.token,
      body: { conversationId: withContact.conversationId, email: 'a@example.com' },
    });
    assert.equal(contact.status, 204);
    // The one address rule of the server (validation.js EMAIL_PATTERN, also the transcript
    // e-mail's): an address a mail server would read as something else is refused here too, so a
    // stored contact address is never one the transcript e-mail then refuses.
    for (const email of ['<a@example.com>', '"a"@example.com', 'a@[127.0.0.1]', 'a,b@example.com']) {
      const refused = await server.request('/api/chat/contact', {
        auth: API_KEY,
        session: withContact.token,
        body: { conversationId: withContact.conversationId, email },
      });
      assert.equal(refused.status, 400, email);
    }
    const withFile = await server.session();
    const upload = await fetch(`${server.url}/api/chat/uploads?conversationId=${withFile.conversationId}&name=a.txt`, {
      method: 'POST',
      headers: { Authorization: `Bearer ${API_KEY}`, 'X-Amoiq-Session': withFile.token, 'Content-Type': 'text/plain' },
      body: 'file',
    });
    assert.equal(upload.status, 201);
    const idle = await server.session();
    await server.request('/api/chat/read', { auth: API_KEY, session: idle.token, body: { conversationId: idle.conversationId, seq: 0 } });
    await server.request('/api/chat/typing', {
      auth: API_KEY,
      session: idle.token,
      body: { conversationId: idle.conversationId, typing: true },
    });

    const ids = (await inbox(ada, '?limit=200')).conversations.map((c) => c.id);
    assert.ok(ids.includes(withContact.conversationId) && ids.includes(withFile.conversationId));
    assert.ok(!ids.includes(idle.conversationId));
    // Neither of these waits for a reply: no message yet.
    const waiting = (await inbox(ada, '?filter=waiting&limit=200')).conversations.map((c) => c.id);
    assert.ok(!waiting.includes(withContact.conversationId));
  });
});

describe('paging and filters', () => {
  test('pages return every conversation exactly once, in the order of one big page', async () => {
    for (let i = 0; i < 25; i++) await server.say(await server.session(), `paging ${i}`);
    const whole = (await inbox(ada, '?limit=200')).conversations.map((c) => c.id);
    assert.ok(whole.length >= 29);
    const pages = await allPages(ada, '?limit=7');
    assert.ok(pages.every((p) => p.length <= 7) && pages.length === Math.ceil(whole.length / 7));
    assert.deepEqual(
      pages.flat().map((c) => c.id),
      whole,
    );
  });

  test('a conversation that moves up while the agent pages is not listed twice', async () => {
    const first = await inbox(ada, '?limit=5');
    const seen = first.conversations.map((c) => c.id);
    // New activity in the second conversation of page 1 moves it to the top.
    const bumped = first.conversations[1];
    assert.equal((await agentReply({ conversationId: bumped.id }, 'bump')).status, 201);
    /** @type {string[]} */
    const rest = [];
    let cursor = first.nextCursor;
    while (cursor) {
      const page = await inbox(ada, `?limit=5&cursor=${cursor}`);
      rest.push(...page.conversations.map((c) => c.id));
      cursor = page.nextCursor;
    }
    const listed = [...seen, ...rest];
    assert.equal(new Set(listed).size, listed.length, 'a conversation came twice');
    assert.deepEqual(new Set(listed), new Set((await inbox(ada, '?limit=200')).conversations.map((c) => c.id)));
  });

  test('filters: waiting for a reply, open, mine (per agent), closed', async () => {
    const waiting = await server.session();
    await server.say(waiting, 'help');
    const answeredByAda = await server.session();
    await server.say(answeredByAda, 'help');
    await agentReply(answeredByAda, 'on it');
    const answeredByBob = await server.session();
    await server.say(answeredByBob, 'help');
    await agentReply(answeredByBob, 'hi', bob);
    await server.say(answeredByBob, 'thanks, one more thing'); // waiting again, and Bob's
    const closed = await server.session();
    await server.say(closed, 'bye');
    await server.request(`/api/agent/conversations/${closed.conversationId}/close`, { auth: ada, body: {} });

    const ids = async (/** @type {string} */ token, /** @type {string} */ filter) =>
      (await allPages(token, `?filter=${filter}&limit=50`)).flat().map((c) => c.id);
    const mine = [waiting, answeredByAda, answeredByBob, closed].map((s) => s.conversationId);
    const pick = (/** @type {string[]} */ list) => mine.filter((id) => list.includes(id));
    assert.deepEqual(pick(await ids(ada, 'waiting')), [waiting.conversationId, answeredByBob.conversationId]);
    assert.deepEqual(pick(await ids(ada, 'open')), [waiting.conversationId, answeredByAda.conversationId, answeredByBob.conversationId]);
    assert.deepEqual(pick(await ids(ada, 'mine')), [answeredByAda.conversationId]);
    assert.deepEqual(pick(await ids(bob, 'mine')), [answeredByBob.conversationId]);
    assert.deepEqual(pick(await ids(ada, 'closed')), [closed.conversationId]);
    assert.deepEqual(pick(await ids(ada, 'all')), mine);
    const listed = (await inbox(ada, '?limit=200')).conversations.find((c) => c.id === answeredByBob.conversationId);
    assert.equal(listed.awaitingReply, true);
    assert.deepEqual(listed.agentIds, ['agent_bob']);
  });

  test('bad filter, cursor or limit is 400 bad_request', async () => {
    for (const query of [
      '?filter=everything',
      '?limit=0',
      '?limit=201',
      '?cursor=nope',
      `?cursor=${Buffer.from('["x","y"]').toString('base64url')}`,
      '?cursor=%00',
    ]) {
      const res = await server.request(`/api/agent/conversations${query}`, { auth: ada });
      assert.equal(res.status, 400, query);
      assert.equal(res.body.error.code, 'bad_request');
    }
  });
});
