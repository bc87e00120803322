import { expect } from '@open-wc/testing';
import { serverJob } from './helpers.js';
import { freshIp, sec, secInfo } from './secure.js';

// Behind a proxy (TRUST_PROXY=N) the client address is the X-Forwarded-For entry the proxy
// appended, not the left-most one, which the client writes itself (docs/security.md, "Client
// address behind a proxy"). A real HAProxy with `option forwardfor` runs in front of the security
// instance (TRUST_PROXY=1, at most 5 new sessions and 6 failed logins per address): a client
// that sends its own X-Forwarded-For cannot pick the address its limits are counted under.

describe('client address behind a real proxy (HAProxy)', () => {
  let skip: string | undefined;
  before(async function () {
    this.timeout(250_000);
    await secInfo();
    ({ skip } = await serverJob<{ url?: string; skip?: string }>('backend-proxy-start'));
    if (skip) console.warn(`SKIPPED: ${skip}`);
  });
  beforeEach(function () {
    if (skip) this.skip();
  });

  it('counts new sessions under the address the proxy saw, whatever X-Forwarded-For the client sends', async () => {
    // Each request claims another address; through the proxy they are all the proxy's client.
    const spoofed = Array.from({ length: 7 }, () => ({ path: '/api/chat/session', auth: 'tenant:demo', body: {}, ip: freshIp() }));
    const viaProxy = await sec(spoofed, 'proxy');
    const statuses = viaProxy.map((a) => a.status);
    expect(statuses.filter((s) => s === 200).length, statuses.join()).to.be.at.most(5);
    expect(statuses.at(-1)).to.equal(429);
    expect(viaProxy.at(-1)!.body.error.message).to.contain('from this address');
    // The same requests straight to the server, which trusts one proxy: there the header is the
    // proxy's word, so each claimed address counts on its own (none is limited).
    const direct = await sec(spoofed.map((r) => ({ ...r, ip: freshIp() })));
    expect(direct.map((a) => a.status)).to.deep.equal(direct.map(() => 200));
  });

  it('limits failed logins from one client through the proxy although each claims another address', async () => {
    const attempts = Array.from({ length: 4 }, (_, i) => ({
      path: '/api/agent/login',
      body: { email: `proxy-${i}-${Date.now()}@sec.test`, password: 'wrong' },
      ip: freshIp(),
    }));
    const answers = await sec(attempts, 'proxy');
    expect(answers.map((a) => a.status)).to.deep.equal([401, 401, 401, 429]);
    expect(answers[3].body.error.message).to.contain('this address');
  });
});
