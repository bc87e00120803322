// @ts-check
// The queue's round-robin assignment among online agents with a per-agent limit, and a tenant
// without the assistant (docs/protocol.md, Handoff); each on a server of its own.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { AGENT_2, API_KEY, startAssistantServer, until } from './assistant-server.mjs';
import { startSmtp } from './helpers/smtp.mjs';
import { STORE_NAME } from './test-store.mjs';

const KB = { enabled: true, name: 'Robin' };

test(`round-robin assignment among online agents with a per-agent limit (${STORE_NAME})`, async () => {
  const app = await startAssistantServer({ assistant: KB, queue: { autoAssign: true, maxPerAgent: 1 } });
  try {
    const ada = app.socket(`/ws/agent?token=${await app.agentToken()}`);
    const bob = app.socket(`/ws/agent?token=${await app.agentToken(AGENT_2)}`);
    await ada.ready();
    await bob.ready();
    const visitors = [await app.session(), await app.session(), await app.session()];
    for (const v of visitors) {
      await app.say(v, 'hello');
      await app.visitor(v, '/api/chat/escalate', {});
    }
    const states = async () => Promise.all(visitors.map((v) => handoffOf(app, v)));
    await until(async () => (await states()).filter((h) => h.state === 'assigned').length === 2, 'two assigned');
    const handoffs = await states();
    assert.deepEqual(
      handoffs
        .map((h) => h.agent?.id ?? null)
        .filter(Boolean)
        .sort(),
      ['agent_ada', 'agent_bob'],
      'one each',
    );
    assert.equal(handoffs[2].state, 'queued', 'the third waits: both agents are at their limit');
    assert.equal(handoffs[2].position, 1);
    // Ada closes hers: the waiting conversation goes to her.
    const adaToken = await app.agentToken();
    const adaConversation = visitors[handoffs.findIndex((h) => h.agent?.id === 'agent_ada')];
    await app.request(`/api/agent/conversations/${adaConversation.conversationId}/close`, { auth: adaToken, method: 'POST' });
    await until(async () => (await handoffOf(app, visitors[2])).state === 'assigned', 'the third assigned');
    assert.equal((await handoffOf(app, visitors[2])).agent.id, 'agent_ada');
    ada.close();
    bob.close();
  } finally {
    await app.close();
  }
});

test(`a tenant without the assistant: no config.assistant, state none, escalate still queues; transcripts by e-mail through SMTP (${STORE_NAME})`, async () => {
  const smtp = await startSmtp();
  const { port, received } = smtp;
  const app = await startAssistantServer({
    mailEnv: { SMTP_URL: `smtp://127.0.0.1:${port}`, SMTP_FROM: 'Demo Store <support@shop.example>' },
  });
  try {
    const s = await app.session();
    assert.equal(s.config.assistant, undefined);
    assert.equal(s.handoff.state, 'none');
    await app.say(s, 'How long does delivery take?');
    const escalated = await app.visitor(s, '/api/chat/escalate', { reason: 'help' });
    assert.equal(escalated.body.handoff.state, 'queued');
    const token = await app.agentToken();
    const ret = await app.request(`/api/agent/conversations/${s.conversationId}/return`, { auth: token, method: 'POST' });
    assert.equal(ret.status, 409);
    assert.equal(ret.body.error.code, 'assistant_disabled');
    const page = await app.request(`/api/chat/messages?conversationId=${s.conversationId}`, { auth: API_KEY, session: s.token });
    assert.equal(page.body.messages.filter((/** @type {any} */ m) => m.sender.type === 'ai').length, 0);

    // The transcript by e-mail, once an agent closed the conversation (before: 409 not_closed):
    // accepted by the SMTP server, with the conversation in it.
    const bad = await app.visitor(s, '/api/chat/transcript/email', { email: 'not an address' });
    assert.equal(bad.status, 400);
    const open = await app.visitor(s, '/api/chat/transcript/email', { email: 'grace@example.com' });
    assert.equal(open.status, 409);
    assert.equal(open.body.error.code, 'not_closed');
    await app.request(`/api/agent/conversations/${s.conversationId}/close`, { auth: token, method: 'POST' });
    const sent = await app.visitor(s, '/api/chat/transcript/email', { email: 'grace@example.com' });
    assert.equal(sent.status, 202);
    assert.deepEqual(sent.body, { delivered: true });
    assert.equal(received.length, 1);
    assert.deepEqual(received[0].to, ['grace@example.com']);
    // Quoted-printable soft line breaks may split a phrase anywhere.
    assert.match(received[0].raw.replace(/=\r\n/g, ''), /How long does delivery take\?/);
    assert.match(received[0].raw, /text\/html/);
    await app.visitor(s, '/api/chat/transcript/email', { email: 'grace@example.com' });
    await app.visitor(s, '/api/chat/transcript/email', { email: 'grace@example.com' });
    const limited = await app.visitor(s, '/api/chat/transcript/email', { email: 'grace@example.com' });
    assert.equal(limited.status, 429, 'three e-mails per conversation per hour');
    assert.equal(limited.body.error.code, 'rate_limited');
  } finally {
    await app.close();
    await smtp.close();
  }
});

