// @ts-check
// The assistant in the reference backend (docs/protocol.md, "The assistant"), end to end over HTTP
// and WebSockets, with the knowledge base (server-assistant-stream.test.mjs: an OpenAI-compatible
// provider, streams, Stop, failures, restarts): one stored `ai` answer with its source; the
// handoff (escalate, queue positions, accept, transfer, return, round-robin with a per-agent limit,
// the assistant silent once a person has the conversation); feedback and rating; transcripts.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { AGENT_2, API_KEY, startAssistantServer, until } from './assistant-server.mjs';
import { STORE_NAME } from './test-store.mjs';

const KB = { enabled: true, name: 'Robin' };

/** One server for the knowledge-base tests (each server start costs seconds on a busy machine). @type {Awaited<ReturnType<typeof startAssistantServer>>} */
let app;
before(async () => {
  app = await startAssistantServer({ assistant: KB, queue: { autoAssign: false } });
});
after(() => app.close());

/**
 * The messages of a conversation (visitor page).
 * @param {Awaited<ReturnType<typeof startAssistantServer>>} app
 * @param {{ token: string, conversationId: string }} s
 */
async function messages(app, s) {
  const res = await app.request(`/api/chat/messages?conversationId=${s.conversationId}&limit=200`, { auth: API_KEY, session: s.token });
  assert.equal(res.status, 200);
  return /** @type {any[]} */ (res.body.messages);
}

test(`the knowledge base streams an answer with its source, stored once as an ai message (${STORE_NAME})`, async () => {
  const s = await app.session();
  assert.deepEqual(s.config.assistant.name, 'Robin');
  assert.equal(s.handoff.state, 'assistant');
  const ws = app.socket(`/ws/chat?token=${s.token}&after=0`);
  assert.equal(await ws.ready(), 'ready');
  await ws.next((f) => f.type === 'handoff' && f.handoff.state === 'assistant');
  await ws.next((f) => f.type === 'streams' && f.streams.length === 0);
  ws.send({ type: 'message', clientId: 'k1k1k1k1k1k1', text: 'How long does delivery take?' });
  const start = await ws.next((f) => f.type === 'stream_start');
  assert.equal(start.sender.type, 'ai');
  assert.equal(start.sender.name, 'Robin');
  const end = await ws.next((f) => f.type === 'stream_end', 10_000);
  assert.equal(end.reason, 'complete');
  assert.equal(end.streamId, start.streamId);
  const deltas = ws.frames.filter((f) => f.type === 'stream_delta' && f.streamId === start.streamId);
  assert.ok(deltas.length > 1, 'streamed in several deltas');
  deltas.forEach((d, i) => assert.equal(d.index, i, 'indexes count 0, 1, 2…'));
  assert.equal(deltas.map((d) => d.text).join(''), end.message.text);
  assert.match(end.message.text, /2–4 working days/);
  assert.deepEqual(end.message.sources, [{ title: 'Shipping and delivery', url: 'https://demo-store.example/help/shipping' }]);
  assert.equal(end.message.streamId, start.streamId);
  // The final message is not sent again as a `message` frame.
  assert.equal(ws.frames.filter((f) => f.type === 'message' && f.message.id === end.message.id).length, 0);
  const stored = await messages(app, s);
  assert.deepEqual(
    stored.map((m) => m.sender.type),
    ['visitor', 'ai'],
  );
  assert.equal(stored[1].id, end.message.id);
  assert.equal(stored[1].streamId, start.streamId);
  ws.close();
});

