// @ts-check
/**
 * An SMTP server of the test's own (smtp-server, no TLS) that keeps every message it receives:
 * for the transcript e-mail tests (test/node/assistant-mail.test.mjs,
 * server-assistant-queue.test.mjs) and the browser tests' assistant backend (test/plugins/backend.mjs).
 */
import { SMTPServer } from 'smtp-server';

/**
 * @typedef {{ raw: string, from: string, to: string[], user: unknown }} Received
 *   `raw`: the message as sent (headers and body); `from`, `to`: the envelope; `user`: who logged in
 */

/**
 * Listens on 127.0.0.1, any free port.
 * @param {{ auth?: { user: string, pass: string }, unref?: boolean }} [options] `auth`: the only
 *   login accepted (and required); without it, no login. `unref`: the server does not keep the
 *   process alive.
 * @returns {Promise<{ port: number, received: Received[], close: () => Promise<void> }>}
 */
export async function startSmtp({ auth, unref = false } = {}) {
  /** @type {Received[]} */
  const received = [];
  const server = new SMTPServer({
    logger: false,
    disabledCommands: ['STARTTLS'],
    allowInsecureAuth: true,
    authOptional: !auth,
    onAuth(credentials, _session, callback) {
      if (auth && credentials.username === auth.user && credentials.password === auth.pass) callback(null, { user: credentials.username });
      else callback(new Error('Invalid username or password'));
    },
    onData(stream, session, callback) {
      /** @type {Buffer[]} */
      const chunks = [];
      stream.on('data', (c) => chunks.push(c));
      stream.on('end', () => {
        const envelope = session.envelope;
        received.push({
          raw: Buffer.concat(chunks).toString('utf8'),
          from: envelope.mailFrom ? envelope.mailFrom.address : '',
          to: envelope.rcptTo.map((r) => r.address),
          user: session.user,
        });
        callback();
      });
    },
  });
  await new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve(undefined)));
  if (unref) server.server.unref();
  const port = /** @type {import('node:net').AddressInfo} */ (server.server.address()).port;
  return { port, received, close: () => new Promise((resolve) => server.close(() => resolve(undefined))) };
}
