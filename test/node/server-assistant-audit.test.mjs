// @ts-check
// The assistant's audit findings in the reference backend (docs/protocol.md, "The assistant"),
// each a regression test: what visitors see of a handoff (no metadata), a conversation closed
// while queued, one join notice per assignment, "not helpful" toggled, return twice, Stop of
// another conversation's stream, the rating's `conversation` frame, texts in the visitor's
// language, the 4000 code-point limit (the provider's request ended there, `max_tokens` sent),
// a takeover mid-answer (`interrupted`, not `stopped`), cut answers' trailing markers, and a
// stream that always ends even when storing its answer fails. An OpenAI-compatible local
// scripted endpoint answers.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { startScriptedServer } from './helpers/scripted-server.mjs';
import { AGENT_2, API_KEY, newId, sse, startAssistantServer, until } from './assistant-server.mjs';
import { STORE_NAME } from './test-store.mjs';
import { trimCutAnswer } from '../../demo/server/assistant/service.js';

/** @type {import('./helpers/scripted-server.mjs').Handler} */
const ANSWER = (_req, res) => {
  const out = sse(res);
  out.delta('An answer.');
  out.finish();
};
/** What the local OpenAI-compatible endpoint does for the current test. */
let script = ANSWER;
/** @type {Awaited<ReturnType<typeof startScriptedServer>>} */
let provider;
/** @type {Awaited<ReturnType<typeof startAssistantServer>>} */
let app;
before(async () => {
  provider = await startScriptedServer((req, res, record) => script(req, res, record));
  app = await startAssistantServer({
    assistant: { enabled: true, name: 'Robin' },
    queue: { autoAssign: false },
    env: { OPENAI_BASE_URL: provider.url },
  });
});
after(async () => {
  await app.close();
  await provider.close();
});

/**
 * A new visitor's session, with a locale.
 * @param {string} [locale]
 */
async function session(locale) {
  const visitorId = newId();
  const res = await app.request('/api/chat/session', { auth: API_KEY, body: { visitorId, ...(locale ? { context: { locale } } : {}) } });
  assert.equal(res.status, 200, JSON.stringify(res.body));
  return { ...res.body, visitorId };
}

/** @param {{ token: string, conversationId: string }} s */
async function page(s) {
  const res = await app.request(`/api/chat/messages?conversationId=${s.conversationId}&limit=200`, { auth: API_KEY, session: s.token });
  assert.equal(res.status, 200);
  return /** @type {{ messages: any[], handoff: any }} */ (res.body);
}

/**
 * @param {string} token
 * @param {string} conversationId
 * @param {string} action
 * @param {unknown} [body]
 */
function agent(token, conversationId, action, body) {
  return app.request(`/api/agent/conversations/${conversationId}/${action}`, { auth: token, method: 'POST', body });
}

test(`an agent's escalation metadata reaches agents only, never the visitor (${STORE_NAME})`, async () => {
  const token = await app.agentToken();
  const agentWs = app.socket(`/ws/agent?token=${token}`);
  await agentWs.ready();
  const s = await session();
  const ws = app.socket(`/ws/chat?token=${s.token}`);
  await ws.ready();
  const res = await agent(token, s.conversationId, 'escalate', {
    reason: 'VIP customer note',
    metadata: { internalNote: 'flagged for fraud' },
  });
  assert.equal(res.status, 200);
  const frame = await ws.next((f) => f.type === 'handoff' && f.handoff.state === 'queued');
  assert.equal(frame.handoff.metadata, undefined, 'the visitor frame has no metadata');
  const forAgents = await agentWs.next(
    (f) => f.type === 'handoff' && f.conversationId === s.conversationId && f.handoff.state === 'queued',
  );
  assert.deepEqual(forAgents.handoff.metadata, { internalNote: 'flagged for fraud' }, 'agents see it');
  const visitorPage = await page(s);
  assert.equal(visitorPage.handoff.state, 'queued');
  assert.equal(visitorPage.handoff.metadata, undefined);
  assert.doesNotMatch(JSON.stringify(visitorPage), /flagged for fraud|VIP customer note/, "neither the agent's metadata nor their reason");
  assert.equal(forAgents.handoff.reason, 'VIP customer note');
  const again = await app.request('/api/chat/session', { auth: API_KEY, body: { visitorId: s.visitorId } });
  assert.equal(again.body.conversationId, s.conversationId);
  assert.equal(again.body.handoff.state, 'queued');
  assert.doesNotMatch(JSON.stringify(again.body), /flagged for fraud|VIP customer note/);
  const queue = await app.request('/api/agent/queue', { auth: token });
  assert.deepEqual(queue.body.queue.find((/** @type {any} */ q) => q.conversationId === s.conversationId).metadata, {
    internalNote: 'flagged for fraud',
  });
  // And in every agent answer that carries the handoff: the escalate answer's conversation and the
  // feedback endpoint (routes/assistant.js decorate and getFeedback).
  assert.deepEqual(res.body.conversation.handoff.metadata, { internalNote: 'flagged for fraud' });
  const feedback = await app.request(`/api/agent/conversations/${s.conversationId}/feedback`, { auth: token });
  assert.deepEqual(feedback.body.handoff.metadata, { internalNote: 'flagged for fraud' });
  assert.equal(feedback.body.handoff.reason, 'VIP customer note');
  await agent(token, s.conversationId, 'close');
  ws.close();
  agentWs.close();
});

