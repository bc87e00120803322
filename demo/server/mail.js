// @ts-check
/**
 * Transcript e-mail: renders a conversation as plain text and HTML and sends it through SMTP
 * (nodemailer), configured by the environment:
 *
 * - `SMTP_URL`: `smtp://user:pass@host:587` (STARTTLS when offered) or `smtps://…:465` (TLS), or
 * - `SMTP_HOST`, `SMTP_PORT` (default 587; 465 means TLS), `SMTP_USER`, `SMTP_PASS`,
 *   `SMTP_SECURE=true` (TLS from the start on another port);
 * - `SMTP_FROM`: the sender (default `amoiq-chat <no-reply@localhost>`; most servers want a real one).
 *
 * Without SMTP configuration nothing is sent: the mailer says so plainly, and as the labelled
 * offline default prints the e-mail it would have sent to the console (`delivered: false`).
 */
import nodemailer from 'nodemailer';
import { EMAIL_PATTERN } from './validation.js';

/**
 * @typedef {{ type: string, name?: string }} Sender
 * @typedef {{ sender: Sender, text?: string, createdAt: string, attachments?: { name: string, url: string }[],
 *   sources?: { title: string, url: string }[] }} TranscriptMessage  protocol Message objects (extra fields ignored)
 * @typedef {{ tenantName: string, conversationId: string, messages: TranscriptMessage[], timeZone?: string,
 *   assistantName?: string }} Transcript
 * @typedef {{ delivered: boolean, via: 'smtp' | 'console', messageId?: string }} SendResult
 */

const SMTP_TIMEOUTS = { connectionTimeout: 10_000, greetingTimeout: 10_000, socketTimeout: 20_000 };
const DEFAULT_FROM = 'amoiq-chat <no-reply@localhost>';
/**
 * A transcript's recipient: `local@domain.tld` with none of the characters that make an address
 * mean something else to a mail server (angle brackets, quotes, a literal `[IP]` domain, comments,
 * lists, route syntax) and no whitespace.
 */
const EMAIL = EMAIL_PATTERN;
/** Longest accepted recipient address (RFC 5321's path limit less the brackets). */
export const MAX_EMAIL_LENGTH = 254;

/**
 * The one check of a transcript recipient, for the endpoint (before anything is counted) and the
 * mailer alike: the trimmed address, or null when it is not one this mailer sends to.
 * @param {unknown} value
 * @returns {string | null}
 */
export function transcriptRecipient(value) {
  if (typeof value !== 'string') return null;
  const to = value.trim();
  return to.length <= MAX_EMAIL_LENGTH && EMAIL.test(to) ? to : null;
}

/**
 * The key the per-recipient limit counts an address under: lower case, without a `+tag`
 * (`Grace+1@Example.com` and `grace@example.com` reach the same mailbox at most providers).
 * @param {string} address an address {@link transcriptRecipient} accepted
 */
export function recipientKey(address) {
  const at = address.lastIndexOf('@');
  const local = address.slice(0, at).split('+')[0] || address.slice(0, at);
  return `${local}@${address.slice(at + 1)}`.toLowerCase();
}

/** A transcript could not be sent; `code` is `bad_request` (the address) or `mail_failed`. */
export class MailError extends Error {
  /** @param {'bad_request' | 'mail_failed'} code @param {string} message @param {unknown} [cause] */
  constructor(code, message, cause) {
    super(message, cause === undefined ? undefined : { cause });
    this.name = 'MailError';
    this.code = code;
  }
}

/**
 * SMTP options from the environment, or why there are none.
 * @param {Record<string, string | undefined>} env
 * @returns {{ configured: true, options: import('nodemailer/lib/smtp-transport').Options, from: string, description: string }
 *   | { configured: false, description: string }}
 */
