// @ts-check
// Agent password hashing (demo/server/auth.js): OWASP's scrypt cost, old hashes still verify and
// ask for a rehash, and the hasher runs only a few at once (docs/security.md, "Agent login").
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes, scryptSync } from 'node:crypto';
import {
  DUMMY_PASSWORD_HASH,
  PasswordHasher,
  SCRYPT_COST,
  TokenService,
  hashPassword,
  parsePasswordHash,
  verifyPassword,
} from '../../demo/server/auth.js';

/** A hash in the format from before the cost was raised (N = 2^14, no parameters). */
const legacy = (/** @type {string} */ password) => {
  const salt = randomBytes(16);
  return `scrypt$${salt.toString('base64')}$${scryptSync(password, salt, 32).toString('base64')}`;
};

describe('password hashes', () => {
  test('are scrypt at N = 2^17, r = 8, p = 1 (OWASP’s minimum), with the cost in the hash', async () => {
    assert.deepEqual({ ...SCRYPT_COST }, { ln: 17, r: 8, p: 1 });
    const hash = await hashPassword('correct horse');
    assert.match(hash, /^scrypt\$ln=17,r=8,p=1\$[A-Za-z0-9+/=]{24}\$[A-Za-z0-9+/=]{44}$/);
    assert.deepEqual(parsePasswordHash(hash)?.cost, { ln: 17, r: 8, p: 1 });
    assert.deepEqual(await verifyPassword('correct horse', hash), { ok: true, rehash: false });
    assert.deepEqual(await verifyPassword('correct horsE', hash), { ok: false, rehash: false });
  });

  test('a hash from before (N = 2^14) still verifies and asks to be rehashed; a wrong password does not', async () => {
    const old = legacy('battery staple');
    assert.deepEqual(parsePasswordHash(old)?.cost, { ln: 14, r: 8, p: 1 });
    assert.deepEqual(await verifyPassword('battery staple', old), { ok: true, rehash: true });
    assert.deepEqual(await verifyPassword('battery stapler', old), { ok: false, rehash: false });
  });

  test('malformed or absurd hashes never verify (and never throw)', async () => {
    for (const bad of [
      '',
      'plain',
      'scrypt$',
      'scrypt$$',
      'bcrypt$x$y',
      'scrypt$ln=30,r=8,p=1$AAAAAAAAAAAAAAAAAAAAAA==$AAAAAAAAAAAAAAAAAAAAAA==',
      'scrypt$ln=17$a$b',
    ]) {
      assert.equal(parsePasswordHash(bad), null, bad);
      assert.deepEqual(await verifyPassword('x', bad), { ok: false, rehash: false }, bad);
    }
    // The stand-in for unknown accounts costs as much as a real check and matches nothing.
    assert.deepEqual(parsePasswordHash(DUMMY_PASSWORD_HASH)?.cost, { ...SCRYPT_COST });
    assert.deepEqual(await verifyPassword('', DUMMY_PASSWORD_HASH), { ok: false, rehash: false });
  });
});

describe('PasswordHasher', () => {
  test('runs at most `concurrency` at once, queues up to `queue`, answers 429 beyond', async () => {
    const hasher = new PasswordHasher({ concurrency: 2, queue: 3 });
    let running = 0;
    let peak = 0;
    /** @type {Array<() => void>} */
    const release = [];
    const task = () =>
      new Promise((resolve) => {
        running++;
        peak = Math.max(peak, running);
        release.push(() => {
          running--;
          resolve(undefined);
        });
      });
    const runs = Array.from({ length: 7 }, () =>
      /** @type {any} */ (hasher).run(task).then(
        () => 'done',
        (/** @type {any} */ e) => e.status,
      ),
    );
    await new Promise((r) => setImmediate(r));
    assert.equal(hasher.running, 2);
    assert.equal(hasher.queued, 3);
    // Free the slots one by one until every admitted task ran.
    while (release.length) {
      release.shift()?.();
      await new Promise((r) => setImmediate(r));
    }
    assert.deepEqual(await Promise.all(runs), ['done', 'done', 'done', 'done', 'done', 429, 429]);
    assert.equal(peak, 2);
    assert.equal(hasher.running, 0);
  });
});

describe('agent tokens', () => {
  test('carry the agent’s token version; one without a version is refused as revoked', async () => {
    const tokens = new TokenService({ secret: 'test-secret-for-tokens', sessionTtlSeconds: 900, agentTtlSeconds: 3600 });
    const { token } = await tokens.signAgent({ tenantId: 'demo', agentId: 'agent_1', version: 3 });
    assert.deepEqual(await tokens.verifyAgent(token), { kind: 'agent', tenantId: 'demo', agentId: 'agent_1', version: 3 });
    const { SignJWT } = await import('jose');
    const old = await new SignJWT({ typ: 'agent', tid: 'demo' })
      .setProtectedHeader({ alg: 'HS256' })
      .setSubject('agent_1')
      .setIssuedAt()
      .setExpirationTime('1h')
      .sign(new TextEncoder().encode('test-secret-for-tokens'));
    await assert.rejects(tokens.verifyAgent(old), (/** @type {any} */ e) => e.status === 401 && e.code === 'invalid_token');
  });
});
