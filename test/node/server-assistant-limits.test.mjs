// @ts-check
// Abuse limits of the assistant's visitor endpoints (docs/security.md, "Limits"; an outside audit):
// transcript e-mails only for closed conversations and limited per conversation, recipient,
// client address and tenant, with one address check before anything is counted; escalate, stop,
// feedback, rating and transcript downloads limited per visitor and per address; escalation
// `metadata` errors that name `metadata`. Every refusal is one 4xx with the documented body.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { API_KEY, freshIp, startAssistantServer } from './assistant-server.mjs';
import { startSmtp } from './helpers/smtp.mjs';
import { STORE_NAME } from './test-store.mjs';
import { DEFAULT_LIMITS } from '../../demo/server/limits.js';

const KB = { enabled: true, name: 'Robin' };

/** @typedef {Awaited<ReturnType<typeof startAssistantServer>>} App */
/** @typedef {{ token: string, conversationId: string }} Session */

/** The default limits' server, with a local SMTP server. @type {App} */
let app;
/** @type {Awaited<ReturnType<typeof startSmtp>>} */
let smtp;
/** @type {string} */
let agent;
before(async () => {
  smtp = await startSmtp();
  app = await startAssistantServer({
    assistant: KB,
    queue: { autoAssign: false },
    mailEnv: { SMTP_URL: `smtp://127.0.0.1:${smtp.port}`, SMTP_FROM: 'Demo Store <support@shop.example>' },
  });
  agent = await app.agentToken();
});
after(async () => {
  await app.close();
  await smtp.close();
});

/**
 * A visitor request with the session's headers, from the client address `ip`.
 * @param {App} a
 * @param {Session} s
 * @param {string} path
 * @param {Record<string, unknown>} body
 * @param {string} [ip]
 */
function visitorAt(a, s, path, body, ip = freshIp()) {
  return a.request(path, { auth: API_KEY, session: s.token, ip, body: { conversationId: s.conversationId, ...body } });
}

/**
 * A new visitor whose conversation an agent has closed.
 * @param {App} a
 * @param {string} token agent token
 */
async function closedSession(a, token) {
  const s = await a.session();
  await a.say(s, 'Hello, I have a question.');
  const closed = await a.request(`/api/agent/conversations/${s.conversationId}/close`, { auth: token, method: 'POST' });
  assert.equal(closed.status, 200, JSON.stringify(closed.body));
  return s;
}

/**
 * Asserts a `429 rate_limited` with a `Retry-After` of whole seconds.
 * @param {{ status: number, body: any, headers: Headers }} res
 * @param {string} what
 */
function assertLimited(res, what) {
  assert.equal(res.status, 429, `${what}: ${JSON.stringify(res.body)}`);
  assert.equal(res.body.error.code, 'rate_limited', what);
  assert.match(String(res.headers.get('retry-after')), /^[1-9]\d*$/, `${what}: Retry-After`);
}