test(`closed while queued: it leaves the queue, the visitor and those behind are told; reopened: back to the assistant (${STORE_NAME})`, async () => {
  const token = await app.agentToken();
  const a = await session();
  const b = await session();
  assert.equal((await app.visitor(a, '/api/chat/escalate', {})).body.handoff.position, 1);
  assert.equal((await app.visitor(b, '/api/chat/escalate', {})).body.handoff.position, 2);
  const wsA = app.socket(`/ws/chat?token=${a.token}`);
  const wsB = app.socket(`/ws/chat?token=${b.token}`);
  await wsA.ready();
  await wsB.ready();
  await wsB.next((f) => f.type === 'handoff' && f.handoff.position === 2);
  assert.equal((await agent(token, a.conversationId, 'close')).status, 200);
  const closed = await wsA.next((f) => f.type === 'handoff' && f.handoff.state !== 'queued');
  assert.equal(closed.handoff.state, 'none');
  assert.equal(closed.handoff.estimatedWaitSeconds, undefined);
  await wsB.next((f) => f.type === 'handoff' && f.handoff.state === 'queued' && f.handoff.position === 1);
  assert.equal((await page(a)).handoff.state, 'none');
  const feedback = await app.request(`/api/agent/conversations/${a.conversationId}/feedback`, { auth: token });
  assert.equal(feedback.body.handoff.state, 'none');
  const list = await app.request('/api/agent/conversations?filter=closed', { auth: token });
  assert.equal(list.body.conversations.find((/** @type {any} */ c) => c.id === a.conversationId).handoff.state, 'none');

  assert.equal((await agent(token, a.conversationId, 'reopen')).status, 200);
  await wsA.next((f) => f.type === 'handoff' && f.handoff.state === 'assistant');
  assert.equal((await page(b)).handoff.position, 1, 'B keeps its place');
  const requeued = await app.visitor(a, '/api/chat/escalate', {});
  assert.equal(requeued.body.handoff.position, 2, 'asking again queues at the end');
  await agent(token, a.conversationId, 'close');
  await agent(token, b.conversationId, 'close');
  wsA.close();
  wsB.close();
});

test(`an agent who accepted and then writes is announced once (${STORE_NAME})`, async () => {
  const token = await app.agentToken();
  const s = await session();
  await app.visitor(s, '/api/chat/escalate', {});
  assert.equal((await agent(token, s.conversationId, 'accept')).status, 200);
  const reply = await app.request(`/api/agent/conversations/${s.conversationId}/messages`, {
    auth: token,
    body: { clientId: newId(), text: 'Hi, Ada here.' },
  });
  assert.equal(reply.status, 201);
  const notices = (await page(s)).messages.filter((m) => m.sender.type === 'system').map((m) => m.event);
  assert.deepEqual(notices, ['escalated', 'assigned']);
  // A transfer to Bob announces Bob; his first message adds no `joined`.
  await agent(token, s.conversationId, 'transfer', { agentId: 'agent_bob' });
  const bob = await app.agentToken(AGENT_2);
  await app.request(`/api/agent/conversations/${s.conversationId}/messages`, { auth: bob, body: { clientId: newId(), text: 'Bob here.' } });
  const later = (await page(s)).messages.filter((m) => m.sender.type === 'system').map((m) => m.event);
  assert.deepEqual(later, ['escalated', 'assigned', 'transferred']);
  await agent(token, s.conversationId, 'close');
});