export function smtpSettingsFromEnv(env) {
  const from = env.SMTP_FROM?.trim() || DEFAULT_FROM;
  const url = env.SMTP_URL?.trim();
  if (url) {
    /** @type {URL} */
    let parsed;
    try {
      parsed = new URL(url);
    } catch {
      throw new Error('SMTP_URL is not a URL (expected smtp://user:pass@host:587 or smtps://…).');
    }
    if (parsed.protocol !== 'smtp:' && parsed.protocol !== 'smtps:') throw new Error('SMTP_URL must start with smtp:// or smtps://.');
    const secure = parsed.protocol === 'smtps:';
    const port = Number(parsed.port || (secure ? 465 : 587));
    const user = decodeURIComponent(parsed.username);
    const options = {
      host: parsed.hostname.replace(/^\[|\]$/g, ''),
      port,
      secure,
      ...(user ? { auth: { user, pass: decodeURIComponent(parsed.password) } } : {}),
      ...SMTP_TIMEOUTS,
    };
    return {
      configured: true,
      options,
      from,
      description: `SMTP ${secure ? 'TLS' : 'STARTTLS if offered'} ${options.host}:${port}${user ? ` as ${user}` : ''}`,
    };
  }
  const host = env.SMTP_HOST?.trim();
  if (!host) {
    return {
      configured: false,
      description:
        'SMTP is not configured (set SMTP_URL, or SMTP_HOST with SMTP_PORT, SMTP_USER, SMTP_PASS and SMTP_FROM): transcript e-mails are not sent, only printed to the console.',
    };
  }
  const port = Number(env.SMTP_PORT || 587);
  if (!Number.isInteger(port) || port < 1 || port > 65535) throw new Error('SMTP_PORT must be a port number.');
  const secure = env.SMTP_SECURE === 'true' || port === 465;
  const user = env.SMTP_USER?.trim();
  const options = { host, port, secure, ...(user ? { auth: { user, pass: env.SMTP_PASS ?? '' } } : {}), ...SMTP_TIMEOUTS };
  return {
    configured: true,
    options,
    from,
    description: `SMTP ${secure ? 'TLS' : 'STARTTLS if offered'} ${host}:${port}${user ? ` as ${user}` : ''}`,
  };
}

/**
 * Creates the mailer. Throws at start when the SMTP variables are set but malformed.
 * @param {Record<string, string | undefined>} env
 * @param {{ logger?: Pick<Console, 'log'> }} [options]
 */
export function createMailer(env, { logger = console } = {}) {
  const settings = smtpSettingsFromEnv(env);
  const transport = settings.configured ? nodemailer.createTransport(settings.options) : null;
  return {
    /** Whether SMTP is configured (false: e-mails are printed, not sent). */
    configured: settings.configured,
    /** One line for the start-up log (never the password). */
    description: settings.description,

    /**
     * Sends the transcript to `to`.
     * @param {string} to
     * @param {Transcript} transcript
     * @returns {Promise<SendResult>}
     * @throws {MailError} `bad_request` for an implausible address, `mail_failed` when SMTP fails
     */
    async sendTranscript(to, transcript) {
      if (transcriptRecipient(to) !== to) throw new MailError('bad_request', 'The e-mail address is not valid.');
      const subject = transcriptSubject(transcript);
      const text = renderTranscriptText(transcript, { emailedTo: to });
      if (!settings.configured || !transport) {
        logger.log(
          `[mail] ${settings.description}\n[mail] Offline default: this e-mail was NOT sent; it is printed here instead.\n` +
            `To: ${to}\nSubject: ${subject}\n\n${text}\n[mail] end of the unsent e-mail`,
        );
        return { delivered: false, via: 'console' };
      }
      try {
        const info = await transport.sendMail({
          from: settings.from,
          to,
          subject,
          text,
          html: renderTranscriptHtml(transcript, { emailedTo: to }),
          // Sent on request, not by a person and not to a list: auto-responders stay quiet (RFC 3834).
          headers: { 'Auto-Submitted': 'auto-generated', 'X-Auto-Response-Suppress': 'All' },
        });
        return { delivered: true, via: 'smtp', messageId: info.messageId };
      } catch (error) {
        throw new MailError(
          'mail_failed',
          `Sending the transcript failed: ${error instanceof Error ? error.message : String(error)}`,
          error,
        );
      }
    },

    /** Closes pooled SMTP connections (none are kept between messages by default). */
    close() {
      transport?.close();
    },
  };
}

/** @param {Transcript} transcript */
export function transcriptSubject(transcript) {
  return `Your conversation with ${oneLine(transcript.tenantName)}`;
}

/** @param {string} value */
const oneLine = (value) =>
  String(value)
    .replace(/[\r\n\u2028\u2029]+/g, ' ')
    .trim();

/**
 * Who wrote a message, as the transcript shows it.
 * @param {Sender} sender
 * @param {string} [assistantName]
 */
function author(sender, assistantName) {
  if (sender.type === 'visitor') return 'You';
  if (sender.type === 'ai') return `${oneLine(sender.name || assistantName || 'Assistant')} (AI)`;
  if (sender.type === 'agent') return oneLine(sender.name || 'Agent');
  return 'System';
}

/**
 * @param {string} iso
 * @param {string} timeZone
 */
function when(iso, timeZone) {
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) return '';
  return new Intl.DateTimeFormat('en-GB', {
    timeZone,
    year: 'numeric',
    month: 'short',
    day: 'numeric',
    hour: '2-digit',
    minute: '2-digit',
    hourCycle: 'h23',
  }).format(date);
}

