// @ts-check
// The assistant path against local fake providers (OpenAI-compatible and Gemini wire formats), for
// what an audit found: the history a question sent while an answer streams gets (the answer stored
// meanwhile included), the keys never in the log, the cool-down after a 429, Gemini's finishReason
// ending the answer, empty answers and cut answers, the log lines, and the queue estimate.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { format } from 'node:util';
import { gate, startScriptedServer } from './helpers/scripted-server.mjs';
import { API_KEY, sse, startAssistantServer, until } from './assistant-server.mjs';
import { STORE_NAME } from './test-store.mjs';
import { CUT_MARK } from '../../demo/server/assistant/index.js';
import { MAX_COOL_DOWN_SECONDS, MIN_WAIT_SECONDS } from '../../demo/server/assistant/service.js';

const OPENAI_KEY = 'sk-proj-Abc123SECRETsecret456Def789ghi0JKL';
const GEMINI_KEY = 'AIzaSyTESTKEY0123456789abcdefghijKLMNO';

/** What the server logged (console.warn / log / error), one string per call. @type {string[]} */
const logs = [];
/** @type {Record<'warn' | 'log' | 'error', (...args: unknown[]) => void>} */
const original = { warn: console.warn, log: console.log, error: console.error };
before(() => {
  for (const level of /** @type {const} */ (['warn', 'log', 'error'])) {
    console[level] = (...args) => {
      logs.push(format(...args));
    };
  }
});
after(() => Object.assign(console, original));

/**
 * @param {Awaited<ReturnType<typeof startAssistantServer>>} app
 * @param {{ token: string, conversationId: string }} s
 */
async function messages(app, s) {
  const res = await app.request(`/api/chat/messages?conversationId=${s.conversationId}&limit=200`, { auth: API_KEY, session: s.token });
  assert.equal(res.status, 200);
  return /** @type {any[]} */ (res.body.messages);
}

/**
 * The stream_end of a stream other than those in `seen`.
 * @param {import('./assistant-server.mjs').RecordingSocket} ws
 * @param {Set<string>} seen
 * @param {number} [ms]
 */
async function nextEnd(ws, seen, ms = 10_000) {
  const end = await ws.next((f) => f.type === 'stream_end' && !seen.has(f.streamId), ms);
  seen.add(end.streamId);
  return end;
}