test(`"not helpful" toggled on one answer counts once; return twice stores one notice (${STORE_NAME})`, async () => {
  script = ANSWER;
  const token = await app.agentToken();
  const s = await session();
  const ws = app.socket(`/ws/chat?token=${s.token}`);
  await ws.ready();
  await app.say(s, 'First question');
  const end = await ws.next((f) => f.type === 'stream_end');
  const id = end.message.id;
  for (const helpful of [false, true, false])
    assert.equal((await app.visitor(s, '/api/chat/feedback', { messageId: id, helpful })).status, 204);
  assert.equal((await page(s)).handoff.state, 'assistant', 'one answer marked unhelpful: below maxUnhelpful (2)');

  await app.visitor(s, '/api/chat/escalate', {});
  assert.equal((await agent(token, s.conversationId, 'accept')).status, 200);
  const first = await agent(token, s.conversationId, 'return');
  assert.equal(first.status, 200);
  assert.equal(first.body.conversation.handoff.state, 'assistant');
  const second = await agent(token, s.conversationId, 'return');
  assert.equal(second.status, 200, 'already with the assistant: unchanged');
  assert.equal((await page(s)).messages.filter((m) => m.event === 'returned').length, 1);
  await agent(token, s.conversationId, 'close');
  const closed = await agent(token, s.conversationId, 'return');
  assert.equal(closed.status, 409);
  assert.equal(closed.body.error.code, 'conversation_closed');
  ws.close();
});

test(`Stop of another conversation's stream that just ended is 404; a rating sends a conversation frame (${STORE_NAME})`, async () => {
  script = ANSWER;
  const token = await app.agentToken();
  const agentWs = app.socket(`/ws/agent?token=${token}`);
  await agentWs.ready();
  const a = await session();
  const b = await session();
  const ws = app.socket(`/ws/chat?token=${a.token}`);
  await ws.ready();
  await app.say(a, 'Hello');
  const end = await ws.next((f) => f.type === 'stream_end');
  assert.equal((await app.visitor(a, '/api/chat/assistant/stop', { streamId: end.streamId })).status, 204, 'its own: harmless');
  const other = await app.visitor(b, '/api/chat/assistant/stop', { streamId: end.streamId });
  assert.equal(other.status, 404);

  await agent(token, a.conversationId, 'close');
  const mark = agentWs.frames.length;
  assert.equal((await app.visitor(a, '/api/chat/rating', { score: 5 })).status, 204);
  await agentWs.next((f) => f.type === 'rating' && f.conversationId === a.conversationId);
  await until(
    () => agentWs.frames.slice(mark).some((f) => f.type === 'conversation' && f.conversation.id === a.conversationId),
    'a conversation frame after the rating',
  );
  ws.close();
  agentWs.close();
});