test(`handoff: escalate → queue position → agent accepts → the assistant is silent → return (${STORE_NAME})`, async () => {
  const agentToken = await app.agentToken();
  const agentWs = app.socket(`/ws/agent?token=${agentToken}`);
  await agentWs.ready();
  const a = await app.session();
  const b = await app.session();
  // A knowledge-base miss would hand off by itself (requestedBy: assistant): the visitors press the button first.
  const wsA = app.socket(`/ws/chat?token=${a.token}`);
  await wsA.ready();
  const escA = await app.visitor(a, '/api/chat/escalate', { reason: 'Refund for order 1234', metadata: { orderId: '1234' } });
  assert.equal(escA.status, 200);
  assert.equal(escA.body.handoff.state, 'queued');
  assert.equal(escA.body.handoff.position, 1);
  assert.equal(escA.body.handoff.requestedBy, 'visitor');
  assert.equal(typeof escA.body.handoff.estimatedWaitSeconds, 'number', 'an agent is online: an estimate');
  const escB = await app.visitor(b, '/api/chat/escalate', {});
  assert.equal(escB.body.handoff.position, 2);
  const again = await app.visitor(a, '/api/chat/escalate', {});
  assert.equal(again.body.handoff.position, 1, 'escalating twice changes nothing');
  const bad = await app.visitor(a, '/api/chat/escalate', { reason: 42 });
  assert.equal(bad.status, 400);

  const queue = await app.request('/api/agent/queue', { auth: agentToken });
  assert.deepEqual(
    queue.body.queue.map((/** @type {any} */ q) => [q.conversationId, q.position, q.reason]),
    [
      [a.conversationId, 1, 'Refund for order 1234'],
      [b.conversationId, 2, 'requested by the visitor'],
    ],
  );
  assert.deepEqual(queue.body.queue[0].metadata, { orderId: '1234' });
  await agentWs.next((f) => f.type === 'queue' && f.queue.length === 2);

  // Ada accepts A: A is assigned, B moves up to position 1 (told live).
  const wsB = app.socket(`/ws/chat?token=${b.token}`);
  await wsB.ready();
  const accepted = await app.request(`/api/agent/conversations/${a.conversationId}/accept`, { auth: agentToken, method: 'POST' });
  assert.equal(accepted.status, 200);
  assert.equal(accepted.body.conversation.handoff.state, 'assigned');
  assert.equal(accepted.body.conversation.handoff.agent.name, 'Ada');
  await wsA.next((f) => f.type === 'handoff' && f.handoff.state === 'assigned' && f.handoff.agent.name === 'Ada');
  await wsB.next((f) => f.type === 'handoff' && f.handoff.state === 'queued' && f.handoff.position === 1);
  const bobToken = await app.agentToken(AGENT_2);
  const taken = await app.request(`/api/agent/conversations/${a.conversationId}/accept`, { auth: bobToken, method: 'POST' });
  assert.equal(taken.status, 409);
  assert.equal(taken.body.error.code, 'already_assigned');

  // The assistant says nothing while a person has the conversation.
  await app.say(a, 'How long does delivery take?');
  await app.say(a, 'ok thanks');
  const afterAssigned = await messages(app, a);
  assert.equal(afterAssigned.filter((m) => m.sender.type === 'ai').length, 0);
  assert.deepEqual(
    afterAssigned.filter((m) => m.sender.type === 'system').map((m) => m.event),
    ['escalated', 'assigned'],
  );

  // Transfer to Bob, then back to the assistant, which answers again.
  const transferred = await app.request(`/api/agent/conversations/${a.conversationId}/transfer`, {
    auth: agentToken,
    body: { agentId: 'agent_bob' },
  });
  assert.equal(transferred.body.conversation.handoff.agent.name, 'Bob');
  const unknown = await app.request(`/api/agent/conversations/${a.conversationId}/transfer`, {
    auth: agentToken,
    body: { agentId: 'nobody' },
  });
  assert.equal(unknown.status, 404);
  const returned = await app.request(`/api/agent/conversations/${a.conversationId}/return`, { auth: bobToken, method: 'POST' });
  assert.equal(returned.body.conversation.handoff.state, 'assistant');
  await app.say(a, 'How long does delivery take?');
  await until(async () => (await messages(app, a)).some((m) => m.sender.type === 'ai'), 'the assistant answering again');
  const events = (await messages(app, a)).filter((m) => m.sender.type === 'system').map((m) => m.event);
  assert.deepEqual(events, ['escalated', 'assigned', 'transferred', 'returned']);
  wsA.close();
  wsB.close();
  agentWs.close();
});

test(`asking for a person hands off by itself; an agent's reply takes the conversation over (${STORE_NAME})`, async () => {
  const s = await app.session();
  await app.say(s, 'I want to talk to a human');
  await until(async () => (await messages(app, s)).some((m) => m.event === 'escalated'), 'the escalation');
  const stored = await messages(app, s);
  const escalated = stored.find((m) => m.event === 'escalated');
  assert.equal(escalated.handoff.requestedBy, 'assistant');
  assert.equal(escalated.handoff.reason, 'requested');
  const token = await app.agentToken();
  const reply = await app.request(`/api/agent/conversations/${s.conversationId}/messages`, {
    auth: token,
    body: { clientId: 'agentreply1', text: 'Hi, Ada here.' },
  });
  assert.equal(reply.status, 201);
  await until(async () => (await handoffOf(app, s)).state === 'assigned', 'the agent has it');
  assert.equal((await handoffOf(app, s)).agent.id, 'agent_ada');
  const list = await app.request('/api/agent/conversations', { auth: token });
  assert.equal(list.body.conversations[0].handoff.state, 'assigned');
});

