// @ts-check
// Transcript e-mail through a real SMTP server started by the test (smtp-server): the message
// that arrives is parsed (headers, both MIME parts) and checked, including HTML escaping of what
// visitors typed, header injection, authentication, and the labelled console default.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  MailError,
  createMailer,
  escapeHtml,
  renderTranscriptHtml,
  renderTranscriptText,
  smtpSettingsFromEnv,
} from '../../demo/server/mail.js';
import { startSmtp } from './helpers/smtp.mjs';

/**
 * A small MIME reader for the test: unfolded headers (encoded words decoded) and the decoded
 * text of each part of a multipart body.
 * @param {string} raw
 * @returns {{ headers: Record<string, string>, parts: { headers: Record<string, string>, body: string }[] }}
 */
function parseMime(raw) {
  /** @param {string} block */
  const headersOf = (block) => {
    /** @type {Record<string, string>} */
    const headers = {};
    for (const line of block.replace(/\r\n[ \t]+/g, ' ').split('\r\n')) {
      const colon = line.indexOf(':');
      if (colon > 0) headers[line.slice(0, colon).toLowerCase()] = decodeWords(line.slice(colon + 1).trim());
    }
    return headers;
  };
  const split = raw.indexOf('\r\n\r\n');
  const headers = headersOf(raw.slice(0, split));
  const body = raw.slice(split + 4);
  const boundary = /boundary="?([^";]+)"?/.exec(headers['content-type'] ?? '')?.[1];
  if (!boundary) return { headers, parts: [{ headers, body: decodeBody(body, headers) }] };
  const parts = body
    .split(`--${boundary}`)
    .slice(1, -1)
    .map((part) => {
      const p = part.replace(/^\r\n/, '');
      const end = p.indexOf('\r\n\r\n');
      const partHeaders = headersOf(p.slice(0, end));
      return { headers: partHeaders, body: decodeBody(p.slice(end + 4).replace(/\r\n$/, ''), partHeaders) };
    });
  return { headers, parts };
}

/** @param {string} body @param {Record<string, string>} headers */
function decodeBody(body, headers) {
  const encoding = (headers['content-transfer-encoding'] ?? '7bit').toLowerCase();
  if (encoding === 'base64') return Buffer.from(body.replace(/\s+/g, ''), 'base64').toString('utf8');
  if (encoding === 'quoted-printable') return decodeQp(body.replace(/=\r\n/g, ''));
  return body;
}

/** @param {string} text */
function decodeQp(text) {
  /** @type {number[]} */
  const bytes = [];
  for (let i = 0; i < text.length; i++) {
    if (text[i] === '=' && /^[0-9A-F]{2}$/i.test(text.slice(i + 1, i + 3))) {
      bytes.push(parseInt(text.slice(i + 1, i + 3), 16));
      i += 2;
    } else bytes.push(...Buffer.from(text[i], 'utf8'));
  }
  return Buffer.from(bytes).toString('utf8');
}

/** RFC 2047 encoded words (=?UTF-8?Q?…?= and =?UTF-8?B?…?=). @param {string} value */
function decodeWords(value) {
  return value
    .replace(/\?=\s+=\?/g, '?==?')
    .replace(/=\?utf-8\?([qb])\?([^?]*)\?=/gi, (_, kind, text) =>
      kind.toLowerCase() === 'b' ? Buffer.from(text, 'base64').toString('utf8') : decodeQp(text.replace(/_/g, ' ')),
    );
}

const TRANSCRIPT = {
  tenantName: 'Démo Störe',
  conversationId: 'c_Uakgb_J5m9g-0JDMbcJqL',
  timeZone: 'Europe/Berlin',
  assistantName: 'Robin',
  messages: [
    { sender: { type: 'visitor' }, text: 'Hi <script>alert(1)</script> & "friends"\nsecond line', createdAt: '2026-11-22T10:01:00.000Z' },
    {
      sender: { type: 'ai', name: 'Robin' },
      text: 'Standard delivery takes 2–4 working days.',
      createdAt: '2026-11-22T10:01:05.000Z',
      sources: [{ title: 'Shipping & delivery', url: 'https://demo-store.example/help/shipping' }],
    },
    {
      sender: { type: 'visitor' },
      text: 'Here is my receipt',
      createdAt: '2026-11-22T10:02:00.000Z',
      attachments: [
        { name: 'receipt "<b>".pdf', url: 'http://localhost:8787/files/f_1/receipt.pdf' },
        { name: 'evil', url: 'javascript:alert(1)' },
      ],
    },
    { sender: { type: 'system', name: 'Ada' }, text: 'Ada joined the conversation.', createdAt: '2026-11-22T10:03:00.000Z' },
    { sender: { type: 'agent', name: 'Ada <admin>' }, text: '日本語でも大丈夫です 👍', createdAt: '2026-11-22T10:04:00.000Z' },
  ],
};

