import { expect } from '@open-wc/testing';
import { backend, fromNode, newId, userToken } from './helpers.js';

// docs/protocol.md, Coarse fingerprint (opt-in relink): an unknown visitor id whose fingerprint
// matches exactly one anonymous visitor of the tenant, seen from the same IP address within 24 hours,
// is answered with that visitor's id and conversation. Requests come from Node so each test can
// pick its own client address (the test backends trust X-Forwarded-For).

const randomIp = () => `10.${1 + Math.floor(Math.random() * 250)}.${Math.floor(Math.random() * 250)}.${1 + Math.floor(Math.random() * 250)}`;
const randomFingerprint = () => Array.from(crypto.getRandomValues(new Uint8Array(32)), (b) => b.toString(16).padStart(2, '0')).join('');

async function session(ip: string, body: Record<string, unknown>) {
  const { apiKey } = await backend();
  const [res] = await fromNode([{ path: '/api/chat/session', auth: apiKey, ip, body: { tenantId: 'demo', ...body } }]);
  return res;
}

describe('fingerprint relink', () => {
  it('relinks a new visitor id to the one anonymous visitor with the same fingerprint and address', async () => {
    const ip = randomIp();
    const fingerprint = randomFingerprint();
    const original = await session(ip, { visitorId: newId(), fingerprint });
    expect(original.status).to.equal(200);
    expect(original.body.relinked).to.equal(undefined);

    const cleared = await session(ip, { visitorId: newId(), fingerprint });
    expect(cleared.status).to.equal(200);
    expect(cleared.body).to.include({ relinked: true, visitorId: original.body.visitorId, conversationId: original.body.conversationId });
    // Without a visitor id at all it is the same.
    const none = await session(ip, { fingerprint });
    expect(none.body).to.include({ relinked: true, visitorId: original.body.visitorId });
  });

  it('does not relink from another address, without a fingerprint, or for a known visitor id', async () => {
    const ip = randomIp();
    const fingerprint = randomFingerprint();
    const original = await session(ip, { visitorId: newId(), fingerprint });
    const elsewhere = await session(randomIp(), { visitorId: newId(), fingerprint });
    expect(elsewhere.body.relinked).to.equal(undefined);
    expect(elsewhere.body.visitorId).to.not.equal(original.body.visitorId);
    const without = await session(ip, { visitorId: newId() });
    expect(without.body.relinked).to.equal(undefined);
    expect(without.body.visitorId).to.not.equal(original.body.visitorId);
    // `without` is now a known visitor: sending the fingerprint keeps it as it is.
    const known = await session(ip, { visitorId: without.body.visitorId, fingerprint });
    expect(known.body).to.include({ visitorId: without.body.visitorId, conversationId: without.body.conversationId });
    expect(known.body.relinked).to.equal(undefined);
  });

  it('does not relink when two visitors match', async () => {
    const ip = randomIp();
    const fingerprint = randomFingerprint();
    const first = await session(ip, { visitorId: newId(), fingerprint });
    const second = await session(ip, { visitorId: newId(), fingerprint });
    // The second one was unknown and matched exactly one: it was relinked to the first.
    expect(second.body.visitorId).to.equal(first.body.visitorId);
    // A visitor that comes with a stored identity of its own makes a second candidate.
    const other = await session(ip, { visitorId: newId() });
    const again = await session(ip, { visitorId: other.body.visitorId, fingerprint });
    expect(again.body.visitorId).to.equal(other.body.visitorId);
    const fresh = await session(ip, { visitorId: newId(), fingerprint });
    expect(fresh.body.relinked).to.equal(undefined);
    expect([first.body.visitorId, other.body.visitorId]).to.not.include(fresh.body.visitorId);
  });

  it('does not relink after POST /api/chat/forget', async () => {
    const ip = randomIp();
    const fingerprint = randomFingerprint();
    const { apiKey } = await backend();
    const original = await session(ip, { visitorId: newId(), fingerprint });
    const [forget] = await fromNode([
      { method: 'POST', path: '/api/chat/forget', auth: apiKey, ip, headers: { 'X-Amoiq-Session': original.body.token } },
    ]);
    expect(forget.status).to.equal(204);
    const cleared = await session(ip, { visitorId: newId(), fingerprint });
    expect(cleared.body.relinked).to.equal(undefined);
    expect(cleared.body.visitorId).to.not.equal(original.body.visitorId);
    const [anonymous] = await fromNode([{ method: 'POST', path: '/api/chat/forget', auth: apiKey, ip }]);
    expect(anonymous.status).to.equal(401);
  });

  it('never relinks to a user’s conversation, nor a session that carries a userToken', async () => {
    const ip = randomIp();
    const fingerprint = randomFingerprint();
    const original = await session(ip, { visitorId: newId(), fingerprint });
    // The visitor identifies: its anonymous conversation is attached to the user.
    const identified = await session(ip, { visitorId: original.body.visitorId, userToken: await userToken({ sub: `u_${newId()}` }) });
    expect(identified.body.conversationId).to.equal(original.body.conversationId);
    const cleared = await session(ip, { visitorId: newId(), fingerprint });
    expect(cleared.body.relinked).to.equal(undefined);
    expect(cleared.body.conversationId).to.not.equal(original.body.conversationId);

    // With a userToken the fingerprint is ignored.
    const ip2 = randomIp();
    const fingerprint2 = randomFingerprint();
    const anonymous = await session(ip2, { visitorId: newId(), fingerprint: fingerprint2 });
    const withUser = await session(ip2, { visitorId: newId(), fingerprint: fingerprint2, userToken: await userToken({ sub: `u_${newId()}` }) });
    expect(withUser.status).to.equal(200);
    expect(withUser.body.relinked).to.equal(undefined);
    expect(withUser.body.visitorId).to.not.equal(anonymous.body.visitorId);
  });

  it('answers 400 for a malformed fingerprint', async () => {
    for (const fingerprint of ['abc', 'A'.repeat(64), 42, 'g'.repeat(64)]) {
      const res = await session(randomIp(), { visitorId: newId(), fingerprint });
      expect(res.status, String(fingerprint)).to.equal(400);
      expect(res.body.error.code).to.equal('bad_request');
    }
  });
});
