import { expect } from '@open-wc/testing';
import { api, backend, newId, newSession, postVisitor } from './helpers.js';

/** A session request of the demo tenant with extra body fields. */
async function session(visitorId: string, extra: Record<string, unknown>) {
  const { apiKey, tenantId } = await backend();
  return api('/api/chat/session', { auth: apiKey, body: { tenantId, visitorId, ...extra } });
}

describe('POST /api/chat/session with history (the newest page, opt-in)', () => {
  it('answers the newest page, the same as GET /api/chat/messages?before=lastSeq+1 gives', async () => {
    const visitorId = newId();
    const first = await newSession(visitorId);
    for (let i = 1; i <= 5; i++) expect((await postVisitor(first, `message ${i}`)).status).to.equal(201);

    const res = await session(visitorId, { history: 3 });
    expect(res.status).to.equal(200);
    expect(res.body.conversationId).to.equal(first.conversationId);
    expect(res.body.lastSeq).to.equal(5);
    const { history } = res.body;
    expect(history.messages.map((m: { seq: number; text: string }) => [m.seq, m.text])).to.deep.equal([
      [3, 'message 3'],
      [4, 'message 4'],
      [5, 'message 5'],
    ]);
    expect(history).to.include({ hasMore: true, lastSeq: 5 });

    const { apiKey } = await backend();
    const page = await api(`/api/chat/messages?conversationId=${first.conversationId}&before=6&limit=3`, {
      auth: apiKey,
      session: res.body.token,
    });
    expect(history.messages, 'the same page as GET /api/chat/messages').to.deep.equal(page.body.messages);

    const all = await session(visitorId, { history: 200 });
    expect(all.body.history.messages).to.have.length(5);
    expect(all.body.history.hasMore).to.equal(false);
  });

  it('has no history field without the opt-in (old clients, the seeds)', async () => {
    const visitorId = newId();
    const first = await newSession(visitorId);
    await postVisitor(first, 'hello');
    const plain = await session(visitorId, {});
    expect(plain.status).to.equal(200);
    expect(plain.body.lastSeq).to.equal(1);
    expect(plain.body).not.to.have.property('history');
    const nulled = await session(visitorId, { history: null });
    expect(nulled.body).not.to.have.property('history');
  });

  it('answers an empty page for a new conversation', async () => {
    const res = await session(newId(), { history: 50 });
    expect(res.status).to.equal(200);
    expect(res.body.history).to.deep.equal({ messages: [], hasMore: false, lastSeq: 0 });
  });

  it('refuses a history that is not an integer from 1 to 200 (400 bad_request)', async () => {
    for (const history of [0, 201, 2.5, '50', true, {}]) {
      const res = await session(newId(), { history });
      expect(res.status, JSON.stringify(history)).to.equal(400);
      expect(res.body.error.code).to.equal('bad_request');
      expect(res.body.error.message).to.contain('history');
    }
  });
});
