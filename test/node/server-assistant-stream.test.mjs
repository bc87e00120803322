// @ts-check
// The assistant's streams in the reference backend (docs/protocol.md, Streams) with an
// OpenAI-compatible provider (a local scripted endpoint): a reconnect gets the snapshot and the
// long poll sees the answer grow; Stop keeps the partial answer; a provider failure becomes a
// polite message with a handoff offer; a restart mid-answer ends with exactly one answer.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { gate, startScriptedServer } from './helpers/scripted-server.mjs';
import { API_KEY, sse, startAssistantServer, until } from './assistant-server.mjs';
import { STORE_NAME } from './test-store.mjs';

/**
 * What the local OpenAI-compatible endpoint does for the current test.
 * @type {import('./helpers/scripted-server.mjs').Handler}
 */
let script = (_req, res) => void res.writeHead(500).end();
/** @type {Awaited<ReturnType<typeof startScriptedServer>>} */
let provider;
/** @type {Awaited<ReturnType<typeof startAssistantServer>>} */
let app;
before(async () => {
  provider = await startScriptedServer((req, res, record) => script(req, res, record));
  app = await startAssistantServer({ assistant: { enabled: true, name: 'Robin' }, env: { OPENAI_BASE_URL: provider.url } });
});
after(async () => {
  await app.close();
  await provider.close();
});

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

test(`a reconnect mid-stream gets the snapshot of the answer so far; the long poll sees it grow (${STORE_NAME})`, async () => {
  const release = gate();
  script = async (_req, res) => {
    const out = sse(res);
    out.delta('Part one. ');
    out.delta('Part two. ');
    await release.opened;
    out.delta('Part three.');
    out.finish();
  };
  try {
    const s = await app.session();
    const first = app.socket(`/ws/chat?token=${s.token}`);
    await first.ready();
    await app.say(s, 'Tell me a story');
    await first.next((f) => f.type === 'stream_delta' && f.index === 1);
    first.close();
    // A new connection: the snapshot of the answer so far, then the rest live.
    const second = app.socket(`/ws/chat?token=${s.token}&after=1`);
    await second.ready();
    const snap = await second.next((f) => f.type === 'streams');
    assert.equal(snap.streams.length, 1);
    assert.equal(snap.streams[0].text, 'Part one. Part two. ');
    assert.equal(snap.streams[0].index, 1);
    // The long poll: an in-flight stream answers at once with the snapshot; with `stream=` it waits.
    const poll = await app.request(`/api/chat/messages?conversationId=${s.conversationId}&after=1&wait=5`, {
      auth: API_KEY,
      session: s.token,
    });
    assert.equal(poll.body.streams[0].text, 'Part one. Part two. ');
    const streamId = poll.body.streams[0].streamId;
    const waiting = app.request(`/api/chat/messages?conversationId=${s.conversationId}&after=1&wait=10&stream=${streamId}:1`, {
      auth: API_KEY,
      session: s.token,
    });
    release.open();
    const grown = await waiting;
    const done = grown.body.messages.find((/** @type {any} */ m) => m.streamId === streamId);
    const stillStreaming = grown.body.streams.find((/** @type {any} */ x) => x.streamId === streamId);
    assert.ok(done || stillStreaming?.index === 2, 'the poll answered with the grown answer');
    const end = await second.next((f) => f.type === 'stream_end');
    assert.equal(end.message.text, 'Part one. Part two. Part three.');
    assert.equal(second.frames.filter((f) => f.type === 'stream_delta' && f.index <= 1).length, 0, 'no delta sent twice');
    const stored = await messages(app, s);
    assert.equal(stored.filter((m) => m.sender.type === 'ai').length, 1);
    second.close();
  } finally {
    release.open();
  }
});