/** @param {Transcript} t */
function header(t) {
  const zone = t.timeZone ?? 'UTC';
  const first = t.messages[0]?.createdAt;
  return {
    title: `Transcript of your conversation with ${oneLine(t.tenantName)}`,
    meta: `Conversation ${t.conversationId}${first ? ` · started ${when(first, zone)} (${zone})` : ''}`,
  };
}

/**
 * What an e-mailed transcript says first: who asked for it and what to do if it was not the
 * reader. Anyone can type any address into the chat, so the e-mail says plainly that it was
 * requested there, and it carries nothing but the transcript (no offers, no links of ours).
 * @param {Transcript} t
 * @param {string} to
 */
export function requestNotice(t, to) {
  return (
    `This e-mail was sent because someone in the chat on ${oneLine(t.tenantName)}'s site asked for the transcript ` +
    `to be sent to ${oneLine(to)}. If that was not you, you can ignore it: nothing else is sent to this address ` +
    'because of it, and it is on no mailing list.'
  );
}

/**
 * The transcript as plain text.
 * @param {Transcript} t
 * @param {{ emailedTo?: string }} [options] `emailedTo`: the recipient of an e-mailed transcript
 *   (adds {@link requestNotice}); not for a download
 */
export function renderTranscriptText(t, { emailedTo } = {}) {
  const zone = t.timeZone ?? 'UTC';
  const { title, meta } = header(t);
  const lines = [title, meta, '', ...(emailedTo ? [requestNotice(t, emailedTo), ''] : [])];
  for (const m of t.messages) {
    const body = (m.text ?? '').replace(/\r\n?/g, '\n').split('\n');
    lines.push(`[${when(m.createdAt, zone)}] ${author(m.sender, t.assistantName)}: ${body[0]}`, ...body.slice(1).map((l) => `    ${l}`));
    for (const a of m.attachments ?? []) lines.push(`    Attachment: ${oneLine(a.name)} <${a.url}>`);
    for (const s of m.sources ?? []) lines.push(`    Source: ${oneLine(s.title)} <${s.url}>`);
  }
  lines.push('', `— ${oneLine(t.tenantName)}`);
  return lines.join('\n');
}

/**
 * Escapes text for HTML element content and attribute values.
 * @param {string} value
 */
export function escapeHtml(value) {
  return String(value).replace(
    /[&<>"']/g,
    (c) => /** @type {Record<string, string>} */ ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c],
  );
}

/**
 * A link for an http(s) URL; anything else (javascript:, data:) is shown as text, not linked.
 * @param {string} url
 * @param {string} label
 */
function link(url, label) {
  return /^https?:\/\//i.test(url) ? `<a href="${escapeHtml(url)}">${escapeHtml(label)}</a>` : `${escapeHtml(label)} (${escapeHtml(url)})`;
}

/**
 * The transcript as HTML: every message text, name and URL is escaped (messages are what
 * visitors typed); no markdown is rendered.
 * @param {Transcript} t
 * @param {{ emailedTo?: string }} [options] as {@link renderTranscriptText}
 */
export function renderTranscriptHtml(t, { emailedTo } = {}) {
  const zone = t.timeZone ?? 'UTC';
  const { title, meta } = header(t);
  const rows = t.messages.map((m) => {
    const extras = [
      ...(m.attachments ?? []).map((a) => `<div style="margin-top:4px">Attachment: ${link(a.url, a.name)}</div>`),
      ...(m.sources ?? []).map((s) => `<div style="margin-top:4px">Source: ${link(s.url, s.title)}</div>`),
    ].join('');
    const text = escapeHtml(m.text ?? '').replace(/\r\n?|\n/g, '<br>');
    return (
      `<div style="margin:0 0 12px"><div style="color:#555;font-size:12px">${escapeHtml(when(m.createdAt, zone))} · ` +
      `<strong>${escapeHtml(author(m.sender, t.assistantName))}</strong></div><div dir="auto">${text}</div>${extras}</div>`
    );
  });
  return (
    `<!doctype html><html><head><meta charset="utf-8"><title>${escapeHtml(title)}</title></head>` +
    `<body style="font-family:system-ui,sans-serif;font-size:14px;line-height:1.4;color:#111">` +
    `<h1 style="font-size:18px">${escapeHtml(title)}</h1><p style="color:#555">${escapeHtml(meta)}</p>` +
    (emailedTo ? `<p style="color:#555;font-size:12px">${escapeHtml(requestNotice(t, emailedTo))}</p>` : '') +
    `${rows.join('')}<p style="color:#555">— ${escapeHtml(oneLine(t.tenantName))}</p></body></html>`
  );
}
