import { expect } from '@open-wc/testing';
import { agentToken, backend, fromNode, newSession, serverJob, uploadVisitor } from './helpers.js';
import { freshIp, sec, secInfo } from './secure.js';

// CORS headers only where cross-origin use is meant (docs/security.md, "CORS"): the visitor API
// and file URLs (reflected; the tenant's allowed origins are checked on every visitor request),
// the drop-in script and its chunks (`*`: pages on other origins load them with <script> and
// import()). Never the agent API, the agent console, the demo page or other static files: the
// review read the tenants file from any web site because every answer reflected any Origin.

const EVIL = 'https://evil.example';

describe('CORS', () => {
  it('never lets another origin read the agent API, the agent console or static files', async () => {
    const { agent } = await backend();
    const token = await agentToken();
    const answers = await fromNode(
      [
        { path: '/api/agent/login', origin: EVIL, body: agent },
        { path: '/api/agent/conversations', origin: EVIL, auth: token },
        { method: 'OPTIONS', path: '/api/agent/login', origin: EVIL, headers: { 'Access-Control-Request-Method': 'POST' } },
        { path: '/agent/', origin: EVIL },
        { path: '/', origin: EVIL },
        { path: '/demo/host.js', origin: EVIL },
        { path: '/demo/server/tenants.json', origin: EVIL },
        { path: '/nope', origin: EVIL },
        { method: 'OPTIONS', path: '/demo/host.js', origin: EVIL, headers: { 'Access-Control-Request-Method': 'GET' } },
      ],
      'main',
      { timeoutMs: 20_000 },
    );
    // The requests themselves were answered (login works from curl; CORS is about browsers).
    expect(answers.map((a) => a.status)).to.deep.equal([200, 200, 204, answers[3].status, 200, 200, 404, 404, 204]);
    for (const [i, answer] of answers.entries()) {
      expect(answer.headers['access-control-allow-origin'], `answer ${i}`).to.equal(undefined);
      expect(answer.headers['access-control-allow-credentials'], `answer ${i}`).to.equal(undefined);
    }
  });

  it('reflects the origin on the visitor API and file URLs, where the tenant allow-list decides', async () => {
    const session = await newSession();
    const upload = await uploadVisitor(session, 'note.txt', 'hello', 'text/plain');
    const file = new URL(upload.body.attachment.url);
    const answers = await fromNode([
      { method: 'OPTIONS', path: '/api/chat/session', origin: EVIL, headers: { 'Access-Control-Request-Method': 'POST' } },
      { path: '/api/chat/session', origin: EVIL, auth: 'tenant:demo', body: {}, ip: freshIp() },
      { path: file.pathname, origin: EVIL },
      // acme allows only its own origins: the answer is readable, and it is a refusal.
      { path: '/api/chat/session', origin: EVIL, auth: 'pk_acme_amoiq_public_key', body: {}, ip: freshIp() },
    ]);
    expect(answers.map((a) => a.status)).to.deep.equal([204, 200, 200, 403]);
    for (const answer of answers) {
      expect(answer.headers['access-control-allow-origin']).to.equal(EVIL);
      expect(answer.headers.vary).to.contain('Origin');
    }
    expect(answers[0].headers['access-control-allow-headers']).to.contain('X-Amoiq-Session');
    expect(answers[3].body.error.code).to.equal('origin_not_allowed');
  });

  it('lets any page load the drop-in script and its chunks (import() is a CORS request)', async function () {
    this.timeout(180_000);
    await serverJob('backend-build-widget', {}, 170_000);
    const { chunk } = await serverJob<{ chunk: string }>('backend-static-fixture');
    const answers = await fromNode([
      { path: '/amoiq-chat.js', origin: EVIL },
      { path: `/chunks/${chunk}`, origin: EVIL },
    ]);
    expect(answers.map((a) => a.status)).to.deep.equal([200, 200]);
    for (const answer of answers) {
      expect(answer.headers['access-control-allow-origin']).to.equal('*');
      expect(answer.headers['access-control-allow-credentials']).to.equal(undefined);
    }
    // And this page (another origin) can read both in CORS mode, as import() fetches chunks.
    const { url } = await backend();
    const loader = await (await fetch(`${url}/amoiq-chat.js`, { mode: 'cors' })).text();
    const main = /chunks\/amoiq-chat\.main-[\w-]+\.js/.exec(loader)?.[0];
    expect(main, 'the loader names its main chunk').to.be.a('string');
    expect((await fetch(`${url}/${main}`, { mode: 'cors' })).status).to.equal(200);
  });

  it('gives the agent API to no browser origin by default, not even a friendly one', async function () {
    this.timeout(250_000);
    const { url, passwords } = await secInfo();
    // The security instance has no AGENT_CONSOLE_ORIGINS; this page's origin is a stranger to it.
    const read = (path: string, init?: RequestInit) =>
      fetch(`${url}${path}`, init).then(
        (res) => `read ${res.status}`,
        () => 'blocked',
      );
    expect(
      await read('/api/agent/login', {
        method: 'POST',
        headers: { 'Content-Type': 'application/json' },
        body: JSON.stringify({ email: 'ada@sec.test', password: passwords['ada@sec.test'] }),
      }),
    ).to.equal('blocked');
    expect(await read('/demo/host.js')).to.equal('blocked');
    // The visitor API stays usable from any page (the demo tenant allows every origin).
    expect(
      await read('/api/chat/session', {
        method: 'POST',
        headers: { Authorization: 'Bearer tenant:demo', 'Content-Type': 'application/json' },
        body: '{}',
      }),
    ).to.equal('read 200');
    // From Node, the same origin gets no header either.
    const [answer] = await sec([
      { path: '/api/agent/login', origin: location.origin, body: { email: 'ada@sec.test', password: 'wrong' }, ip: freshIp() },
    ]);
    expect(answer.headers['access-control-allow-origin']).to.equal(undefined);
  });
});
