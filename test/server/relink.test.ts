import { expect } from '@open-wc/testing';
import { agentSocket, agentToken, api, backend, fromNode, newId, RecordingSocket, userToken, visitorSocket } from './helpers.js';

// docs/protocol.md, Coarse fingerprint (opt-in relink), and docs/security.md, "Fingerprint
// relink": a visitor id the server has never seen, whose fingerprint matches exactly one anonymous
// visitor of the tenant seen from the same address within 24 hours, with a visitor message at
// least 10 minutes old, takes over that visitor's conversations under its own new id; the old id
// is revoked. Requests come from Node so each test can pick its own client address (the test
// backends trust X-Forwarded-For); `POST /api/debug/backdate` ages a conversation instead of
// waiting ten minutes.

const randomIp = () =>
  `10.${1 + Math.floor(Math.random() * 250)}.${Math.floor(Math.random() * 250)}.${1 + Math.floor(Math.random() * 250)}`;
const randomFingerprint = () => Array.from(crypto.getRandomValues(new Uint8Array(32)), (b) => b.toString(16).padStart(2, '0')).join('');

async function session(ip: string, body: Record<string, unknown>) {
  const { apiKey } = await backend();
  const [res] = await fromNode([{ path: '/api/chat/session', auth: apiKey, ip, body: { tenantId: 'demo', ...body } }]);
  return res;
}

async function say(ip: string, s: { token: string; conversationId: string }, text: string) {
  const { apiKey } = await backend();
  const [res] = await fromNode([
    {
      path: '/api/chat/messages',
      auth: apiKey,
      ip,
      headers: { 'X-Amoiq-Session': s.token },
      body: { conversationId: s.conversationId, clientId: newId(), text },
    },
  ]);
  expect(res.status).to.equal(201);
}

/** Moves a conversation's messages `seconds` into the past (test-only debug hook). */
async function age(conversationId: string, seconds = 11 * 60) {
  const [res] = await fromNode([{ path: '/api/debug/backdate', body: { conversationId, seconds } }]);
  expect(res.status).to.equal(204);
}

async function messagesAs(s: { token: string; conversationId: string }) {
  const { apiKey } = await backend();
  return api(`/api/chat/messages?conversationId=${s.conversationId}`, { auth: apiKey, session: s.token });
}

/** A visitor with the fingerprint, one message, and a conversation old enough to be relinked. */
async function established(ip: string, fingerprint: string, text = 'my order is late') {
  const original = await session(ip, { visitorId: newId(), fingerprint });
  expect(original.status).to.equal(200);
  expect(original.body.relinked).to.equal(undefined);
  await say(ip, original.body, text);
  await age(original.body.conversationId);
  return original.body;
}

