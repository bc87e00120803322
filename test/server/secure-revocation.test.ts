import { expect, fixture, html, waitUntil } from '@open-wc/testing';
import '../../demo/agent/src/main.js';
import type { AmoiqAgentApp } from '../../demo/agent/src/agent-app.js';
import { api, backend, fillAgentLogin } from './helpers.js';
import { agentGet, applyTenants, baseTenants, freshIp, hashFor, login, sec, secInfo, secSession, socket, startSec } from './secure.js';

// Revocation (docs/security.md, "Logout and removed agents"): agent tokens carry a token version
// that logout, a password change and removal from the tenants file bump; tenants and agents
// missing from the file are disabled on restart (API key, passwords, tokens); SIGHUP applies the
// file without a restart. Open agent sockets of a revoked agent close with 4001.

const ws = (url: string, path: string) => `${url.replace(/^http/, 'ws')}${path}`;

describe('agent sessions end', () => {
  before(startSec);
  after(async function () {
    this.timeout(120_000);
    await applyTenants(await baseTenants(), 'restart');
  });

  it('on logout: every token of the agent, on every device, and its open sockets', async function () {
    this.timeout(60_000);
    const { url, passwords } = await secInfo();
    const email = 'logout@sec.test';
    const first = (await login(email, passwords[email])).body.token;
    const second = (await login(email, passwords[email])).body.token;
    const live = socket(ws(url, `/ws/agent?token=${encodeURIComponent(first)}`));
    expect((await live.ready).type).to.equal('ready');

    const [out] = await sec([{ path: '/api/agent/logout', auth: first, body: {}, ip: freshIp() }]);
    expect(out.status).to.equal(204);
    expect(await live.closed).to.equal(4001);
    for (const token of [first, second]) {
      const refused = await agentGet('/api/agent/conversations', token);
      expect([refused.status, refused.body.error.code]).to.deep.equal([401, 'invalid_token']);
    }
    const again = socket(ws(url, `/ws/agent?token=${encodeURIComponent(second)}`));
    expect(await again.closed).to.equal(4001);
    // Logging in again works and gives a token that does.
    const fresh = (await login(email, passwords[email])).body.token;
    expect((await agentGet('/api/agent/conversations', fresh)).status).to.equal(200);
    // A second logout with the dead token is refused, not an error.
    const [twice] = await sec([{ path: '/api/agent/logout', auth: first, body: {}, ip: freshIp() }]);
    expect(twice.status).to.equal(401);
  });

  it('on restart without them in the tenants file: the agent’s token and password, the tenant’s API key and sessions', async function () {
    this.timeout(120_000);
    const { url, passwords } = await secInfo();
    const removed = (await login('removed@sec.test', passwords['removed@sec.test'])).body.token;
    const goneAgent = (await login('agent@gone.test', passwords['agent@gone.test'])).body.token;
    const goneVisitor = await secSession('pk_gone_amoiq_public_key');
    expect(goneVisitor.status).to.equal(200);
    const stays = (await login('ada@sec.test', passwords['ada@sec.test'])).body.token;

    const tenants = (await baseTenants()).filter((t) => t.id !== 'gone');
    tenants[0].agents = tenants[0].agents!.filter((a) => a.email !== 'removed@sec.test');
    await applyTenants(tenants, 'restart');

    for (const token of [removed, goneAgent]) expect((await agentGet('/api/agent/conversations', token)).status).to.equal(401);
    expect((await login('removed@sec.test', passwords['removed@sec.test'])).status).to.equal(401);
    expect((await login('agent@gone.test', passwords['agent@gone.test'])).status).to.equal(401);
    const key = await secSession('pk_gone_amoiq_public_key');
    expect([key.status, key.body.error.code]).to.deep.equal([401, 'unknown_api_key']);
    const visitorSocket = socket(ws(url, `/ws/chat?token=${encodeURIComponent(goneVisitor.body.token)}`));
    expect(await visitorSocket.closed).to.equal(4001);
    // Everyone still in the file goes on as before.
    expect((await agentGet('/api/agent/conversations', stays)).status).to.equal(200);

    // Back in the file: enabled again, but the old token stays dead.
    await applyTenants(await baseTenants(), 'restart');
    expect((await agentGet('/api/agent/conversations', removed)).status).to.equal(401);
    expect((await login('removed@sec.test', passwords['removed@sec.test'])).status).to.equal(200);
  });

  it('on a password change in the tenants file, applied live with SIGHUP', async function () {
    this.timeout(120_000);
    const { url, passwords } = await secInfo();
    const email = 'rekeyed@sec.test';
    const token = (await login(email, passwords[email])).body.token;
    const live = socket(ws(url, `/ws/agent?token=${encodeURIComponent(token)}`));
    expect((await live.ready).type).to.equal('ready');

    const tenants = await baseTenants();
    const agent = tenants[0].agents!.find((a) => a.email === email)!;
    agent.passwordHash = await hashFor('the new password of rekeyed');
    await applyTenants(tenants, 'reload');

    expect(await live.closed).to.equal(4001);
    expect((await agentGet('/api/agent/conversations', token)).status).to.equal(401);
    expect((await login(email, passwords[email])).status).to.equal(401);
    expect((await login(email, 'the new password of rekeyed')).status).to.equal(200);
    // The same file again is no change: a token from now survives another reload.
    const current = (await login(email, 'the new password of rekeyed')).body.token;
    await applyTenants(tenants, 'reload');
    expect((await agentGet('/api/agent/conversations', current)).status).to.equal(200);
  });
});

describe('agent console Log out', () => {
  beforeEach(() => sessionStorage.clear());

  it('ends the session on the server, not only in the tab', async function () {
    this.timeout(30_000);
    const { url, other } = await backend();
    const el = await fixture<AmoiqAgentApp>(html`<amoiq-agent-app api-base=${url}></amoiq-agent-app>`);
    const root = el.shadowRoot!;
    fillAgentLogin(root, other.agent);
    root.querySelector<HTMLButtonElement>('form button')!.click();
    await waitUntil(() => root.querySelector('.status')?.textContent === 'Live', 'console did not go live', { timeout: 8000 });
    const { token } = JSON.parse(sessionStorage.getItem('amoiq-agent-session')!);
    expect((await api('/api/agent/conversations', { auth: token })).status).to.equal(200);

    [...root.querySelectorAll<HTMLButtonElement>('button')].find((b) => b.textContent === 'Log out')!.click();
    await waitUntil(() => root.querySelector('form.login'), 'no login form after Log out', { timeout: 5000 });
    expect(sessionStorage.getItem('amoiq-agent-session')).to.equal(null);
    await waitUntil(
      async () => (await api('/api/agent/conversations', { auth: token })).status === 401,
      'the token still works after Log out',
      { timeout: 5000 },
    );
  });
});