test(`feedback, "not helpful" twice hands off; rating only when closed; transcripts (${STORE_NAME})`, async () => {
  const s = await app.session();
  const ws = app.socket(`/ws/chat?token=${s.token}`);
  await ws.ready();
  await app.say(s, 'How long does delivery take?');
  const first = await ws.next((f) => f.type === 'stream_end');
  await app.say(s, 'What does shipping cost?');
  const second = await ws.next((f) => f.type === 'stream_end' && f.streamId !== first.streamId);
  const helpful = await app.visitor(s, '/api/chat/feedback', { messageId: first.message.id, helpful: true, comment: 'thanks' });
  assert.equal(helpful.status, 204);
  const notAi = await app.visitor(s, '/api/chat/feedback', { messageId: 'm_nothing', helpful: false });
  assert.equal(notAi.status, 404);
  const badBody = await app.visitor(s, '/api/chat/feedback', { messageId: first.message.id, helpful: 'no' });
  assert.equal(badBody.status, 400);
  await app.visitor(s, '/api/chat/feedback', { messageId: first.message.id, helpful: false });
  assert.equal((await handoffOf(app, s)).state, 'assistant', 'one unhelpful answer: still the assistant');
  await app.visitor(s, '/api/chat/feedback', { messageId: second.message.id, helpful: false });
  await until(async () => (await handoffOf(app, s)).state === 'queued', 'handed off after two unhelpful answers');
  assert.equal((await handoffOf(app, s)).reason, 'unhelpful');

  const token = await app.agentToken();
  const feedback = await app.request(`/api/agent/conversations/${s.conversationId}/feedback`, { auth: token });
  assert.deepEqual(
    feedback.body.feedback.map((/** @type {any} */ f) => [f.messageId, f.helpful]),
    [
      [first.message.id, false],
      [second.message.id, false],
    ],
  );

  const early = await app.visitor(s, '/api/chat/rating', { score: 5 });
  assert.equal(early.status, 409);
  assert.equal(early.body.error.code, 'not_closed');
  await app.request(`/api/agent/conversations/${s.conversationId}/close`, { auth: token, method: 'POST' });
  assert.equal((await app.visitor(s, '/api/chat/rating', { score: 6 })).status, 400);
  assert.equal((await app.visitor(s, '/api/chat/rating', { score: 4, comment: 'Quick help' })).status, 204);
  const rated = await app.request(`/api/agent/conversations/${s.conversationId}/feedback`, { auth: token });
  assert.equal(rated.body.rating.score, 4);
  assert.equal(rated.body.rating.comment, 'Quick help');
  const list = await app.request('/api/agent/conversations?filter=closed', { auth: token });
  assert.equal(list.body.conversations[0].rating.score, 4);
  assert.deepEqual(list.body.conversations[0].feedback, { helpful: 0, unhelpful: 2 });

  const text = await app.request(`/api/chat/transcript?conversationId=${s.conversationId}`, { auth: API_KEY, session: s.token });
  assert.equal(text.status, 200);
  assert.match(String(text.headers.get('content-type')), /^text\/plain/);
  assert.match(String(text.headers.get('content-disposition')), /attachment; filename="transcript-c_[^"]+\.txt"/);
  assert.match(text.text, /How long does delivery take\?/);
  assert.match(text.text, /2–4 working days/);
  const html = await app.request(`/api/chat/transcript?conversationId=${s.conversationId}&format=html`, {
    auth: API_KEY,
    session: s.token,
  });
  assert.match(String(html.headers.get('content-type')), /^text\/html/);
  assert.match(html.text, /<a href="https:\/\/demo-store\.example\/help\/shipping"/);
  const badFormat = await app.request(`/api/chat/transcript?conversationId=${s.conversationId}&format=pdf`, {
    auth: API_KEY,
    session: s.token,
  });
  assert.equal(badFormat.status, 400);
  ws.close();
});

/**
 * @param {Awaited<ReturnType<typeof startAssistantServer>>} app
 * @param {{ token: string, conversationId: string }} s
 */
async function handoffOf(app, s) {
  const res = await app.request(`/api/chat/messages?conversationId=${s.conversationId}&limit=1`, { auth: API_KEY, session: s.token });
  return res.body.handoff;
}
