import { expect } from '@open-wc/testing';
import { SignJWT } from 'jose';
import { DEMO_IDENTITY_SECRET, agentToken, api, backend, newId, postVisitor, rawHttp, serverJob, type Session } from './helpers.js';

// The review's low findings (docs/security.md): userTokens issued in the future, unsigned names
// shown as verified, the agent console in frames, demo credentials in a production build.

/** A userToken with chosen `iat` and `exp` (seconds from now). */
function tokenAt(sub: string, iatFromNow: number, expFromNow: number, claims: Record<string, string> = {}) {
  const now = Math.floor(Date.now() / 1000);
  return new SignJWT(claims)
    .setProtectedHeader({ alg: 'HS256' })
    .setSubject(sub)
    .setIssuedAt(now + iatFromNow)
    .setExpirationTime(now + expFromNow)
    .sign(new TextEncoder().encode(DEMO_IDENTITY_SECRET));
}

async function session(body: Record<string, unknown>) {
  const { apiKey } = await backend();
  return api<Session & { user?: { id: string; name?: string; email?: string }; error?: { code: string; message: string } }>(
    '/api/chat/session',
    { auth: apiKey, body: { visitorId: newId(), ...body } },
  );
}

const DAY = 24 * 3600;

describe('userToken times', () => {
  it('refuses a token issued in the future (beyond a minute of clock skew)', async () => {
    const sub = `u_${newId()}`;
    // Issued next year, valid for an hour after that: "issued" years ahead passed the old check.
    const future = await session({ userId: sub, userToken: await tokenAt(sub, 365 * DAY, 365 * DAY + 3600) });
    expect([future.status, future.body.error?.code]).to.deep.equal([401, 'invalid_identity']);
    expect(future.body.error?.message).to.contain('iat');
    const hour = await session({ userId: sub, userToken: await tokenAt(sub, 3600, 7200) });
    expect(hour.status).to.equal(401);
    // A few seconds ahead is clock skew between the site's servers and this one.
    expect((await session({ userId: sub, userToken: await tokenAt(sub, 30, 600) })).status).to.equal(200);
  });

  it('measures the 7-day lifetime from now, not from iat', async () => {
    const sub = `u_${newId()}`;
    // Issued 10 days ago, valid 6 more days: usable for 6 days, which is fine.
    expect((await session({ userId: sub, userToken: await tokenAt(sub, -10 * DAY, 6 * DAY) })).status).to.equal(200);
    // Issued 2 days ago, valid 8 more days: too long from now, whatever iat says.
    const long = await session({ userId: sub, userToken: await tokenAt(sub, -2 * DAY, 8 * DAY) });
    expect([long.status, long.body.error?.code]).to.deep.equal([401, 'invalid_identity']);
  });
});

describe('verified user details', () => {
  async function agentView(conversationId: string) {
    const token = await agentToken();
    const list = await api('/api/agent/conversations', { auth: token });
    return (list.body.conversations as Array<{ id: string; user?: unknown }>).find((c) => c.id === conversationId);
  }

  it('never shows the page’s unsigned userName/userEmail as the verified user', async () => {
    const sub = `u_${newId()}`;
    const res = await session({
      userId: sub,
      userToken: await tokenAt(sub, 0, 600),
      userName: 'Mallory the Admin',
      userEmail: 'ceo@victim.example',
    });
    expect(res.status).to.equal(200);
    expect(res.body.user).to.deep.equal({ id: sub });
    await postVisitor(res.body, 'hello');
    expect((await agentView(res.body.conversationId))?.user).to.deep.equal({ id: sub });
  });

  it('shows what the token signs', async () => {
    const sub = `u_${newId()}`;
    const res = await session({
      userId: sub,
      userToken: await tokenAt(sub, 0, 600, { name: 'Grace', email: 'grace@example.com' }),
      userName: 'Mallory',
    });
    expect(res.body.user).to.deep.equal({ id: sub, name: 'Grace', email: 'grace@example.com' });
    await postVisitor(res.body, 'hello');
    expect((await agentView(res.body.conversationId))?.user).to.deep.equal({ id: sub, name: 'Grace', email: 'grace@example.com' });
  });
});

describe('agent console delivery', () => {
  it('may not be framed by any page', async () => {
    const paths = ['/agent/', '/agent/conversations/x', '/agent/assets/missing.js'];
    const answers = await rawHttp(paths.map((p) => `GET ${p} HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n`));
    for (const [i, answer] of answers.entries()) {
      expect(answer.headers['content-security-policy'], paths[i]).to.equal("frame-ancestors 'none'");
      expect(answer.headers['x-frame-options'], paths[i]).to.equal('DENY');
    }
  });

  it('carries the demo agent’s address only in the demo build, and no password in any', async function () {
    this.timeout(240_000);
    const production = await serverJob<{ js: string }>('backend-build-console', { mode: 'production' }, 230_000);
    expect(production.js).to.contain('Agent console'); // the build is the console
    expect(production.js).to.not.contain('agent@demo.test');
    expect(production.js).to.not.contain('demo-password');
    const demo = await serverJob<{ js: string }>('backend-build-console', { mode: 'demo' }, 230_000);
    expect(demo.js).to.contain('agent@demo.test');
    expect(demo.js).to.not.contain('demo-password');
  });
});