test(`transcripts are for closed conversations: e-mail and download of an open one are 409 not_closed and count nothing (${STORE_NAME})`, async () => {
  const s = await app.session();
  await app.say(s, 'How long does delivery take?');
  for (let i = 0; i < 5; i++) {
    const mail = await app.visitor(s, '/api/chat/transcript/email', { email: 'open@example.com' });
    assert.equal(mail.status, 409);
    assert.equal(mail.body.error.code, 'not_closed');
  }
  const download = await app.request(`/api/chat/transcript?conversationId=${s.conversationId}`, { auth: API_KEY, session: s.token });
  assert.equal(download.status, 409);
  assert.equal(download.body.error.code, 'not_closed');
  assert.equal(smtp.received.filter((m) => m.to.includes('open@example.com')).length, 0);

  await app.request(`/api/agent/conversations/${s.conversationId}/close`, { auth: agent, method: 'POST' });
  const sent = await app.visitor(s, '/api/chat/transcript/email', { email: 'open@example.com' });
  assert.equal(sent.status, 202, 'the refusals used up none of the conversation’s three');
  assert.deepEqual(sent.body, { delivered: true });
  const text = await app.request(`/api/chat/transcript?conversationId=${s.conversationId}`, { auth: API_KEY, session: s.token });
  assert.equal(text.status, 200);
  assert.match(text.text, /How long does delivery take\?/);
  assert.doesNotMatch(text.text, /asked for the transcript/, 'a download carries no e-mail notice');

  // The e-mail says it was requested in the chat, and is marked as sent automatically.
  const message = smtp.received.find((m) => m.to.includes('open@example.com'));
  assert.ok(message);
  const unfolded = message.raw.replace(/=\r\n/g, '').replace(/\r\n[ \t]+/g, ' ');
  assert.match(unfolded, /someone in the chat on Demo Store's site asked for the transcript/);
  assert.match(unfolded, /If that was not you, you can ignore it/);
  assert.match(message.raw, /^Auto-Submitted: auto-generated\r$/m);
});

test(`transcript e-mails to one recipient: at most ${DEFAULT_LIMITS.transcriptEmailsPerAddress} a day over any number of conversations and addresses; +tags and case count as the same (${STORE_NAME})`, async () => {
  // The audit: 10 new sessions × 3 requests to the same address gave 30 × 202.
  const sessions = [];
  for (let i = 0; i < 10; i++) sessions.push(await closedSession(app, agent));
  const before = smtp.received.length;
  /** @type {number[]} */
  const statuses = [];
  for (const [i, s] of sessions.entries()) {
    for (let j = 0; j < 3; j++) {
      const email = i % 2 ? `Victim+${i}.${j}@Example.com` : 'victim@example.com';
      const res = await visitorAt(app, s, '/api/chat/transcript/email', { email });
      statuses.push(res.status);
      if (res.status === 429) assertLimited(res, 'past the recipient limit');
    }
  }
  assert.equal(statuses.filter((status) => status === 202).length, DEFAULT_LIMITS.transcriptEmailsPerAddress);
  assert.equal(statuses.filter((status) => status === 429).length, 30 - DEFAULT_LIMITS.transcriptEmailsPerAddress);
  assert.equal(smtp.received.length - before, DEFAULT_LIMITS.transcriptEmailsPerAddress, 'only those reached the SMTP server');
  // Another recipient is not affected.
  const other = await visitorAt(app, sessions[9], '/api/chat/transcript/email', { email: 'someone.else@example.com' });
  assert.equal(other.status, 202);
});

test(`addresses the mailer refuses are 400 before any limit counts them (${STORE_NAME})`, async () => {
  const s = await closedSession(app, agent);
  // Each was accepted by the lenient contact check, counted, and then refused by the mailer: after
  // three of them a valid address got 429.
  for (const email of ['<a@b.c>', '"a"@b.c', 'a@[127.0.0.1]', 'a@b.c>', 'a b@c.d', 'x'.repeat(250) + '@b.co', 5, ['a@b.c']]) {
    const res = await app.visitor(s, '/api/chat/transcript/email', { email });
    assert.equal(res.status, 400, `${JSON.stringify(email)}: ${JSON.stringify(res.body)}`);
    assert.equal(res.body.error.code, 'bad_request');
    assert.match(res.body.error.message, /`email`/);
  }
  const missing = await app.visitor(s, '/api/chat/transcript/email', {});
  assert.equal(missing.status, 400);
  for (let i = 0; i < DEFAULT_LIMITS.transcriptEmailsPerConversation; i++) {
    const ok = await app.visitor(s, '/api/chat/transcript/email', { email: `grace.${i}@example.com` });
    assert.equal(ok.status, 202, `e-mail ${i + 1}: ${JSON.stringify(ok.body)}`);
  }
  assertLimited(await app.visitor(s, '/api/chat/transcript/email', { email: 'grace.x@example.com' }), 'past the conversation limit');
});

test(`feedback: ${DEFAULT_LIMITS.assistantPerVisitor} a minute per visitor, then 429 + Retry-After and no more frames to agents; refused requests do not count (${STORE_NAME})`, async () => {
  const s = await app.session();
  const ws = app.socket(`/ws/chat?token=${s.token}`);
  await ws.ready();
  await app.say(s, 'How long does delivery take?');
  const answer = await ws.next((f) => f.type === 'stream_end');
  ws.close();
  const messageId = answer.message.id;
  const console = app.socket(`/ws/agent?token=${agent}`);
  await console.ready();

  // Invalid requests are answered 400 and use up nothing.
  for (let i = 0; i < 25; i++) assert.equal((await app.visitor(s, '/api/chat/feedback', { messageId, helpful: 'yes' })).status, 400);
  // The audit: 200 × feedback with 1000-character comments all gave 204 and 200 frames per agent.
  const comment = 'x'.repeat(1000);
  /** @type {number[]} */
  const statuses = [];
  for (let i = 0; i < 200; i++) {
    const res = await app.visitor(s, '/api/chat/feedback', { messageId, helpful: i % 2 === 0, comment });
    if (res.status === 429) assertLimited(res, 'feedback past the limit');
    statuses.push(res.status);
  }
  assert.equal(statuses.filter((status) => status === 204).length, DEFAULT_LIMITS.assistantPerVisitor);
  assert.deepEqual(statuses.slice(DEFAULT_LIMITS.assistantPerVisitor), Array(200 - DEFAULT_LIMITS.assistantPerVisitor).fill(429));
  // A message after them reaches the console after every feedback frame there will be.
  await app.say(s, 'one more question');
  await console.next((f) => f.type === 'message' && f.message.text === 'one more question');
  const frames = console.frames.filter((f) => f.type === 'feedback' && f.conversationId === s.conversationId);
  assert.equal(frames.length, DEFAULT_LIMITS.assistantPerVisitor);
  console.close();
});

test(`escalate, stop, rating and the transcript download: ${DEFAULT_LIMITS.assistantPerVisitor} a minute each per visitor, then 429 (${STORE_NAME})`, async () => {
  const open = await app.session();
  const closed = await closedSession(app, agent);
  /** @type {Array<[string, () => Promise<{ status: number, body: any, headers: Headers }>, number]>} */
  const kinds = [
    ['escalate', () => app.visitor(open, '/api/chat/escalate', { reason: 'help' }), 200],
    // No such stream: 404 after the limits counted it (the request itself was well-formed).
    ['stop', () => app.visitor(open, '/api/chat/assistant/stop', { streamId: 's_none' }), 404],
    ['rating', () => app.visitor(closed, '/api/chat/rating', { score: 5, comment: 'ok' }), 204],
    [
      'download',
      () => app.request(`/api/chat/transcript?conversationId=${closed.conversationId}`, { auth: API_KEY, session: closed.token }),
      200,
    ],
  ];
  for (const [kind, send, ok] of kinds) {
    for (let i = 0; i < DEFAULT_LIMITS.assistantPerVisitor; i++) assert.equal((await send()).status, ok, `${kind} ${i + 1}`);
    assertLimited(await send(), kind);
  }
  // Each kind has its own budget: the visitor's feedback is not used up by the above (no such
  // message: 404, not 429).
  assert.equal((await app.visitor(closed, '/api/chat/feedback', { messageId: 'm_none', helpful: true })).status, 404);
});

test(`escalation metadata errors name \`metadata\` (visitor and agent) (${STORE_NAME})`, async () => {
  const s = await app.session();
  const cases = [
    ['a'],
    'text',
    5,
    { 'bad key!': 'x' },
    { orderId: 5 },
    { note: 'x'.repeat(501) },
    { note: 'a\0b' },
    Object.fromEntries(Array.from({ length: 11 }, (_, i) => [`k${i}`, 'v'])),
  ];
  for (const metadata of cases) {
    for (const res of [
      await app.visitor(s, '/api/chat/escalate', { metadata }),
      await app.request(`/api/agent/conversations/${s.conversationId}/escalate`, { auth: agent, body: { metadata } }),
    ]) {
      assert.equal(res.status, 400, JSON.stringify(metadata));
      assert.equal(res.body.error.code, 'bad_request');
      assert.match(res.body.error.message, /`metadata`/, JSON.stringify(metadata));
      assert.doesNotMatch(res.body.error.message, /fields|Contact/, JSON.stringify(metadata));
    }
  }
  const fine = await app.visitor(s, '/api/chat/escalate', { metadata: { orderId: '1234' } });
  assert.equal(fine.status, 200);
  const queue = await app.request('/api/agent/queue', { auth: agent });
  assert.deepEqual(queue.body.queue.find((/** @type {any} */ e) => e.conversationId === s.conversationId).metadata, { orderId: '1234' });
});

test(`configured limits: transcript e-mails per address and per tenant, assistant requests per address (${STORE_NAME})`, async () => {
  const limited = await startAssistantServer({
    assistant: KB,
    queue: { autoAssign: false },
    mailEnv: { SMTP_URL: `smtp://127.0.0.1:${smtp.port}` },
    limits: { transcriptEmailsPerIp: 2, transcriptEmailsPerTenant: 4, assistantPerIp: 5 },
  });
  try {
    const token = await limited.agentToken();
    const sessions = [];
    for (let i = 0; i < 4; i++) sessions.push(await closedSession(limited, token));
    // Per client address (and tenant): two, whatever the conversation and recipient.
    const ip = freshIp();
    assert.equal((await visitorAt(limited, sessions[0], '/api/chat/transcript/email', { email: 'a1@example.com' }, ip)).status, 202);
    assert.equal((await visitorAt(limited, sessions[1], '/api/chat/transcript/email', { email: 'a2@example.com' }, ip)).status, 202);
    assertLimited(await visitorAt(limited, sessions[2], '/api/chat/transcript/email', { email: 'a3@example.com' }, ip), 'per address');
    // Per tenant: four an hour over every address.
    assert.equal((await visitorAt(limited, sessions[2], '/api/chat/transcript/email', { email: 'b1@example.com' })).status, 202);
    assert.equal((await visitorAt(limited, sessions[3], '/api/chat/transcript/email', { email: 'b2@example.com' })).status, 202);
    assertLimited(await visitorAt(limited, sessions[3], '/api/chat/transcript/email', { email: 'b3@example.com' }), 'per tenant');

    // Assistant requests per address: five, over visitors and kinds.
    const shared = freshIp();
    const visitors = [await limited.session(), await limited.session(), await limited.session()];
    for (const v of visitors.slice(0, 2)) {
      assert.equal((await visitorAt(limited, v, '/api/chat/escalate', {}, shared)).status, 200);
      assert.equal((await visitorAt(limited, v, '/api/chat/assistant/stop', { streamId: 's_none' }, shared)).status, 404);
    }
    assert.equal((await visitorAt(limited, visitors[2], '/api/chat/escalate', {}, shared)).status, 200);
    assertLimited(await visitorAt(limited, visitors[2], '/api/chat/assistant/stop', { streamId: 's_none' }, shared), 'per address');
    // Another address is not affected.
    assert.equal((await visitorAt(limited, visitors[2], '/api/chat/assistant/stop', { streamId: 's_none' })).status, 404);
  } finally {
    await limited.close();
  }
});