describe(`OpenAI-compatible provider (${STORE_NAME})`, () => {
  /** @type {import('./helpers/scripted-server.mjs').Handler} */
  let script = (_req, res) => void res.writeHead(500).end();
  /** @type {Awaited<ReturnType<typeof startScriptedServer>>} */
  let provider;
  /** @type {Awaited<ReturnType<typeof startAssistantServer>>} */
  let app;
  before(async () => {
    provider = await startScriptedServer((req, res, record) => script(req, res, record));
    app = await startAssistantServer({
      assistant: { enabled: true, name: 'Robin' },
      queue: { autoAssign: true, maxPerAgent: 1 },
      env: { OPENAI_BASE_URL: provider.url, OPENAI_API_KEY: OPENAI_KEY },
    });
  });
  after(async () => {
    await app.close();
    await provider.close();
  });

  test('a question sent while an answer streams: its request has the answer stored meanwhile, between the two questions', async () => {
    const release = gate();
    let calls = 0;
    script = async (_req, res) => {
      calls += 1;
      const out = sse(res);
      if (calls === 1) {
        out.delta('Shipping takes ');
        await release.opened;
        out.delta('three days.');
      } else out.delta('Returns are free.');
      out.finish();
    };
    const s = await app.session();
    const ws = app.socket(`/ws/chat?token=${s.token}`);
    await ws.ready();
    const seen = new Set();
    await app.say(s, 'How long does shipping take?');
    await ws.next((f) => f.type === 'stream_delta');
    // Stored (201) while the first answer is still streaming.
    assert.equal((await app.say(s, 'And are returns free?')).status, 201);
    release.open();
    const first = await nextEnd(ws, seen);
    assert.equal(first.message.text, 'Shipping takes three days.');
    const second = await nextEnd(ws, seen);
    assert.equal(second.reason, 'complete');
    assert.equal(provider.requests.length, 2);
    const sent = provider.requests[1].body.messages.filter((/** @type {any} */ m) => m.role !== 'system');
    assert.deepEqual(sent, [
      { role: 'user', content: 'How long does shipping take?' },
      { role: 'assistant', content: 'Shipping takes three days.' },
      { role: 'user', content: 'And are returns free?' },
    ]);
    ws.close();
  });

  test('a partial answer after a failure is stored interrupted; the model gets it marked as cut, never the apology', async () => {
    let calls = 0;
    script = (_req, res) => {
      calls += 1;
      if (calls === 1) {
        sse(res).delta('Half an ans');
        setTimeout(() => res.destroy(), 20);
        return;
      }
      const out = sse(res);
      out.delta('Here is the rest.');
      out.finish();
    };
    provider.requests.length = 0;
    const s = await app.session();
    const ws = app.socket(`/ws/chat?token=${s.token}`);
    await ws.ready();
    const seen = new Set();
    await app.say(s, 'Tell me about the warranty');
    const end = await nextEnd(ws, seen);
    assert.equal(end.reason, 'failed');
    assert.equal(end.message.text, 'Half an ans');
    assert.equal(end.message.interrupted, true);
    await ws.next((f) => f.type === 'message' && f.message.notice === true);
    await app.say(s, 'Please go on');
    assert.equal((await nextEnd(ws, seen)).reason, 'complete');
    const sent = provider.requests[1].body.messages.filter((/** @type {any} */ m) => m.role !== 'system');
    assert.deepEqual(sent, [
      { role: 'user', content: 'Tell me about the warranty' },
      { role: 'assistant', content: `Half an ans\n\n${CUT_MARK}` },
      { role: 'user', content: 'Please go on' },
    ]);
    const stored = await messages(app, s);
    assert.equal(stored.find((m) => m.text === 'Half an ans')?.interrupted, true);
    ws.close();
  });

  test('a 401 and an error event that repeat the key: the log has no key, and names the conversation and the stream', async () => {
    let calls = 0;
    script = (_req, res) => {
      calls += 1;
      if (calls === 1) {
        res.writeHead(401, { 'Content-Type': 'application/json' }).end(
          JSON.stringify({
            error: {
              message: `Incorrect API key provided: ${OPENAI_KEY}. Header was Authorization: Bearer ${OPENAI_KEY}`,
              type: 'invalid_request_error',
              code: 'invalid_api_key',
            },
          }),
        );
        return;
      }
      res.writeHead(200, { 'Content-Type': 'text/event-stream' });
      res.end(
        `data: ${JSON.stringify({ error: { message: `key ${OPENAI_KEY.slice(0, 12)}…${OPENAI_KEY.slice(-6)} is revoked`, code: 'invalid_api_key' } })}\n\n`,
      );
    };
    logs.length = 0;
    const s = await app.session();
    const ws = app.socket(`/ws/chat?token=${s.token}`);
    await ws.ready();
    const seen = new Set();
    await app.say(s, 'My order number is 555-SECRET-ORDER');
    const first = await nextEnd(ws, seen);
    assert.equal(first.error.code, 'unauthorized');
    await app.say(s, 'Hello again');
    const second = await nextEnd(ws, seen);
    assert.equal(second.error.code, 'unauthorized');
    const lines = logs.filter((l) => l.includes('unauthorized'));
    assert.equal(lines.length, 2, logs.join('\n'));
    for (const line of logs) {
      assert.ok(!line.includes(OPENAI_KEY), line);
      assert.ok(!line.includes(OPENAI_KEY.slice(0, 12)) && !line.includes(OPENAI_KEY.slice(-6)), `no part of the key: ${line}`);
      assert.ok(!line.includes('555-SECRET-ORDER'), 'never the visitor text');
    }
    assert.match(lines[0], /Incorrect API key provided: \[redacted\]/);
    assert.ok(lines[0].includes(`conversation ${s.conversationId}`) && lines[0].includes(`stream ${first.streamId}`), lines[0]);
    ws.close();
  });

  test('an empty answer (finish_reason "length", only reasoning) logs a warning naming provider, reason and conversation', async () => {
    script = (_req, res) => {
      res.writeHead(200, { 'Content-Type': 'text/event-stream' });
      res.write(`data: ${JSON.stringify({ choices: [{ index: 0, delta: { reasoning_content: 'Let me think…' } }] })}\n\n`);
      res.write(`data: ${JSON.stringify({ choices: [{ index: 0, delta: {}, finish_reason: 'length' }] })}\n\n`);
      res.end('data: [DONE]\n\n');
    };
    logs.length = 0;
    const s = await app.session();
    const ws = app.socket(`/ws/chat?token=${s.token}`);
    await ws.ready();
    await app.say(s, 'Explain everything');
    await ws.next((f) => f.type === 'stream_end');
    await until(() => logs.some((l) => l.includes('empty answer')), 'the empty-answer warning');
    const line = /** @type {string} */ (logs.find((l) => l.includes('empty answer')));
    assert.match(line, /openai-compatible/);
    assert.match(line, /finish reason length/);
    assert.ok(line.includes(s.conversationId), line);
    ws.close();
  });

  test(`the queue estimate is never 0 for someone waiting (past waits of 0 s): at least ${MIN_WAIT_SECONDS} s`, async () => {
    const agentWs = app.socket(`/ws/agent?token=${await app.agentToken()}`);
    await agentWs.ready();
    // Auto-assigned at once (a wait of about 0 s recorded); the agent is then full (maxPerAgent 1).
    const a = await app.session();
    const first = await app.visitor(a, '/api/chat/escalate', {});
    assert.equal(first.status, 200);
    await until(async () => (await app.visitor(a, '/api/chat/escalate', {})).body.handoff.state === 'assigned', 'auto-assigned');
    const b = await app.session();
    const queued = await app.visitor(b, '/api/chat/escalate', {});
    assert.equal(queued.body.handoff.state, 'queued');
    assert.equal(queued.body.handoff.estimatedWaitSeconds, MIN_WAIT_SECONDS);
    agentWs.close();
  });

  test('after a restart the answers of before it are still in the history, each after the question it answered', async () => {
    script = (_req, res) => {
      const out = sse(res);
      out.delta(provider.requests.length === 1 ? 'Before the restart.' : 'After the restart.');
      out.finish();
    };
    provider.requests.length = 0;
    const s = await app.session();
    let ws = app.socket(`/ws/chat?token=${s.token}`);
    await ws.ready();
    await app.say(s, 'First question');
    assert.equal((await ws.next((f) => f.type === 'stream_end')).reason, 'complete');
    ws.close();
    await app.restart();
    ws = app.socket(`/ws/chat?token=${s.token}`);
    await ws.ready();
    await app.say(s, 'Second question');
    assert.equal((await ws.next((f) => f.type === 'stream_end')).reason, 'complete');
    const sent = provider.requests[1].body.messages.filter((/** @type {any} */ m) => m.role !== 'system');
    assert.deepEqual(sent, [
      { role: 'user', content: 'First question' },
      { role: 'assistant', content: 'Before the restart.' },
      { role: 'user', content: 'Second question' },
    ]);
    ws.close();
  });

  // Last: the cool-down it starts holds every later question of this tenant.
  test('a 429 with Retry-After: until then questions fail at once without asking the provider; the delay is logged', async () => {
    script = (_req, res) => void res.writeHead(429, { 'Retry-After': '30' }).end('{"error":{"message":"Rate limit reached"}}');
    logs.length = 0;
    const s = await app.session();
    const ws = app.socket(`/ws/chat?token=${s.token}`);
    await ws.ready();
    const seen = new Set();
    await app.say(s, 'First question');
    const first = await nextEnd(ws, seen);
    assert.equal(first.error.code, 'rate_limited');
    assert.equal(first.error.retryAfter, 30);
    const asked = provider.requests.length;
    assert.ok(
      logs.some((l) => /rate-limited: no requests to it for 30 s/.test(l)),
      logs.join('\n'),
    );
    assert.ok(
      logs.some((l) => l.includes('rate_limited') && l.includes('retry after 30 s')),
      logs.join('\n'),
    );

    const other = await app.session();
    const ws2 = app.socket(`/ws/chat?token=${other.token}`);
    await ws2.ready();
    await app.say(other, 'Second question, another visitor');
    const second = await nextEnd(ws2, new Set());
    assert.equal(second.reason, 'failed');
    assert.equal(second.error.code, 'rate_limited');
    assert.ok(second.error.retryAfter > 0 && second.error.retryAfter <= 30, String(second.error.retryAfter));
    const offer = await ws2.next((f) => f.type === 'message' && f.message.handoffOffer === true);
    assert.match(offer.message.text, /can't answer right now/);
    assert.equal(provider.requests.length, asked, 'the provider was not asked during the cool-down');
    ws.close();
    ws2.close();
  });
});

describe(`Gemini (${STORE_NAME})`, () => {
  /** @type {import('./helpers/scripted-server.mjs').Handler} */
  let script = (_req, res) => void res.writeHead(500).end();
  /** @type {Awaited<ReturnType<typeof startScriptedServer>>} */
  let provider;
  /** @type {Awaited<ReturnType<typeof startAssistantServer>>} */
  let app;
  before(async () => {
    provider = await startScriptedServer((req, res, record) => script(req, res, record));
    app = await startAssistantServer({
      assistant: { enabled: true, name: 'Robin' },
      env: { GEMINI_API_KEY: GEMINI_KEY, GEMINI_API_BASE: provider.url, ASSISTANT_IDLE_MS: '1500' },
    });
  });
  after(async () => {
    await app.close();
    await provider.close();
  });

  /** @param {string} text @param {string} [finishReason] */
  const chunk = (text, finishReason) =>
    `data: ${JSON.stringify({ candidates: [{ content: { role: 'model', parts: [{ text }] }, index: 0, ...(finishReason ? { finishReason } : {}) }] })}\n\n`;

  test('a chunk with finishReason STOP ends the answer even when the connection stays open', async () => {
    script = async (_req, res, record) => {
      res.writeHead(200, { 'Content-Type': 'text/event-stream' });
      res.write(chunk('The answer '));
      res.write(chunk('is complete.', 'STOP'));
      await record.closed; // never ends the body itself
    };
    const s = await app.session();
    const ws = app.socket(`/ws/chat?token=${s.token}`);
    await ws.ready();
    await app.say(s, 'Is it complete?');
    const end = await ws.next((f) => f.type === 'stream_end', 10_000);
    assert.equal(end.reason, 'complete', JSON.stringify(end.error));
    assert.equal(end.message.text, 'The answer is complete.');
    assert.equal(end.message.interrupted, undefined);
    await /** @type {any} */ (provider.requests.at(-1)).closed;
    ws.close();
  });

  test('400 API_KEY_INVALID that repeats the key: the log has no key', async () => {
    script = (_req, res) =>
      void res.writeHead(400, { 'Content-Type': 'application/json' }).end(
        JSON.stringify({
          error: {
            code: 400,
            message: `API key not valid: ${GEMINI_KEY}. Please pass a valid API key. (x-goog-api-key: ${GEMINI_KEY})`,
            status: 'INVALID_ARGUMENT',
            details: [{ '@type': 'type.googleapis.com/google.rpc.ErrorInfo', reason: 'API_KEY_INVALID', domain: 'googleapis.com' }],
          },
        }),
      );
    logs.length = 0;
    const s = await app.session();
    const ws = app.socket(`/ws/chat?token=${s.token}`);
    await ws.ready();
    await app.say(s, 'Hello');
    const end = await ws.next((f) => f.type === 'stream_end');
    assert.equal(end.error.code, 'unauthorized');
    const line = logs.find((l) => l.includes('unauthorized'));
    assert.ok(line, logs.join('\n'));
    assert.match(line, /API key not valid: \[redacted\]/);
    for (const l of logs) assert.ok(!l.includes(GEMINI_KEY) && !l.includes(GEMINI_KEY.slice(-8)), l);
    ws.close();
  });

  // Last: the cool-down holds every later question of this tenant.
  test(`a 429 with RetryInfo: the cool-down follows retryDelay, capped at ${MAX_COOL_DOWN_SECONDS} s`, async () => {
    script = (_req, res) =>
      void res.writeHead(429, { 'Content-Type': 'application/json' }).end(
        JSON.stringify({
          error: {
            code: 429,
            message: 'Resource has been exhausted (e.g. check quota).',
            status: 'RESOURCE_EXHAUSTED',
            details: [{ '@type': 'type.googleapis.com/google.rpc.RetryInfo', retryDelay: '1000s' }],
          },
        }),
      );
    logs.length = 0;
    const s = await app.session();
    const ws = app.socket(`/ws/chat?token=${s.token}`);
    await ws.ready();
    const seen = new Set();
    await app.say(s, 'Question');
    const first = await nextEnd(ws, seen);
    assert.equal(first.error.retryAfter, 1000, 'what the provider said');
    assert.ok(
      logs.some((l) => /no requests to it for 300 s.*capped at 300 s/.test(l)),
      logs.join('\n'),
    );
    const asked = provider.requests.length;
    await app.say(s, 'Again');
    const second = await nextEnd(ws, seen);
    assert.equal(second.error.code, 'rate_limited');
    assert.ok(second.error.retryAfter > 290 && second.error.retryAfter <= MAX_COOL_DOWN_SECONDS, String(second.error.retryAfter));
    assert.equal(provider.requests.length, asked);
    ws.close();
  });
});
