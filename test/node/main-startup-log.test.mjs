// @ts-check
// The start-up log says how transcript e-mails go out (docs/assistant.md, "Transcript e-mail"):
// the SMTP server, port, TLS mode, user and sender when configured, never the password; that
// nothing is sent when it is not.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { seedDataDir } from '../plugins/pglite-template.mjs';
import { until } from './chat-server.mjs';

const ROOT = resolve(import.meta.dirname, '..', '..');
const dataDir = mkdtempSync(join(tmpdir(), 'amoiq-startup-log-'));

before(() => seedDataDir(dataDir));
after(() => rmSync(dataDir, { recursive: true, force: true }));

/**
 * Starts `node demo/server/main.js` with `env` and returns everything it printed once its
 * start-up lines are complete; then stops it.
 * @param {Record<string, string>} env
 */
async function startupLog(env) {
  const proc = spawn(process.execPath, [join(ROOT, 'demo/server/main.js')], {
    cwd: ROOT,
    env: {
      ...process.env,
      PORT: '0',
      HOST: '127.0.0.1',
      DATA_DIR: dataDir,
      JWT_SECRET: 'startup-log-test',
      DATABASE_URL: '',
      ASSISTANT: 'off',
      SMTP_URL: '',
      SMTP_HOST: '',
      ...env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  proc.stdout?.on('data', (chunk) => (output += chunk));
  proc.stderr?.on('data', (chunk) => (output += chunk));
  const exited = new Promise((done) => proc.once('exit', done));
  try {
    await until(() => /started in \d+ ms/.test(output) || proc.exitCode !== null, 'the start-up lines', 90_000);
    assert.equal(proc.exitCode, null, output);
    return output;
  } finally {
    proc.kill('SIGTERM');
    await exited;
  }
}

test('the start-up log names the SMTP server and sender, never the password; or says e-mails are not sent', async () => {
  const configured = await startupLog({
    SMTP_URL: 'smtp://mailer:s3cr%21t-pass@127.0.0.1:2525',
    SMTP_FROM: 'Demo Store <support@shop.example>',
  });
  assert.match(
    configured,
    /^ {2}e-mail {9}SMTP STARTTLS if offered 127\.0\.0\.1:2525 as mailer, from Demo Store <support@shop\.example>$/m,
  );
  assert.doesNotMatch(configured, /s3cr/, 'the password is never printed');

  const parts = await startupLog({ SMTP_HOST: 'mail.example', SMTP_PORT: '465', SMTP_USER: 'u', SMTP_PASS: 'another-secret' });
  assert.match(parts, /^ {2}e-mail {9}SMTP TLS mail\.example:465 as u, from amoiq-chat <no-reply@localhost>$/m);
  assert.doesNotMatch(parts, /another-secret/);

  const none = await startupLog({});
  assert.match(none, /^ {2}e-mail {9}SMTP is not configured \(.*\): transcript e-mails are not sent, only printed to the console\.$/m);
});