describe('fingerprint relink', () => {
  const sockets: RecordingSocket[] = [];
  afterEach(() => sockets.splice(0).forEach((s) => s.close()));

  it('moves the conversation to the new visitor id: the answer never carries the old one, which is revoked', async () => {
    const ip = randomIp();
    const fingerprint = randomFingerprint();
    const original = await established(ip, fingerprint);
    const oldSocket = await visitorSocket(original);
    sockets.push(oldSocket);

    const newVisitor = newId();
    const cleared = await session(ip, { visitorId: newVisitor, fingerprint });
    expect(cleared.status).to.equal(200);
    expect(cleared.body).to.include({ relinked: true, visitorId: newVisitor, conversationId: original.conversationId, lastSeq: 1 });
    expect(JSON.stringify(cleared.body)).not.to.contain(original.visitorId);
    const history = await messagesAs(cleared.body);
    expect(history.body.messages.map((m: any) => m.text)).to.deep.equal(['my order is late']);

    // The old id is dead: its token, its open socket, and a new session with it.
    expect((await oldSocket.closed).code).to.equal(4001);
    expect((await messagesAs(original)).status).to.equal(403);
    const old = await session(ip, { visitorId: original.visitorId, fingerprint });
    expect(old.body.relinked).to.equal(undefined);
    expect(old.body.conversationId).not.to.equal(original.conversationId);
    expect(old.body.lastSeq).to.equal(0);
  });

  it('without a visitor id the server makes one, and that one gets the conversation', async () => {
    const ip = randomIp();
    const fingerprint = randomFingerprint();
    const original = await established(ip, fingerprint);
    const none = await session(ip, { fingerprint });
    expect(none.body).to.include({ relinked: true, conversationId: original.conversationId });
    expect(none.body.visitorId).to.be.a('string').and.not.equal(original.visitorId);
  });

  it('is not offered for a conversation without visitor messages, nor for one younger than 10 minutes', async () => {
    const ip = randomIp();
    const fingerprint = randomFingerprint();
    const empty = await session(ip, { visitorId: newId(), fingerprint });
    const again = await session(ip, { visitorId: newId(), fingerprint });
    expect(again.body.relinked).to.equal(undefined);
    expect(again.body.conversationId).not.to.equal(empty.body.conversationId);

    const ip2 = randomIp();
    const fingerprint2 = randomFingerprint();
    const young = await session(ip2, { visitorId: newId(), fingerprint: fingerprint2 });
    await say(ip2, young.body, 'just now');
    const tooSoon = await session(ip2, { visitorId: newId(), fingerprint: fingerprint2 });
    expect(tooSoon.body.relinked).to.equal(undefined);
    expect(tooSoon.body.conversationId).not.to.equal(young.body.conversationId);
    // Old enough (and still the only match: the tries above have no visitor message).
    await age(young.body.conversationId);
    const later = await session(ip2, { visitorId: newId(), fingerprint: fingerprint2 });
    expect(later.body).to.include({ relinked: true, conversationId: young.body.conversationId });
  });

  it('does not relink from another address, without a fingerprint, or for a known visitor id', async () => {
    const ip = randomIp();
    const fingerprint = randomFingerprint();
    const original = await established(ip, fingerprint);
    const elsewhere = await session(randomIp(), { visitorId: newId(), fingerprint });
    expect(elsewhere.body.relinked).to.equal(undefined);
    expect(elsewhere.body.conversationId).to.not.equal(original.conversationId);
    const without = await session(ip, { visitorId: newId() });
    expect(without.body.relinked).to.equal(undefined);
    expect(without.body.conversationId).to.not.equal(original.conversationId);
    // `without` is now a known visitor: sending the fingerprint keeps it as it is.
    const known = await session(ip, { visitorId: without.body.visitorId, fingerprint });
    expect(known.body).to.include({ visitorId: without.body.visitorId, conversationId: without.body.conversationId });
    expect(known.body.relinked).to.equal(undefined);
  });

  it('does not relink when two visitors match', async () => {
    const ip = randomIp();
    const fingerprint = randomFingerprint();
    const first = await established(ip, fingerprint, 'first');
    // A second visitor with the same traits that came with a stored id of its own.
    const other = await session(ip, { visitorId: newId() });
    const again = await session(ip, { visitorId: other.body.visitorId, fingerprint });
    await say(ip, again.body, 'second');
    await age(again.body.conversationId);
    const fresh = await session(ip, { visitorId: newId(), fingerprint });
    expect(fresh.body.relinked).to.equal(undefined);
    expect([first.conversationId, other.body.conversationId]).to.not.include(fresh.body.conversationId);
    expect((await messagesAs(first)).status).to.equal(200);
  });

  it('gives an address 20 attempts a day; past them nobody is relinked', async () => {
    const ip = randomIp();
    const fingerprint = randomFingerprint();
    const original = await established(ip, fingerprint); // attempt 1 (a new id with a fingerprint)
    const { apiKey } = await backend();
    // Attempts 2–20: guesses that match nobody.
    const guesses = Array.from({ length: 19 }, () => ({
      path: '/api/chat/session',
      auth: apiKey,
      ip,
      body: { tenantId: 'demo', visitorId: newId(), fingerprint: randomFingerprint() },
    }));
    for (const res of await fromNode(guesses)) expect(res.body.relinked).to.equal(undefined);
    const right = await session(ip, { visitorId: newId(), fingerprint });
    expect(right.status).to.equal(200);
    expect(right.body.relinked).to.equal(undefined);
    expect(right.body.conversationId).not.to.equal(original.conversationId);
    expect((await messagesAs(original)).status).to.equal(200);
  });

  it('does not relink after POST /api/chat/forget', async () => {
    const ip = randomIp();
    const fingerprint = randomFingerprint();
    const { apiKey } = await backend();
    const original = await established(ip, fingerprint);
    const [forget] = await fromNode([
      { method: 'POST', path: '/api/chat/forget', auth: apiKey, ip, headers: { 'X-Amoiq-Session': original.token } },
    ]);
    expect(forget.status).to.equal(204);
    const cleared = await session(ip, { visitorId: newId(), fingerprint });
    expect(cleared.body.relinked).to.equal(undefined);
    expect(cleared.body.conversationId).to.not.equal(original.conversationId);
    const [anonymous] = await fromNode([{ method: 'POST', path: '/api/chat/forget', auth: apiKey, ip }]);
    expect(anonymous.status).to.equal(401);
  });

  it('never relinks to a user’s conversation, nor a session that carries a userToken', async () => {
    const ip = randomIp();
    const fingerprint = randomFingerprint();
    const original = await established(ip, fingerprint);
    // The visitor identifies: its anonymous conversation is attached to the user.
    const identified = await session(ip, { visitorId: original.visitorId, userToken: await userToken({ sub: `u_${newId()}` }) });
    expect(identified.body.conversationId).to.equal(original.conversationId);
    const cleared = await session(ip, { visitorId: newId(), fingerprint });
    expect(cleared.body.relinked).to.equal(undefined);
    expect(cleared.body.conversationId).to.not.equal(original.conversationId);

    // With a userToken the fingerprint is ignored.
    const ip2 = randomIp();
    const fingerprint2 = randomFingerprint();
    const anonymous = await established(ip2, fingerprint2);
    const withUser = await session(ip2, {
      visitorId: newId(),
      fingerprint: fingerprint2,
      userToken: await userToken({ sub: `u_${newId()}` }),
    });
    expect(withUser.status).to.equal(200);
    expect(withUser.body.relinked).to.equal(undefined);
    expect(withUser.body.conversationId).to.not.equal(anonymous.conversationId);
  });

  it('a relinked conversation is never attached to a user by a later identify', async () => {
    const ip = randomIp();
    const fingerprint = randomFingerprint();
    const original = await established(ip, fingerprint);
    const cleared = await session(ip, { visitorId: newId(), fingerprint });
    expect(cleared.body.relinked).to.equal(true);
    const sub = `u_${newId()}`;
    const identified = await session(ip, { visitorId: cleared.body.visitorId, userToken: await userToken({ sub, name: 'Mallory' }) });
    expect(identified.status).to.equal(200);
    expect(identified.body.conversationId).not.to.equal(original.conversationId);
    const list = await api('/api/agent/conversations?limit=200', { auth: await agentToken() });
    const relinked = list.body.conversations.find((c: any) => c.id === original.conversationId);
    expect(relinked.user).to.equal(undefined);
  });

  it('agents see that a relink happened, in the list and live', async () => {
    const token = await agentToken();
    const agents = await agentSocket(token);
    sockets.push(agents);
    const ip = randomIp();
    const fingerprint = randomFingerprint();
    const original = await established(ip, fingerprint);
    const list = async () =>
      (await api('/api/agent/conversations?limit=200', { auth: token })).body.conversations.find(
        (c: any) => c.id === original.conversationId,
      );
    expect((await list()).relinkedAt).to.equal(undefined);
    await session(ip, { visitorId: newId(), fingerprint });
    const frame = await agents.next(
      (f) => f.type === 'conversation' && f.conversation.id === original.conversationId && f.conversation.relinkedAt,
    );
    expect(frame.conversation.relinkCount).to.equal(1);
    const listed = await list();
    expect(listed.relinkedAt).to.be.a('string');
    expect(listed.relinkCount).to.equal(1);
  });

  it('answers 400 for a malformed fingerprint', async () => {
    for (const fingerprint of ['abc', 'A'.repeat(64), 42, 'g'.repeat(64)]) {
      const res = await session(randomIp(), { visitorId: newId(), fingerprint });
      expect(res.status, String(fingerprint)).to.equal(400);
      expect(res.body.error.code).to.equal('bad_request');
    }
  });
});
