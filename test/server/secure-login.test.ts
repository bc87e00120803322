import { expect } from '@open-wc/testing';
import { until } from '../helpers/until.js';
import { serverJob } from './helpers.js';
import { inspect, login, secInfo, startSec } from './secure.js';

// Agent login (docs/security.md, "Agent login"): failed attempts are limited per account and per
// address with growing waits and a lock, password checks run a few at a time so a login flood
// cannot starve the server, and hashes are scrypt at OWASP's cost (old ones are rehashed).
// The security instance runs with small limits so this is quick: 4 failures per account (waits
// from the 2nd), 6 per address (from the 3rd), a 60 s lock, 2 checks at once and 8 waiting. The
// default numbers are checked with a controlled clock in test/node/rate-limit.test.mjs.

describe('agent login limits', () => {
  before(startSec);
  it('makes an account wait longer after each failure, then locks it even for the right password', async function () {
    this.timeout(60_000);
    const { passwords } = await secInfo();
    const email = 'limited@sec.test';
    // Every attempt from its own address: only the account's limit is in play.
    expect((await login(email, 'wrong-1')).status).to.equal(401);
    expect((await login(email, 'wrong-2')).status).to.equal(401);

    // From the second failure the account waits 1 s, then 2 s (exact waits: rate-limit.test.mjs,
    // with a controlled clock). An attempt inside a wait is refused with Retry-After and is not
    // counted; whether one lands inside it depends on this machine's speed, so the loop takes both
    // answers until the fourth failure. A refusal never asks for more than the wait it is in.
    let failures = 2;
    await until(
      async () => {
        const answer = await login(email, 'wrong');
        if (answer.status === 401) failures++;
        else {
          expect([answer.status, answer.body.error.code]).to.deep.equal([429, 'rate_limited']);
          expect(answer.body.error.message).to.contain('this account');
          const retryAfter = Number(answer.headers['retry-after']);
          expect(answer.body.error.message).to.contain(`retry in ${retryAfter} s`);
          expect(retryAfter, `refused after ${failures} failures`).to.be.at.most(2 ** (failures - 2));
        }
        return failures >= 4;
      },
      'four failed logins for one account',
      40_000,
      250,
    );

    // Four failures: locked for the lock time, whatever the password.
    const locked = await login(email, passwords[email]);
    expect(locked.status).to.equal(429);
    expect(Number(locked.headers['retry-after'])).to.be.within(50, 60);
    expect(locked.body.error.message).to.contain('this account');
    // Another account is not affected.
    expect((await login('ada@sec.test', passwords['ada@sec.test'])).status).to.equal(200);
  });

  it('limits one address over many accounts (unknown ones too, so the answer tells nothing)', async function () {
    this.timeout(60_000);
    const ip = '203.0.113.77';
    // Three failures from one address are free, whichever accounts they name.
    const free: number[] = [];
    for (let i = 0; i < 3; i++) free.push((await login(`nobody-${i}@sec.test`, 'x', ip)).status);
    expect(free).to.deep.equal([401, 401, 401]);
    // From then on the address waits 1 s, 2 s, 4 s between attempts (exact waits: rate-limit.test.mjs,
    // with a controlled clock); an attempt inside a wait is refused and not counted. Whether one
    // lands inside a wait depends on this machine's speed, so the loop accepts both answers and
    // goes on until the sixth failure, which locks the address.
    let failures = 3;
    let next = 3;
    const refusals: string[] = [];
    await until(
      async () => {
        const { status, body } = await login(`nobody-${next++}@sec.test`, 'x', ip);
        if (status === 429) refusals.push(body.error.message);
        else if (status === 401) failures++;
        else throw new Error(`unexpected ${status}: ${JSON.stringify(body)}`);
        return failures >= 6;
      },
      'six failed logins from one address',
      40_000,
      250,
    );
    for (const message of refusals) expect(message).to.contain('this address');
    // Locked: a known account with the right password is refused too, for the lock time.
    const { passwords } = await secInfo();
    const refused = await login('ada@sec.test', passwords['ada@sec.test'], ip);
    expect(refused.status).to.equal(429);
    expect(refused.body.error.message).to.contain('this address');
    expect(Number(refused.headers['retry-after'])).to.be.within(50, 60);
  });
});

describe('agent login under a flood', () => {
  it('checks a few passwords at a time, refuses the excess at once, and keeps serving the widget and visitors', async function () {
    this.timeout(120_000);
    const { chunk } = await serverJob<{ chunk: string }>('backend-static-fixture');
    await secInfo();
    const flood = await serverJob<{
      statuses: Record<string, number>;
      script: { status: number; ms: number; checkedBefore: number };
      session: { status: number; ms: number; checkedBefore: number };
    }>('backend-login-flood', { count: 30, staticPath: `/chunks/${chunk}` });
    // 2 checked at once + 8 waiting; the other 20 are answered 429 without hashing.
    expect(flood.statuses['401'] + flood.statuses['429']).to.equal(30);
    expect(flood.statuses['429']).to.be.at.least(15);
    // The widget chunk (a file read on libuv's thread pool, like scrypt) and a visitor session
    // are answered while the password checks are still going on: not after them.
    expect(flood.script.status).to.equal(200);
    expect(flood.session.status).to.equal(200);
    expect(flood.script.checkedBefore, JSON.stringify(flood)).to.be.at.most(4);
    expect(flood.session.checkedBefore, JSON.stringify(flood)).to.be.at.most(4);
  });
});

describe('agent password hashes', () => {
  it('accepts a hash of the old cost and replaces it with one at N = 2^17 on login', async function () {
    this.timeout(60_000);
    const { passwords } = await secInfo();
    const email = 'legacy@sec.test';
    const before = await inspect({ email });
    expect(before.hash).to.match(/^scrypt\$[^$]+\$[^$]+$/); // no cost parameters: the old N = 2^14
    expect((await login(email, passwords[email])).status).to.equal(200);
    const after = await inspect({ email });
    expect(after.hash).to.match(/^scrypt\$ln=17,r=8,p=1\$/);
    // The new hash is of the same password, and the seed file's hash did not come back on restart.
    expect((await login(email, passwords[email])).status).to.equal(200);
    expect((await inspect({ email })).hash).to.equal(after.hash);
  });
});