test('a transcript sent through SMTP arrives with the right envelope, headers and both parts, authenticated', async (t) => {
  const smtp = await startSmtp({ auth: { user: 'mailer', pass: 's3cret p@ss' } });
  t.after(() => smtp.close());
  const mailer = createMailer({
    SMTP_URL: `smtp://mailer:s3cret%20p%40ss@127.0.0.1:${smtp.port}`,
    SMTP_FROM: 'Demo Store <support@demo-store.example>',
  });
  t.after(() => mailer.close());
  assert.equal(mailer.configured, true);
  assert.equal(mailer.description, `SMTP STARTTLS if offered 127.0.0.1:${smtp.port} as mailer`);
  const result = await mailer.sendTranscript('grace@example.com', TRANSCRIPT);
  assert.equal(result.delivered, true);
  assert.equal(result.via, 'smtp');
  assert.equal(smtp.received.length, 1);
  const [mail] = smtp.received;
  assert.equal(mail.user, 'mailer');
  assert.equal(mail.from, 'support@demo-store.example');
  assert.deepEqual(mail.to, ['grace@example.com']);

  const { headers, parts } = parseMime(mail.raw);
  assert.equal(headers.subject, 'Your conversation with Démo Störe');
  assert.equal(headers.from, 'Demo Store <support@demo-store.example>');
  assert.equal(headers.to, 'grace@example.com');
  assert.equal(headers['message-id'], result.messageId);
  assert.equal(headers['auto-submitted'], 'auto-generated', 'sent on request, not by a person: auto-responders stay quiet');
  assert.match(headers['content-type'], /^multipart\/alternative/);
  const text = parts.find((p) => p.headers['content-type'].startsWith('text/plain'));
  const html = parts.find((p) => p.headers['content-type'].startsWith('text/html'));
  assert.ok(text && html, 'a plain-text and an HTML part');
  assert.equal(
    text.body.replace(/\r\n/g, '\n'), // MIME lines end in CRLF on the wire
    [
      'Transcript of your conversation with Démo Störe',
      'Conversation c_Uakgb_J5m9g-0JDMbcJqL · started 22 Nov 2026, 11:01 (Europe/Berlin)',
      '',
      // Anyone can type any address into the chat: the e-mail says who asked for it.
      "This e-mail was sent because someone in the chat on Démo Störe's site asked for the transcript to be sent to " +
        'grace@example.com. If that was not you, you can ignore it: nothing else is sent to this address because of it, ' +
        'and it is on no mailing list.',
      '',
      '[22 Nov 2026, 11:01] You: Hi <script>alert(1)</script> & "friends"',
      '    second line',
      '[22 Nov 2026, 11:01] Robin (AI): Standard delivery takes 2–4 working days.',
      '    Source: Shipping & delivery <https://demo-store.example/help/shipping>',
      '[22 Nov 2026, 11:02] You: Here is my receipt',
      '    Attachment: receipt "<b>".pdf <http://localhost:8787/files/f_1/receipt.pdf>',
      '    Attachment: evil <javascript:alert(1)>',
      '[22 Nov 2026, 11:03] System: Ada joined the conversation.',
      '[22 Nov 2026, 11:04] Ada <admin>: 日本語でも大丈夫です 👍',
      '',
      '— Démo Störe',
    ].join('\n'),
  );
  assert.ok(html.body.includes('Hi &lt;script&gt;alert(1)&lt;/script&gt; &amp; &quot;friends&quot;<br>second line'));
  assert.ok(!/<script/i.test(html.body), 'no script element');
  assert.ok(html.body.includes('<a href="https://demo-store.example/help/shipping">Shipping &amp; delivery</a>'));
  assert.ok(html.body.includes('<a href="http://localhost:8787/files/f_1/receipt.pdf">receipt &quot;&lt;b&gt;&quot;.pdf</a>'));
  assert.ok(!html.body.includes('href="javascript:'), 'a javascript: URL is never a link');
  assert.ok(html.body.includes('evil (javascript:alert(1))'));
  assert.ok(html.body.includes('<strong>Ada &lt;admin&gt;</strong>'));
  assert.ok(html.body.includes('<strong>Robin (AI)</strong>'));
  assert.ok(html.body.includes('日本語でも大丈夫です 👍'));
  assert.ok(html.body.includes('asked for the transcript to be sent to grace@example.com. If that was not you'));
});

test('SMTP_HOST/SMTP_PORT configuration without authentication works too', async (t) => {
  const smtp = await startSmtp();
  t.after(() => smtp.close());
  const mailer = createMailer({ SMTP_HOST: '127.0.0.1', SMTP_PORT: String(smtp.port), SMTP_FROM: 'support@demo-store.example' });
  t.after(() => mailer.close());
  const result = await mailer.sendTranscript('ada@example.com', { tenantName: 'Demo Store', conversationId: 'c_1', messages: [] });
  assert.equal(result.delivered, true);
  assert.equal(parseMime(smtp.received[0].raw).headers.subject, 'Your conversation with Demo Store');
  assert.equal(smtp.received[0].user, undefined);
});