for (const withAssistant of [true, false]) {
  test(`the agents' Handoff says whether the conversation has an assistant (${withAssistant ? 'on' : 'off'}): the queue, frames, conversation and page answers alike; only then may it go back (${STORE_NAME})`, async () => {
    // Nobody is assigned by themselves: the conversation stays queued while each answer is read.
    const app = await startAssistantServer({ ...(withAssistant ? { assistant: KB } : {}), queue: { autoAssign: false } });
    try {
      const token = await app.agentToken();
      const agent = app.socket(`/ws/agent?token=${token}`);
      await agent.ready();
      const s = await app.session();
      await app.say(s, 'How long does delivery take?');
      assert.equal((await app.visitor(s, '/api/chat/escalate', { reason: 'help' })).body.handoff.state, 'queued');
      const id = s.conversationId;
      const get = async (/** @type {string} */ path) => (await app.request(path, { auth: token })).body;
      const frame = await agent.next((f) => f.type === 'handoff' && f.conversationId === id && f.handoff.state === 'queued');
      /** @type {[string, unknown][]} */
      const seen = [
        ['handoff frame', frame.handoff.assistant],
        ['queue entry', (await get('/api/agent/queue')).queue.find((/** @type {any} */ q) => q.conversationId === id)?.assistant],
        [
          'conversation list',
          (await get('/api/agent/conversations')).conversations.find((/** @type {any} */ c) => c.id === id)?.handoff.assistant,
        ],
        ['feedback answer', (await get(`/api/agent/conversations/${id}/feedback`)).handoff.assistant],
        ['message page (long poll)', (await get(`/api/agent/conversations/${id}/messages?limit=1`)).handoff.assistant],
      ];
      for (const [where, value] of seen) assert.equal(value, withAssistant, where);
      // Visitors get their allow-list only.
      assert.equal('assistant' in (await handoffOf(app, s)), false, 'not in the visitor’s Handoff');

      const accepted = await app.request(`/api/agent/conversations/${id}/accept`, { auth: token, method: 'POST' });
      assert.equal(accepted.status, 200, JSON.stringify(accepted.body));
      assert.equal(accepted.body.conversation.handoff.state, 'assigned');
      assert.equal(accepted.body.conversation.handoff.assistant, withAssistant, 'accept answer');
      const assigned = await agent.next((f) => f.type === 'handoff' && f.conversationId === id && f.handoff.state === 'assigned');
      assert.equal(assigned.handoff.assistant, withAssistant, 'handoff frame once assigned');

      const back = await app.request(`/api/agent/conversations/${id}/return`, { auth: token, method: 'POST' });
      if (withAssistant) {
        assert.equal(back.status, 200, JSON.stringify(back.body));
        assert.deepEqual([back.body.conversation.handoff.state, back.body.conversation.handoff.assistant], ['assistant', true]);
      } else {
        assert.deepEqual([back.status, back.body.error.code], [409, 'assistant_disabled']);
      }
      agent.close();
    } finally {
      await app.close();
    }
  });
}

/**
 * The handoff state the visitor's message page reports.
 * @param {Awaited<ReturnType<typeof startAssistantServer>>} app
 * @param {{ token: string, conversationId: string }} s
 */
async function handoffOf(app, s) {
  const res = await app.request(`/api/chat/messages?conversationId=${s.conversationId}&limit=1`, { auth: API_KEY, session: s.token });
  return res.body.handoff;
}