test(`Stop ends the answer and keeps what was written; stopping an unknown stream is 404 (${STORE_NAME})`, async () => {
  script = async (_req, res, record) => {
    const out = sse(res);
    out.delta('The first words');
    await record.closed; // until the server aborts the request
  };
  try {
    const s = await app.session();
    const ws = app.socket(`/ws/chat?token=${s.token}`);
    await ws.ready();
    await app.say(s, 'Explain everything');
    const delta = await ws.next((f) => f.type === 'stream_delta');
    ws.send({ type: 'stream_stop', streamId: delta.streamId });
    const end = await ws.next((f) => f.type === 'stream_end');
    assert.equal(end.reason, 'stopped');
    assert.equal(end.message.text, 'The first words');
    assert.equal(end.message.stopped, true);
    await /** @type {any} */ (provider.requests.at(-1)).closed; // the provider's request was aborted, not left hanging
    const missing = await app.visitor(s, '/api/chat/assistant/stop', { streamId: 's_unknown' });
    assert.equal(missing.status, 404);
    assert.equal(missing.body.error.code, 'not_found');
    const again = await app.visitor(s, '/api/chat/assistant/stop', { streamId: delta.streamId });
    assert.equal(again.status, 204, 'a stream that just ended: harmless');
    ws.send({ type: 'stream_stop', streamId: 's_other' });
    const error = await ws.next((f) => f.type === 'error' && f.streamId === 's_other');
    assert.equal(error.code, 'not_found');
    ws.close();
  } finally {
    script = (_req, res) => void res.writeHead(500).end();
  }
});

for (const [name, answer, code] of /** @type {const} */ ([
  [
    '401',
    (/** @type {any} */ res) => res.writeHead(401, { 'Content-Type': 'application/json' }).end('{"error":{"message":"bad key"}}'),
    'unauthorized',
  ],
  [
    '429 with Retry-After',
    // One second of cool-down; the case restarts the server after it (the cool-down is in memory).
    (/** @type {any} */ res) => res.writeHead(429, { 'Retry-After': '1' }).end('{"error":{"message":"slow down"}}'),
    'rate_limited',
  ],
  ['500', (/** @type {any} */ res) => res.writeHead(500).end('oops'), 'server_error'],
  [
    'a stream cut in the middle',
    (/** @type {any} */ res) => {
      sse(res).delta('Half an ans');
      setTimeout(() => res.destroy(), 20);
    },
    'stream_cut',
  ],
])) {
  test(`provider failure (${name}): a polite message with a handoff offer, never a hang (${STORE_NAME})`, async () => {
    script = (_req, res) => answer(res);
    try {
      const s = await app.session();
      const ws = app.socket(`/ws/chat?token=${s.token}`);
      await ws.ready();
      await app.say(s, 'Where is my order?');
      const end = await ws.next((f) => f.type === 'stream_end', 10_000);
      assert.equal(end.reason, 'failed');
      assert.equal(end.error.code, code);
      if (code === 'rate_limited') assert.equal(end.error.retryAfter, 1);
      const offer = await ws.next((f) => f.type === 'message' && f.message.sender.type === 'ai' && f.message.handoffOffer === true);
      assert.match(offer.message.text, /can't answer right now/);
      const stored = await messages(app, s);
      assert.equal(stored.at(-1).handoffOffer, true);
      if (code === 'stream_cut') {
        assert.equal(end.message.text, 'Half an ans', 'what was written stays');
        assert.equal(end.message.interrupted, true, 'marked as cut short');
      }
      ws.close();
      // The cool-down is the running server's (in memory): a restart ends it, so the next case asks
      // the provider again without waiting for the retry time to pass.
      if (code === 'rate_limited') await app.restart();
    } finally {
      script = (_req, res) => void res.writeHead(500).end();
    }
  });
}

test(`a restart mid-answer: after recovery exactly one final answer (${STORE_NAME})`, async () => {
  let calls = 0;
  script = async (_req, res, record) => {
    calls += 1;
    const out = sse(res);
    if (calls === 1) {
      out.delta('Interrupted ');
      await record.closed; // the first server stops in the middle
      return;
    }
    out.delta('The whole ');
    out.delta('answer.');
    out.finish();
  };
  {
    const s = await app.session();
    const ws = app.socket(`/ws/chat?token=${s.token}`);
    await ws.ready();
    await app.say(s, 'Please answer');
    const first = await ws.next((f) => f.type === 'stream_delta');
    await app.restart();
    await until(async () => (await messages(app, s)).some((m) => m.sender.type === 'ai'), 'the recovered answer', 10_000);
    const stored = await messages(app, s);
    const answers = stored.filter((m) => m.sender.type === 'ai');
    assert.equal(answers.length, 1, 'exactly one answer');
    assert.equal(answers[0].text, 'The whole answer.');
    assert.equal(answers[0].streamId, first.streamId, 'the same stream, answered again');
    // A second restart answers nothing again.
    await app.restart();
    const after = await messages(app, s);
    assert.equal(after.filter((m) => m.sender.type === 'ai').length, 1);
    assert.equal(calls, 2);
  }
});