test(`the assistant's handoff, apology and escalation texts are in the visitor's language, by presence (${STORE_NAME})`, async () => {
  // No agent online: the French visitor is told the team is away (the widget asks for an e-mail).
  const fr = await session('fr-FR');
  // Agent sockets of earlier tests close asynchronously: wait until nobody is online.
  await until(async () => (await page(fr)).handoff.agentsOnline === false, 'no agent online');
  await app.say(fr, 'I want to talk to a human');
  await until(async () => (await page(fr)).messages.some((m) => m.event === 'escalated'), 'the escalation');
  const frMessages = (await page(fr)).messages;
  const polite = frMessages.find((m) => m.sender.type === 'ai');
  assert.match(polite.text, /Notre équipe est absente/);
  assert.equal(polite.notice, true, 'a notice: no Helpful/Not helpful');
  const escalated = frMessages.find((m) => m.event === 'escalated');
  assert.match(escalated.text, /confiée à l’équipe/);
  assert.doesNotMatch(escalated.text, /requested|\(/);
  assert.equal(escalated.handoff.reason, 'requested');
  const transcript = await app.request(`/api/chat/transcript?conversationId=${fr.conversationId}`, { auth: API_KEY, session: fr.token });
  assert.doesNotMatch(transcript.text, /\(requested\)|low_confidence/);

  // An agent online: the German visitor is told to wait for a person.
  const token = await app.agentToken();
  const agentWs = app.socket(`/ws/agent?token=${token}`);
  await agentWs.ready();
  const de = await session('de-DE');
  await app.say(de, 'I want to talk to a human');
  await until(async () => (await page(de)).messages.some((m) => m.sender.type === 'ai'), 'the handoff message');
  assert.match((await page(de)).messages.find((m) => m.sender.type === 'ai').text, /Ich verbinde Sie/);

  // A provider failure: the apology in Japanese.
  script = (_req, res) => void res.writeHead(500).end('oops');
  try {
    const ja = await session('ja-JP');
    await app.say(ja, 'Where is my order?');
    await until(async () => (await page(ja)).messages.some((m) => m.handoffOffer), 'the apology');
    const apology = (await page(ja)).messages.find((m) => m.handoffOffer);
    assert.match(apology.text, /申し訳ありません/);
    assert.equal(apology.notice, true);
  } finally {
    script = ANSWER;
  }
  for (const s of [fr, de]) await agent(token, s.conversationId, 'close');
  agentWs.close();
});

test(`the 4000 code-point limit: the provider's request ends there, max_tokens is sent, no surrogate split (${STORE_NAME})`, async () => {
  // 2101 code points (4201 UTF-16 units): under the limit, stored whole.
  const emoji = 'a' + '😀'.repeat(2100);
  script = (_req, res) => {
    const out = sse(res);
    const points = [...emoji];
    for (let i = 0; i < points.length; i += 100) out.delta(points.slice(i, i + 100).join(''));
    out.finish();
  };
  const s = await session();
  const ws = app.socket(`/ws/chat?token=${s.token}`);
  await ws.ready();
  await app.say(s, 'Emoji please');
  const end = await ws.next((f) => f.type === 'stream_end');
  assert.equal(end.reason, 'complete');
  assert.equal(end.message.text, emoji);
  const streamed = ws.frames.filter((f) => f.type === 'stream_delta' && f.streamId === end.streamId).map((f) => f.text);
  assert.equal(streamed.join(''), end.message.text, 'stored = streamed');
  assert.equal(provider.requests.at(-1)?.body.max_tokens, 1333, 'the model is told a token limit consistent with the cap (4000 / 3)');

  // Far over the limit: cut at 4000 code points, the provider's request ended at once.
  script = async (_req, res, record) => {
    const out = sse(res);
    out.delta('b');
    for (let i = 0; i < 60; i++) out.delta('😀'.repeat(100));
    await record.closed; // the server must end the request itself
  };
  await app.say(s, 'More emoji');
  const capped = await ws.next((f) => f.type === 'stream_end' && f.streamId !== end.streamId, 10_000);
  await /** @type {any} */ (provider.requests.at(-1)).closed;
  assert.equal(capped.reason, 'complete');
  assert.equal([...capped.message.text].length, 4000);
  assert.equal(capped.message.interrupted, true, 'an answer cut at the cap is marked, not stored as a whole one');
  assert.doesNotMatch(capped.message.text, /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|\uFFFD/, 'no lone surrogate');
  const cappedDeltas = ws.frames.filter((f) => f.type === 'stream_delta' && f.streamId === capped.streamId).map((f) => f.text);
  assert.equal(cappedDeltas.join(''), capped.message.text, 'stored = streamed');
  script = ANSWER;
  ws.close();
});

test(`a takeover mid-answer stores it as interrupted, not stopped; a cut answer drops a trailing empty bullet (${STORE_NAME})`, async () => {
  script = async (_req, res, record) => {
    const out = sse(res);
    out.delta('Here are the options:\n- ');
    await record.closed;
  };
  const token = await app.agentToken();
  const s = await session();
  const ws = app.socket(`/ws/chat?token=${s.token}`);
  await ws.ready();
  await app.say(s, 'Options?');
  await ws.next((f) => f.type === 'stream_delta');
  assert.equal((await agent(token, s.conversationId, 'accept')).status, 200);
  const end = await ws.next((f) => f.type === 'stream_end');
  assert.equal(end.reason, 'stopped');
  assert.equal(end.interrupted, true);
  assert.equal(end.message.interrupted, true);
  assert.equal(end.message.stopped, undefined, 'the visitor pressed nothing');
  assert.equal(end.message.text, 'Here are the options:');
  await agent(token, s.conversationId, 'close');

  // The visitor's Stop: `stopped`, the same trim.
  const v = await session();
  const vws = app.socket(`/ws/chat?token=${v.token}`);
  await vws.ready();
  await app.say(v, 'Options?');
  const delta = await vws.next((f) => f.type === 'stream_delta');
  vws.send({ type: 'stream_stop', streamId: delta.streamId });
  const stopped = await vws.next((f) => f.type === 'stream_end');
  assert.equal(stopped.message.stopped, true);
  assert.equal(stopped.message.interrupted, undefined);
  assert.equal(stopped.message.text, 'Here are the options:');
  script = ANSWER;
  ws.close();
  vws.close();
});

test(`storing the answer fails after stream_start: the stream still ends, as failed (${STORE_NAME})`, async () => {
  // PostgreSQL text cannot hold NUL: storing this answer throws inside the server.
  script = (_req, res) => {
    const out = sse(res);
    out.delta('bad \u0000 byte');
    out.finish();
  };
  try {
    const s = await session();
    const ws = app.socket(`/ws/chat?token=${s.token}`);
    await ws.ready();
    await app.say(s, 'Hello?');
    const start = await ws.next((f) => f.type === 'stream_start');
    const end = await ws.next((f) => f.type === 'stream_end' && f.streamId === start.streamId, 10_000);
    assert.equal(end.reason, 'failed');
    assert.equal(end.error.code, 'server_error');
    assert.deepEqual(
      (await page(s)).messages.filter((m) => m.sender.type === 'ai'),
      [],
    );
    const poll = await app.request(`/api/chat/messages?conversationId=${s.conversationId}`, { auth: API_KEY, session: s.token });
    assert.deepEqual(poll.body.streams, [], 'no stream left in flight');
    ws.close();
  } finally {
    script = ANSWER;
  }
});

test(`a message that is only a file is answered: the model reads it described, the request ends with the visitor's turn (${STORE_NAME})`, async () => {
  script = ANSWER;
  const s = await session();
  const ws = app.socket(`/ws/chat?token=${s.token}`);
  await ws.ready();
  const uploaded = await fetch(`${app.url}/api/chat/uploads?conversationId=${s.conversationId}&name=receipt.txt`, {
    method: 'POST',
    headers: { Authorization: `Bearer ${API_KEY}`, 'X-Amoiq-Session': s.token, 'Content-Type': 'text/plain' },
    body: 'total 12.00',
  });
  assert.equal(uploaded.status, 201, await uploaded.clone().text());
  const file = (await uploaded.json()).attachment;
  const sent = await app.request('/api/chat/messages', {
    auth: API_KEY,
    session: s.token,
    body: { conversationId: s.conversationId, clientId: newId(), text: '', attachments: [file.id] },
  });
  assert.equal(sent.status, 201, JSON.stringify(sent.body));
  const end = await ws.next((f) => f.type === 'stream_end');
  assert.equal(end.reason, 'complete');
  const messages = provider.requests.at(-1)?.body.messages;
  assert.deepEqual(messages.at(-1), { role: 'user', content: '[The visitor sent a file: receipt.txt]' });
  ws.close();
});

test('trimCutAnswer drops trailing lines that are only a markdown marker, nothing else', () => {
  assert.equal(trimCutAnswer('Options:\n- '), 'Options:');
  assert.equal(trimCutAnswer('Steps:\n1. Open it\n2.'), 'Steps:\n1. Open it');
  assert.equal(trimCutAnswer('Intro\n\n## \n> \n*  '), 'Intro');
  assert.equal(trimCutAnswer('- item one\n- item'), '- item one\n- item');
  assert.equal(trimCutAnswer('Price: 5 -'), 'Price: 5 -');
  assert.equal(trimCutAnswer('-'), '');
});
