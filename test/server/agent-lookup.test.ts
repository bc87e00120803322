import { expect } from '@open-wc/testing';
import { agentToken, api, backend, newId, newSession, postVisitor, type Session } from '../server/helpers.js';

/**
 * The agent console's look-ups against the real backend (docs/protocol.md, "Visitor context" and
 * "Search"): the session request's `context` is checked and shown to agents with the visitor's
 * previous conversations; the search finds conversations by name, e-mail address and message
 * text, pages, and refuses bad input with one 400.
 */
describe('agent look-ups: visitor context, previous conversations, search', () => {
  async function session(visitorId: string, body: Record<string, unknown> = {}) {
    const { apiKey, tenantId } = await backend();
    return api<Session>('/api/chat/session', { auth: apiKey, body: { tenantId, visitorId, ...body } });
  }

  it('records the context of the newest session request (page reduced to origin and path) and shows it to agents', async () => {
    const visitorId = newId();
    const first = await session(visitorId, {
      context: { pageUrl: 'https://shop.example/pricing?reset=secret#plans', timezone: 'Asia/Tokyo', locale: 'ja-jp' },
    });
    expect(first.status, JSON.stringify(first.body)).to.equal(200);
    await postVisitor(first.body, 'hello from Tokyo');
    const auth = await agentToken();
    const answer = await api(`/api/agent/conversations/${first.body.conversationId}/visitor`, { auth });
    expect(answer.status).to.equal(200);
    expect(answer.body.context).to.include({ pageUrl: 'https://shop.example/pricing', timezone: 'Asia/Tokyo', locale: 'ja-JP' });
    expect(JSON.stringify(answer.body)).not.to.contain('secret');
    // A later request (the visitor moved on) replaces it.
    await session(visitorId, { context: { pageUrl: 'https://shop.example/checkout' } });
    const later = await api(`/api/agent/conversations/${first.body.conversationId}/visitor`, { auth });
    expect(later.body.context.pageUrl).to.equal('https://shop.example/checkout');
    // The inbox carries it too.
    const inbox = await api('/api/agent/conversations?limit=200', { auth });
    expect(inbox.body.conversations.find((c: { id: string }) => c.id === first.body.conversationId).context.pageUrl).to.equal(
      'https://shop.example/checkout',
    );
  });

  it('refuses a malformed context with one 400 naming the field, and creates nothing', async () => {
    const bad: unknown[] = [
      'https://x.example',
      [],
      { pageUrl: 'javascript:alert(1)' },
      { pageUrl: 42 },
      { pageUrl: `https://x.example/${'a'.repeat(2100)}` },
      { timezone: 'Mars/Olympus' },
      { timezone: '../../etc' },
      { locale: 'not a locale!' },
      { locale: 7 },
      { browser: 'x' },
    ];
    for (const context of bad) {
      const res = await session(newId(), { context });
      expect(res.status, JSON.stringify(context)).to.equal(400);
      const { error } = res.body as unknown as { error: { code: string; message: string } };
      expect(error.code).to.equal('bad_request');
      expect(error.message).to.match(/context/);
    }
  });

  it('lists the visitor’s previous conversations, newest first, without the open one', async () => {
    const visitorId = newId();
    const auth = await agentToken();
    const first = (await session(visitorId)).body;
    await postVisitor(first, 'first visit');
    expect((await api(`/api/agent/conversations/${first.conversationId}/close`, { auth, method: 'POST' })).status).to.equal(200);
    const second = (await session(visitorId, { newConversation: true })).body;
    expect(second.conversationId).not.to.equal(first.conversationId);
    await postVisitor(second, 'second visit');
    const answer = await api(`/api/agent/conversations/${second.conversationId}/visitor`, { auth });
    expect(answer.body.previous.map((c: { id: string }) => c.id)).to.deep.equal([first.conversationId]);
    expect(answer.body.previous[0].status).to.equal('closed');
    expect(answer.body.previous[0].preview, 'the newest text, not the "closed" notice').to.equal('first visit');
    expect(answer.body.hasMore).to.equal(false);
    // Another visitor's conversations are not listed.
    const stranger = await newSession();
    await postVisitor(stranger, 'someone else');
    const again = await api(`/api/agent/conversations/${second.conversationId}/visitor`, { auth });
    expect(again.body.previous).to.have.length(1);
    expect((await api(`/api/agent/conversations/${second.conversationId}/visitor?limit=0`, { auth })).status).to.equal(400);
    expect((await api(`/api/agent/conversations/c_unknown/visitor`, { auth })).status).to.equal(404);
    expect((await api(`/api/agent/conversations/${second.conversationId}/visitor`)).status).to.equal(401);
  });

  it('searches message text, contact name and e-mail address, case-insensitively, with paging', async () => {
    const auth = await agentToken();
    const word = `zebra${newId()
      .slice(0, 8)
      .replace(/[^a-z0-9]/gi, 'x')}`;
    const ids: string[] = [];
    for (let i = 0; i < 3; i++) {
      const s = await newSession();
      await postVisitor(s, `I like the ${word.toUpperCase()} plan number ${i}`);
      ids.push(s.conversationId);
    }
    const named = await newSession();
    await postVisitor(named, 'nothing to see');
    const contact = await api('/api/chat/contact', {
      auth: (await backend()).apiKey,
      session: named.token,
      body: { conversationId: named.conversationId, name: `Grace ${word}`, email: `${word}@example.com` },
    });
    expect(contact.status, JSON.stringify(contact.body)).to.be.lessThan(300);

    const first = await api(`/api/agent/search?q=${word}&limit=2`, { auth });
    expect(first.status).to.equal(200);
    expect(first.body.conversations).to.have.length(2);
    expect(first.body.nextCursor).to.be.a('string');
    const second = await api(`/api/agent/search?q=${word}&limit=2&cursor=${first.body.nextCursor}`, { auth });
    const found = [...first.body.conversations, ...second.body.conversations];
    expect(second.body.nextCursor).to.equal(null);
    expect(found.map((c: { id: string }) => c.id).sort()).to.deep.equal([...ids, named.conversationId].sort());
    const byText = found.find((c: { id: string }) => c.id === ids[0]);
    expect(byText.match).to.contain(word.toUpperCase());
    expect(found.find((c: { id: string }) => c.id === named.conversationId).match).to.equal(null);
    // By e-mail address only.
    const byEmail = await api(`/api/agent/search?q=${encodeURIComponent(`${word}@example`)}`, { auth });
    expect(byEmail.body.conversations.map((c: { id: string }) => c.id)).to.deep.equal([named.conversationId]);
    // LIKE wildcards are literal: "%" finds nothing of these.
    const wildcard = await api(`/api/agent/search?q=${encodeURIComponent('%%')}`, { auth });
    expect(wildcard.status).to.equal(200);
    expect(wildcard.body.conversations.map((c: { id: string }) => c.id)).not.to.include(ids[0]);
  });

  it('refuses a bad search with one 400 and answers only the agent’s tenant', async () => {
    const auth = await agentToken();
    for (const query of ['', 'q=', 'q=a', `q=${'x'.repeat(201)}`, 'q=ok&limit=0', 'q=ok&limit=abc', 'q=ok&cursor=nonsense', 'q=%00%00']) {
      const res = await api(`/api/agent/search?${query}`, { auth });
      expect(res.status, query).to.equal(400);
      expect(res.body.error.code).to.equal('bad_request');
    }
    expect((await api('/api/agent/search?q=hello')).status).to.equal(401);
    // Another tenant's agent finds nothing of this tenant's.
    const word = `okapi${newId()
      .slice(0, 8)
      .replace(/[^a-z0-9]/gi, 'x')}`;
    const s = await newSession();
    await postVisitor(s, `an ${word} here`);
    expect((await api(`/api/agent/search?q=${word}`, { auth })).body.conversations).to.have.length(1);
    const other = await agentToken((await backend()).other);
    const foreign = await api(`/api/agent/search?q=${word}`, { auth: other });
    expect(foreign.status).to.equal(200);
    expect(foreign.body.conversations).to.deep.equal([]);
    expect((await api(`/api/agent/conversations/${s.conversationId}/visitor`, { auth: other })).status).to.equal(404);
  });
});
