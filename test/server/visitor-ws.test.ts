import { expect } from '@open-wc/testing';
import {
  RecordingSocket,
  agentToken,
  api,
  backend,
  expiredVisitorToken,
  newId,
  newSession,
  postVisitor,
  visitorSocket,
} from './helpers.js';

async function wsUrl(query: string) {
  const { url } = await backend();
  return `${url.replace(/^http/, 'ws')}/ws/chat${query}`;
}

describe('/ws/chat', () => {
  const sockets: RecordingSocket[] = [];
  const track = (socket: RecordingSocket) => (sockets.push(socket), socket);
  afterEach(() => sockets.splice(0).forEach((s) => s.close()));

  it('sends ready with protocol, conversation, visitor and lastSeq', async () => {
    const session = await newSession();
    await postVisitor(session, 'before connecting');
    const socket = track(await visitorSocket(session));
    const ready = socket.frames[0];
    expect(ready).to.deep.equal({
      type: 'ready',
      protocol: 1,
      conversationId: session.conversationId,
      visitorId: session.visitorId,
      lastSeq: 1,
    });
  });

  it('acks a message frame with the stored message, and a duplicate with the same one', async () => {
    const session = await newSession();
    const socket = track(await visitorSocket(session));
    const clientId = newId();
    socket.send({ type: 'message', clientId, text: ' hello over ws ' });
    const ack = await socket.next((f) => f.type === 'ack' && f.clientId === clientId);
    expect(ack.message.seq).to.equal(1);
    expect(ack.message.text).to.equal('hello over ws');
    expect(ack.message.clientId).to.equal(clientId);
    socket.frames.length = 0;
    socket.send({ type: 'message', clientId, text: 'hello over ws' });
    const again = await socket.next((f) => f.type === 'ack');
    expect(again.message.id).to.equal(ack.message.id);
    const { apiKey } = await backend();
    const list = await api(`/api/chat/messages?conversationId=${session.conversationId}`, { auth: apiKey, session: session.token });
    expect(list.body.messages).to.have.length(1);
  });

  it('pushes a message sent from one tab to the visitor’s other tab', async () => {
    const session = await newSession();
    const tabA = track(await visitorSocket(session));
    const tabB = track(await visitorSocket(session));
    tabA.send({ type: 'message', clientId: newId(), text: 'from tab A' });
    const pushed = await tabB.next((f) => f.type === 'message');
    expect(pushed.message.text).to.equal('from tab A');
  });

  it('pushes a message posted over HTTP, and an agent reply', async () => {
    const session = await newSession();
    const socket = track(await visitorSocket(session));
    await postVisitor(session, 'via http');
    const own = await socket.next((f) => f.type === 'message' && f.message.text === 'via http');
    expect(own.message.sender.type).to.equal('visitor');

    const token = await agentToken();
    await api(`/api/agent/conversations/${session.conversationId}/messages`, {
      auth: token,
      body: { clientId: newId(), text: 'agent here' },
    });
    const reply = await socket.next((f) => f.type === 'message' && f.message.text === 'agent here');
    expect(reply.message.sender).to.deep.equal({ type: 'agent', id: 'agent_demo_ada', name: 'Ada (demo agent)' });
    // seq 2: the system message that the agent joined, pushed before the reply.
    const joined = await socket.next((f) => f.type === 'message' && f.message.event === 'joined');
    expect(joined.message.seq).to.equal(2);
    expect(reply.message.seq).to.equal(3);
  });

  it('replays messages after `after` right after ready, in order', async () => {
    const session = await newSession();
    for (const text of ['one', 'two', 'three', 'four']) await postVisitor(session, text);
    const socket = track(await visitorSocket(session, '&after=1'));
    await socket.next((f) => f.type === 'message' && f.message.seq === 4);
    // presence and status follow ready (docs/protocol.md, Conversation lifecycle); then the replay.
    const frames = socket.frames.filter((f) => f.type !== 'presence' && f.type !== 'status');
    expect(frames.map((f) => f.type)).to.deep.equal(['ready', 'message', 'message', 'message']);
    expect(frames.slice(1).map((f) => f.message.text)).to.deep.equal(['two', 'three', 'four']);
  });

  it('replays on a sync frame', async () => {
    const session = await newSession();
    for (const text of ['one', 'two']) await postVisitor(session, text);
    const socket = track(await visitorSocket(session));
    socket.send({ type: 'sync', after: 0 });
    await socket.next((f) => f.type === 'message' && f.message.seq === 2);
    expect(socket.frames.filter((f) => f.type === 'message').map((f) => f.message.seq)).to.deep.equal([1, 2]);
  });

  it('answers a malformed frame with an error frame and keeps working', async () => {
    const session = await newSession();
    const socket = track(await visitorSocket(session));
    socket.send('this is not json');
    const error = await socket.next((f) => f.type === 'error');
    expect(error.code).to.equal('bad_request');
    socket.send({ no: 'type' });
    await socket.next((f) => f.type === 'error' && f !== error);
    socket.send({ type: 'ping', ts: 42 });
    const pong = await socket.next((f) => f.type === 'pong');
    expect(pong.ts).to.equal(42);
    const clientId = newId();
    socket.send({ type: 'message', clientId, text: 'still here' });
    const ack = await socket.next((f) => f.type === 'ack');
    expect(ack.clientId).to.equal(clientId);
  });

  it('refuses an oversized or empty message with an error naming the clientId', async () => {
    const session = await newSession();
    const socket = track(await visitorSocket(session));
    const big = newId();
    socket.send({ type: 'message', clientId: big, text: 'x'.repeat(4001) });
    const tooLarge = await socket.next((f) => f.type === 'error' && f.clientId === big);
    expect(tooLarge.code).to.equal('payload_too_large');
    const empty = newId();
    socket.send({ type: 'message', clientId: empty, text: '  ' });
    const bad = await socket.next((f) => f.type === 'error' && f.clientId === empty);
    expect(bad.code).to.equal('bad_request');
    expect(bad.message).to.be.a('string').and.not.empty;
  });

  it('ignores unknown frame types', async () => {
    const session = await newSession();
    const socket = track(await visitorSocket(session));
    socket.send({ type: 'future-feature', x: 1 });
    socket.send({ type: 'ping', ts: 'after-unknown' });
    await socket.next((f) => f.type === 'pong');
    expect(socket.frames.map((f) => f.type)).to.deep.equal(['ready', 'presence', 'status', 'pong']);
  });

  it('closes with 4400 after too many malformed frames', async () => {
    const session = await newSession();
    const socket = track(await visitorSocket(session));
    for (let i = 0; i < 25; i++) socket.send('{');
    const closed = await socket.closed;
    expect(closed.code).to.equal(4400);
  });

  it('closes with 4001 for a missing, invalid or expired token', async () => {
    const session = await newSession();
    const expired = await expiredVisitorToken(session);
    for (const query of ['', '?token=garbage', `?token=${expired}`]) {
      const socket = track(new RecordingSocket(await wsUrl(query)));
      const closed = await socket.closed;
      expect(closed.code, query.slice(0, 20)).to.equal(4001);
    }
  });

  it('sends agent typing to the visitor', async () => {
    const session = await newSession();
    const socket = track(await visitorSocket(session));
    const token = await agentToken();
    const res = await api(`/api/agent/conversations/${session.conversationId}/typing`, { auth: token, body: { typing: true } });
    expect(res.status).to.equal(204);
    const typing = await socket.next((f) => f.type === 'typing');
    expect(typing).to.deep.include({ conversationId: session.conversationId, typing: true });
    expect(typing.sender.type).to.equal('agent');
  });
});
