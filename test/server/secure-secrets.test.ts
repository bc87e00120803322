import { expect } from '@open-wc/testing';
import { serverJob, userToken } from './helpers.js';
import { applyTenants, baseTenants, freshIp, inspect, login, sec, secInfo, startSec } from './secure.js';

// No secret in the tenants file or any served folder (docs/security.md, "Secrets"): agent
// passwords are stored only as scrypt hashes (the file may carry a hash; without one a password
// is generated on first start, printed once and never stored in plain text), identity secrets
// and the JWT secret live in the environment or the data directory.

describe('secrets out of the tenants file', () => {
  before(startSec);
  it('ships a tenants file without passwords or identity secrets', async () => {
    // Read from the repository (the test runner serves it), not from the backend, which never does.
    const file = await (await fetch('/demo/server/tenants.json')).json();
    expect(file.tenants.length).to.be.greaterThan(0);
    for (const tenant of file.tenants) {
      expect(tenant).to.not.have.property('identitySecret');
      for (const agent of tenant.agents ?? []) {
        // No password or hash: who the agent is, and its role where it is not a plain agent.
        expect(
          Object.keys(agent)
            .filter((k) => k !== 'role')
            .sort(),
        ).to.deep.equal(['email', 'id', 'name']);
        expect(agent.role ?? 'agent').to.be.oneOf(['admin', 'agent']);
      }
    }
  });

  it('refuses to start with a plaintext password or an identity secret in the tenants file', async function () {
    this.timeout(60_000);
    const tenants = await baseTenants();
    const withPassword = structuredClone(tenants);
    withPassword[0].agents![0] = { ...withPassword[0].agents![0], password: 'hunter2' } as never;
    const withSecret = structuredClone(tenants);
    withSecret[0].identitySecret = 'in-the-file';
    const [password, secret] = await Promise.all([
      serverJob<{ code: number; stderr: string; started: boolean }>('backend-check-tenants', { tenants: withPassword }),
      serverJob<{ code: number; stderr: string; started: boolean }>('backend-check-tenants', { tenants: withSecret }),
    ]);
    expect([password.started, password.code]).to.deep.equal([false, 2]);
    expect(password.stderr).to.contain('plaintext password').and.contain('passwordHash');
    expect([secret.started, secret.code]).to.deep.equal([false, 2]);
    expect(secret.stderr).to.contain('IDENTITY_SECRET_DEMO');
  });

  it('generates a first password for an agent without a hash, shows it once and keeps only its hash', async function () {
    this.timeout(120_000);
    const tenants = await baseTenants();
    tenants[0].agents!.push({ id: 'agent_sec_boot', email: 'boot@sec.test', name: 'Sec boot' });
    const { logins } = await applyTenants(tenants, 'reload');
    const boot = logins.find((l) => l.email === 'boot@sec.test');
    expect(boot, JSON.stringify(logins)).to.not.equal(undefined);
    expect(boot!.password).to.have.length.of.at.least(16);
    expect((await login(boot!.email, boot!.password)).status).to.equal(200);

    const { hash, found } = await inspect({ email: boot!.email, needles: [boot!.password] });
    expect(hash).to.match(/^scrypt\$ln=17,r=8,p=1\$/);
    expect(found[boot!.password]).to.deep.equal({ tenantsFile: 0, dataDir: 0 });

    // A restart neither prints it again nor changes it.
    const restarted = await applyTenants(tenants, 'restart');
    expect(restarted.output).to.not.contain(boot!.password);
    expect(restarted.logins.map((l) => l.email)).to.not.include('boot@sec.test');
    expect((await login(boot!.email, boot!.password)).status).to.equal(200);
    await applyTenants(await baseTenants(), 'restart');
  });

  it('keeps a generated identity secret in the data directory, the same across restarts', async function () {
    this.timeout(120_000);
    const { identitySecret } = await secInfo();
    expect(identitySecret, 'the instance prints the demo tenant’s identity secret').to.be.a('string');
    const { found } = await inspect({ needles: [identitySecret!] });
    expect(found[identitySecret!].tenantsFile).to.equal(0);
    expect(found[identitySecret!].dataDir).to.be.greaterThan(0);
    const again = await applyTenants(await baseTenants(), 'restart');
    expect(again.output).to.contain(identitySecret!);
    // It verifies userTokens.
    const token = await userToken({ sub: 'u_secret_test' }, { secret: identitySecret! });
    const [session] = await sec([
      { path: '/api/chat/session', auth: 'tenant:demo', body: { userId: 'u_secret_test', userToken: token }, ip: freshIp() },
    ]);
    expect([session.status, session.body.user?.id]).to.deep.equal([200, 'u_secret_test']);
  });
});
