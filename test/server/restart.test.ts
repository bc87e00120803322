import { expect } from '@open-wc/testing';
import { api, backend, newSession, postVisitor, visitorSocket } from './helpers.js';

describe('backend restarts', () => {
  it('keeps history, tokens and the URL across a graceful restart', async () => {
    const before = await backend();
    const session = await newSession();
    for (const text of ['kept 1', 'kept 2']) await postVisitor(session, text);
    const socket = await visitorSocket(session);

    const after = await backend('backend-restart');
    expect(after.url).to.equal(before.url);
    // A connected page sees "server going away" and can reconnect to the same URL.
    expect((await socket.closed).code).to.equal(1001);

    const list = await api(`/api/chat/messages?conversationId=${session.conversationId}`, { auth: after.apiKey, session: session.token });
    expect(list.status).to.equal(200);
    expect(list.body.messages.map((m: any) => m.text)).to.deep.equal(['kept 1', 'kept 2']);
    const resumed = await newSession(session.visitorId);
    expect(resumed.conversationId).to.equal(session.conversationId);
    expect(resumed.lastSeq).to.equal(2);

    const reconnected = await visitorSocket(session, '&after=1');
    const replayed = await reconnected.next((f) => f.type === 'message');
    expect(replayed.message.text).to.equal('kept 2');
    reconnected.close();
  });

  it('loses no acknowledged message when the process is SIGKILLed', async () => {
    const session = await newSession();
    const stored = await postVisitor(session, 'acknowledged before the crash');
    expect(stored.status).to.equal(201);
    await backend('backend-kill');
    const down = await fetch(`${(await backend()).url}/api/chat/session`, { method: 'OPTIONS' }).then(
      () => 'up',
      () => 'down',
    );
    expect(down).to.equal('down');
    await backend('backend-start');
    const { apiKey } = await backend();
    const list = await api(`/api/chat/messages?conversationId=${session.conversationId}`, { auth: apiKey, session: session.token });
    expect(list.body.messages.map((m: any) => m.text)).to.deep.equal(['acknowledged before the crash']);
    const next = await postVisitor(session, 'after the crash');
    expect(next.body.message.seq).to.equal(2);
  });
});