test('header injection: a recipient with CR/LF is refused; a tenant name with CR/LF stays one subject line', async (t) => {
  const smtp = await startSmtp();
  t.after(() => smtp.close());
  const mailer = createMailer({ SMTP_URL: `smtp://127.0.0.1:${smtp.port}` });
  t.after(() => mailer.close());
  for (const to of ['grace@example.com\r\nBcc: evil@example.com', 'not an address', 'a@b', `${'x'.repeat(250)}@example.com`]) {
    await assert.rejects(mailer.sendTranscript(to, TRANSCRIPT), (error) => error instanceof MailError && error.code === 'bad_request');
  }
  await mailer.sendTranscript('grace@example.com', { ...TRANSCRIPT, tenantName: 'Shop\r\nBcc: evil@example.com' });
  const [mail] = smtp.received;
  assert.deepEqual(mail.to, ['grace@example.com']);
  const { headers } = parseMime(mail.raw);
  assert.equal(headers.bcc, undefined);
  assert.equal(headers.subject, 'Your conversation with Shop Bcc: evil@example.com');
});

test('SMTP failures are a MailError with code mail_failed: wrong password, server not reachable', async (t) => {
  const smtp = await startSmtp({ auth: { user: 'mailer', pass: 'right' } });
  t.after(() => smtp.close());
  const wrong = createMailer({ SMTP_URL: `smtp://mailer:wrong@127.0.0.1:${smtp.port}` });
  t.after(() => wrong.close());
  await assert.rejects(wrong.sendTranscript('grace@example.com', TRANSCRIPT), (error) => {
    assert.ok(error instanceof MailError);
    assert.equal(error.code, 'mail_failed');
    assert.match(error.message, /Invalid username or password|Invalid login/);
    return true;
  });
  assert.equal(smtp.received.length, 0);
  const closed = await startSmtp();
  await closed.close();
  const unreachable = createMailer({ SMTP_URL: `smtp://127.0.0.1:${closed.port}` });
  await assert.rejects(
    unreachable.sendTranscript('grace@example.com', TRANSCRIPT),
    (error) => error instanceof MailError && error.code === 'mail_failed' && /ECONNREFUSED/.test(error.message),
  );
});

test('without SMTP configuration: it says so plainly and prints the unsent e-mail, labelled, to the console', async () => {
  /** @type {string[]} */
  const logged = [];
  const mailer = createMailer({}, { logger: { log: (m) => logged.push(m) } });
  assert.equal(mailer.configured, false);
  assert.match(mailer.description, /^SMTP is not configured \(set SMTP_URL, or SMTP_HOST/);
  const result = await mailer.sendTranscript('grace@example.com', TRANSCRIPT);
  assert.deepEqual(result, { delivered: false, via: 'console' });
  assert.equal(logged.length, 1);
  assert.match(logged[0], /^\[mail\] SMTP is not configured/);
  assert.match(logged[0], /\[mail\] Offline default: this e-mail was NOT sent; it is printed here instead\./);
  assert.match(logged[0], /To: grace@example.com\nSubject: Your conversation with Démo Störe\n\nTranscript of your conversation/);
  assert.match(logged[0], /\[mail\] end of the unsent e-mail$/);
});

test('SMTP settings from the environment: URL forms, TLS on 465, malformed values refused at start', () => {
  const tls = smtpSettingsFromEnv({ SMTP_URL: 'smtps://u%40x:p@mail.example.com' });
  assert.ok(tls.configured);
  assert.deepEqual(
    { host: tls.options.host, port: tls.options.port, secure: tls.options.secure, auth: tls.options.auth },
    { host: 'mail.example.com', port: 465, secure: true, auth: { user: 'u@x', pass: 'p' } },
  );
  assert.ok(!tls.description.includes(':p@') && !tls.description.includes(' p'), 'the password is not in the description');
  const host = smtpSettingsFromEnv({ SMTP_HOST: 'mail.example.com', SMTP_PORT: '465', SMTP_USER: 'u', SMTP_PASS: 'p' });
  assert.ok(host.configured);
  assert.equal(host.options.secure, true);
  assert.equal(host.from, 'amoiq-chat <no-reply@localhost>');
  assert.throws(() => smtpSettingsFromEnv({ SMTP_URL: 'http://mail.example.com' }), /SMTP_URL must start with smtp:\/\/ or smtps:\/\//);
  assert.throws(() => smtpSettingsFromEnv({ SMTP_URL: 'not a url' }), /SMTP_URL is not a URL/);
  assert.throws(() => smtpSettingsFromEnv({ SMTP_HOST: 'h', SMTP_PORT: '99999' }), /SMTP_PORT must be a port number/);
});

test('rendering: every character that matters in HTML is escaped; plain text keeps the text as typed', () => {
  assert.equal(escapeHtml(`<img src=x onerror="a('b')">&`), '&lt;img src=x onerror=&quot;a(&#39;b&#39;)&quot;&gt;&amp;');
  const html = renderTranscriptHtml({ tenantName: '<Shop>', conversationId: 'c"1', messages: [] });
  assert.ok(html.includes('<title>Transcript of your conversation with &lt;Shop&gt;</title>'));
  assert.ok(html.includes('Conversation c&quot;1'));
  assert.equal(
    renderTranscriptText({ tenantName: 'Shop', conversationId: 'c1', messages: [] }),
    'Transcript of your conversation with Shop\nConversation c1\n\n\n— Shop',
  );
});
