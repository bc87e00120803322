import { expect } from '@open-wc/testing';
import { executeServerCommand } from '@web/test-runner-commands';
import { backend, rawHttp, type RawAnswer } from './helpers.js';

// The static server hands out only the allow-listed public folders (docs/security.md, "Static
// files"). The review fetched `GET /demo//server/tenants.json` (an empty segment) and got every
// tenant's identity secret and the agents' passwords, and the backend's sources the same way; a
// list of spellings of that kind of path must all be 404. Sent raw from Node: a browser would
// normalise most of them before they leave.

/** Targets of a request line, each a way to reach something outside the public folders. */
const HOSTILE = [
  // empty segments
  '/demo//server/tenants.json',
  '//demo/server/tenants.json',
  '/demo/server//tenants.json',
  '/demo///server/tenants.json',
  '/demo//server//server.js',
  // encoded slashes, single and double
  '/demo/%2fserver/tenants.json',
  '/demo/%2Fserver/tenants.json',
  '/demo/server%2ftenants.json',
  '/demo%2fserver%2ftenants.json',
  '/demo/%252fserver/tenants.json',
  '/demo/server%252ftenants.json',
  '/demo/host.js%2f..%2fserver%2ftenants.json',
  // plain and encoded dots
  '/demo/server/tenants.json',
  '/demo/./server/tenants.json',
  '/demo/x/../server/tenants.json',
  '/demo/%2e/server/tenants.json',
  '/demo/x/%2e%2e/server/tenants.json',
  '/demo/x/%2E%2E/server/tenants.json',
  '/demo/x/.%2e/server/tenants.json',
  '/demo/x/%2e./server/tenants.json',
  '/demo/x/%252e%252e/server/tenants.json',
  '/demo/x/..%2fserver/tenants.json',
  '/demo/..%2f..%2fpackage.json',
  '/demo/%2e%2e/package.json',
  '/demo/../package.json',
  '/index.html/../demo/server/tenants.json',
  '/demo/host.js/../server/tenants.json',
  '/chunks/..%2f..%2fdemo/server/tenants.json',
  '/chunks/%2e%2e/%2e%2e/package.json',
  '/agent/..%2f..%2fserver/tenants.json',
  '/agent/%2e%2e/%2e%2e/server/tenants.json',
  '/agent/../server/tenants.json',
  // backslashes, raw and encoded
  '/demo/%5cserver/tenants.json',
  '/demo/%5Cserver%5Ctenants.json',
  '/demo/%2e%2e%5c..%5cpackage.json',
  '/demo\\server/tenants.json',
  '/demo/server\\tenants.json',
  // case
  '/DEMO/server/tenants.json',
  '/demo/SERVER/tenants.json',
  '/Demo/Server/Tenants.json',
  '/demo/server/TENANTS.JSON',
  // trailing dots, spaces, slashes; Windows stream and short names
  '/demo/server./tenants.json',
  '/demo/server/tenants.json.',
  '/demo/server%20/tenants.json',
  '/demo/server/tenants.json%20',
  '/demo/server/tenants.json/',
  '/demo/server/tenants.json%2f',
  '/demo/server/tenants.json::$DATA',
  '/demo/server/tenants.json%3a%3a$DATA',
  '/demo/server~1/tenants.json',
  // NUL and control characters
  '/demo/server/tenants.json%00',
  '/demo/server/tenants.json%00.js',
  '/demo/server%00/tenants.json',
  '/demo/%09server/tenants.json',
  // overlong UTF-8 and look-alikes
  '/demo/%c0%afserver/tenants.json',
  '/demo/%c0%ae%c0%ae/package.json',
  '/demo/%e0%80%afserver/tenants.json',
  '/demo/%c1%9cserver/tenants.json',
  '/demo/%u002fserver/tenants.json',
  '/demo/%ef%bc%8fserver/tenants.json',
  '/demo/%e2%88%95server/tenants.json',
  // percent-encoded ordinary letters still name the same forbidden file
  '/demo/%73erver/tenants.json',
  '/%64emo/server/tenants.json',
  '/demo/server/tenants%2ejson',
  // query and fragment
  '/demo/server/tenants.json?x=1',
  '/demo//server/tenants.json#x',
  // other sources, the data directory, dot-files, the repository
  '/demo/server/server.js',
  '/demo/server/auth.js',
  '/demo//server/auth.js',
  '/demo/server',
  '/demo/server/',
  '/demo/server/.data/jwt-secret',
  '/.data/jwt-secret',
  '/demo/.env',
  '/.git/config',
  '/package.json',
  '/demo/agent/src/api.ts',
  '/demo/agent/vite.config.ts',
  '/demo/agent/index.html',
  // absolute-form request target
  'http://127.0.0.1/demo/server/tenants.json',
];

/** Symlinks the fixture puts into the served chunks/ folder, pointing out of it. */
const SYMLINKS = [
  '/chunks/escape-tenants.js',
  '/chunks/escape-server/tenants.json',
  '/chunks/escape-server/server.js',
  '/chunks/escape-data.js',
];

const get = (target: string) => `GET ${target} HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n`;

/** What must never be in an answer: tenants-file keys and source text. */
function leaks(answer: RawAnswer) {
  return ['"tenants"', 'apiKey', 'passwordHash', 'identitySecret', '@ts-check', 'import {', '"name": "amoiq-chat"'].filter((needle) =>
    answer.body.includes(needle),
  );
}

describe('static files: only the public folders', () => {
  before(async () => {
    await backend();
    await executeServerCommand('backend-static-fixture');
  });

  it(`answers 404 to all ${HOSTILE.length + SYMLINKS.length} spellings of a path out of the public folders`, async () => {
    const targets = [...HOSTILE, ...SYMLINKS];
    expect(targets.length).to.be.at.least(50);
    const answers = await rawHttp(targets.map(get));
    const wrong = answers.flatMap((answer, i) =>
      answer.status !== 404 || leaks(answer).length ? [`${targets[i]} → ${answer.status} ${leaks(answer).join(',')}`] : [],
    );
    expect(wrong, wrong.join('\n')).to.deep.equal([]);
    // The answer is the API's error body, not the file.
    expect(JSON.parse(answers[0].body).error.code).to.equal('not_found');
  });

  it('refuses what the HTTP parser itself rejects without serving anything either', async () => {
    const raw = ['/demo/server/tenants.json\u0000', '/demo/\u0000/server/tenants.json'];
    const answers = await rawHttp(raw.map(get));
    for (const [i, answer] of answers.entries()) {
      expect([400, 404], JSON.stringify(raw[i])).to.include(answer.status);
      expect(leaks(answer)).to.deep.equal([]);
    }
  });

  it('still serves the demo page, its files and the widget chunks', async () => {
    const targets = [
      '/',
      '/index.html',
      '/demo/index.html',
      '/demo/host.js',
      '/demo/host.css',
      '/demo/csp.html',
      '/chunks/static-probe.js',
      '/demo/host.js?v=1',
    ];
    const answers = await rawHttp(targets.map(get));
    expect(answers.map((a) => a.status)).to.deep.equal(targets.map(() => 200));
    expect(answers[4].headers['content-type']).to.match(/^text\/css/);
    expect(answers[5].headers['content-security-policy']).to.contain("require-trusted-types-for 'script'");
    expect(answers[6].body).to.contain('export const probe');
    const [agent] = await rawHttp([get('/agent')]);
    expect([agent.status, agent.headers.location]).to.deep.equal([308, '/agent/']);
  });
});
