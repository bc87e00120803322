import { expect } from '@open-wc/testing';
import { ACME_IDENTITY_SECRET, agentToken, api, backend, newId, newSession, postVisitor, userToken, type Session } from './helpers.js';

// Verified visitors (docs/protocol.md "Identity", docs/security.md): a userToken signed by the
// site's backend with the tenant's identity secret.

async function identified(visitorId: string, token: string, extra: Record<string, unknown> = {}) {
  const { apiKey, tenantId } = await backend();
  return api<Session & { user?: { id: string; name?: string; email?: string } }>('/api/chat/session', {
    auth: apiKey,
    body: { tenantId, visitorId, userToken: token, ...extra },
  });
}

const history = async (session: Session) => {
  const { apiKey } = await backend();
  const res = await api(`/api/chat/messages?conversationId=${session.conversationId}`, { auth: apiKey, session: session.token });
  return res.status === 200 ? res.body.messages.map((m: any) => m.text) : res.status;
};

describe('identity: verified visitors', () => {
  it('attaches the anonymous conversation to the user on first identify', async () => {
    const visitorId = newId();
    const anonymous = await newSession(visitorId);
    await postVisitor(anonymous, 'asked before logging in');
    const userId = `user-${newId()}`;
    const res = await identified(visitorId, await userToken({ sub: userId, name: 'Grace', email: 'grace@example.com' }));
    expect(res.status).to.equal(200);
    expect(res.body.conversationId).to.equal(anonymous.conversationId);
    expect(res.body.user).to.deep.equal({ id: userId, name: 'Grace', email: 'grace@example.com' });
    expect(await history(res.body)).to.deep.equal(['asked before logging in']);
    const agent = await agentToken();
    const list = await api('/api/agent/conversations', { auth: agent });
    const conversation = list.body.conversations.find((c: any) => c.id === anonymous.conversationId);
    expect(conversation.user).to.deep.equal({ id: userId, name: 'Grace', email: 'grace@example.com' });
  });

  it('gives the same user the same history on another browser (another visitor id)', async () => {
    const userId = `user-${newId()}`;
    const laptop = await identified(newId(), await userToken({ sub: userId }));
    await postVisitor(laptop.body, 'from the laptop');
    const phone = await identified(newId(), await userToken({ sub: userId }));
    expect(phone.body.conversationId).to.equal(laptop.body.conversationId);
    expect(await history(phone.body)).to.deep.equal(['from the laptop']);
  });

  it('after identify, the anonymous visitor id alone no longer reaches the user’s conversation', async () => {
    const visitorId = newId();
    const anonymous = await newSession(visitorId);
    await postVisitor(anonymous, 'private');
    await identified(visitorId, await userToken({ sub: `user-${newId()}` }));
    // The old anonymous token is refused; a new anonymous session starts empty.
    expect(await history(anonymous)).to.equal(403);
    const again = await newSession(visitorId);
    expect(again.conversationId).not.to.equal(anonymous.conversationId);
    expect(await history(again)).to.deep.equal([]);
  });

  it('refuses unsigned, wrongly signed, expired, other-tenant and alg:none identities with 401 invalid_identity', async () => {
    const victim = `user-${newId()}`;
    const victimSession = await identified(newId(), await userToken({ sub: victim }));
    await postVisitor(victimSession.body, 'victim’s history');
    const header = btoa('{"alg":"none","typ":"JWT"}').replace(/=+$/, '');
    const payload = btoa(JSON.stringify({ sub: victim, exp: Math.floor(Date.now() / 1000) + 600 })).replace(/=+$/, '');
    const attempts: Array<[string, Record<string, unknown>]> = [
      ['unsigned userId', { userId: victim }],
      ['wrong secret', { userToken: await userToken({ sub: victim }, { secret: 'not-the-secret' }) }],
      ['another tenant’s secret', { userToken: await userToken({ sub: victim }, { secret: ACME_IDENTITY_SECRET }) }],
      ['expired', { userToken: await userToken({ sub: victim }, { expiresIn: '-1m' }) }],
      ['alg none', { userToken: `${header}.${payload}.` }],
      ['not a JWT', { userToken: 'hello' }],
      ['no sub', { userToken: await userToken({ name: 'nobody' }) }],
      ['userId differs from sub', { userToken: await userToken({ sub: `user-${newId()}` }), userId: victim }],
    ];
    for (const [what, body] of attempts) {
      const { apiKey } = await backend();
      const res = await api('/api/chat/session', { auth: apiKey, body: { visitorId: newId(), ...body } });
      expect(res.status, what).to.equal(401);
      expect(res.body.error.code, what).to.equal('invalid_identity');
      expect(JSON.stringify(res.body), what).not.to.contain('victim’s history');
    }
  });

  it('an identified session of one user cannot read another user’s conversation', async () => {
    const { apiKey } = await backend();
    const alice = (await identified(newId(), await userToken({ sub: `alice-${newId()}` }))).body;
    const bob = (await identified(newId(), await userToken({ sub: `bob-${newId()}` }))).body;
    await postVisitor(bob, 'bob only');
    const res = await api(`/api/chat/messages?conversationId=${bob.conversationId}`, { auth: apiKey, session: alice.token });
    expect(res.status).to.equal(403);
  });
});
