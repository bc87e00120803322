// @ts-check
// The OpenAI-compatible provider against a local server that speaks the Chat Completions
// streaming wire format (data: chunk events, data: [DONE], comments, error bodies), including
// every failure the provider must turn into a typed error instead of a hang.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createOpenAIProvider, openAIOptionsFromEnv } from '../../demo/server/assistant/openai.js';
import { ProviderError } from '../../demo/server/assistant/provider.js';
import { collect, gate, observedFetch, startScriptedServer, write, writeInSeparateReads } from './helpers/scripted-server.mjs';

const SSE_HEADERS = { 'Content-Type': 'text/event-stream', 'Cache-Control': 'no-cache' };
/** @param {unknown} value */
const data = (value) => `data: ${JSON.stringify(value)}\n\n`;
/** @param {string | null} content @param {string | null} [finish] */
const chunk = (content, finish = null) =>
  data({
    id: 'chatcmpl-1',
    object: 'chat.completion.chunk',
    created: 1,
    model: 'gpt-test',
    choices: [{ index: 0, delta: content === null ? {} : { content }, finish_reason: finish }],
  });
const MESSAGES = /** @type {import('../../demo/server/assistant/provider.js').ChatTurn[]} */ ([
  { role: 'user', content: 'Hi' },
  { role: 'assistant', content: 'Hello! How can I help?' },
  { role: 'user', content: 'Where is my order?' },
]);

/**
 * @param {import('./helpers/scripted-server.mjs').Handler} handler
 * @param {Partial<import('../../demo/server/assistant/openai.js').OpenAIOptions>} [options]
 */
async function setup(handler, options = {}) {
  const server = await startScriptedServer(handler);
  const provider = createOpenAIProvider({
    baseUrl: `${server.url}/v1`,
    apiKey: 'sk-test-123',
    model: 'gpt-test',
    firstTokenMs: 2000,
    idleMs: 2000,
    ...options,
  });
  return { server, provider };
}

/** @param {any} error @param {string} code */
function assertCode(error, code) {
  assert.ok(error instanceof ProviderError, `expected a ProviderError, got ${error}`);
  assert.equal(error.code, code, error.message);
  assert.ok(!String(error.message).includes('sk-test-123'), 'the API key never appears in messages');
}

test('a normal stream: documented request, deltas in order, comments and usage chunks ignored, done', async (t) => {
  const { server, provider } = await setup(async (_req, res) => {
    res.writeHead(200, SSE_HEADERS);
    res.write(
      data({
        id: 'c',
        object: 'chat.completion.chunk',
        choices: [{ index: 0, delta: { role: 'assistant', content: '' }, finish_reason: null }],
      }),
    );
    res.write(': keep-alive\n\n');
    res.write(chunk('Your order '));
    res.write(chunk('ships **today**.'));
    res.write(chunk(null, 'stop'));
    res.write(
      data({ id: 'c', object: 'chat.completion.chunk', choices: [], usage: { prompt_tokens: 9, completion_tokens: 5, total_tokens: 14 } }),
    );
    res.end('data: [DONE]\n\n');
  });
  t.after(() => server.close());
  const { events, error } = await collect(provider.stream({ system: 'Be brief.', messages: MESSAGES }));
  assert.equal(error, null);
  assert.deepEqual(events, [
    { type: 'delta', text: 'Your order ' },
    { type: 'delta', text: 'ships **today**.' },
    { type: 'done', finishReason: 'stop' },
  ]);
  const [request] = server.requests;
  assert.equal(request.method, 'POST');
  assert.equal(request.path, '/v1/chat/completions');
  assert.equal(request.headers.authorization, 'Bearer sk-test-123');
  assert.match(String(request.headers['content-type']), /^application\/json/);
  assert.equal(request.headers.accept, 'text/event-stream');
  assert.deepEqual(request.body, {
    model: 'gpt-test',
    stream: true,
    messages: [{ role: 'system', content: 'Be brief.' }, ...MESSAGES],
  });
});

test('a local server without a key: no Authorization header; base URL and model from the environment', async (t) => {
  const server = await startScriptedServer((_req, res) => {
    res.writeHead(200, SSE_HEADERS);
    res.end(`${chunk('ok', 'stop')}data: [DONE]\n\n`);
  });
  t.after(() => server.close());
  const options = openAIOptionsFromEnv({ OPENAI_BASE_URL: `${server.url}/v1/`, OPENAI_MODEL: 'llama3.2' });
  assert.equal(options.apiKey, undefined);
  const { events } = await collect(createOpenAIProvider(options).stream({ messages: [{ role: 'user', content: 'Hi' }] }));
  assert.deepEqual(events.at(-1), { type: 'done', finishReason: 'stop' });
  assert.equal(server.requests[0].path, '/v1/chat/completions');
  assert.equal(server.requests[0].headers.authorization, undefined);
  assert.equal(server.requests[0].body.model, 'llama3.2');
  assert.deepEqual(server.requests[0].body.messages, [{ role: 'user', content: 'Hi' }], 'no system message when there is no system prompt');
  assert.deepEqual(openAIOptionsFromEnv({}), { baseUrl: 'https://api.openai.com/v1', apiKey: undefined, model: 'gpt-4o-mini' });
});

test('401 with the documented error body is unauthorized, with the provider message', async (t) => {
  const { server, provider } = await setup((_req, res) => {
    res.writeHead(401, { 'Content-Type': 'application/json' });
    res.end(
      JSON.stringify({
        error: {
          message: 'Incorrect API key provided: sk-tes***123.',
          type: 'invalid_request_error',
          param: null,
          code: 'invalid_api_key',
        },
      }),
    );
  });
  t.after(() => server.close());
  const { events, error } = await collect(provider.stream({ messages: MESSAGES }));
  assert.deepEqual(events, []);
  assertCode(error, 'unauthorized');
  assert.equal(error.status, 401);
  assert.match(error.message, /Incorrect API key provided/);
  assert.equal(error.retryable, false);
});

test('429 with Retry-After (seconds, and an HTTP date) is rate_limited with retryAfter', async (t) => {
  let answer = 0;
  const { server, provider } = await setup((_req, res) => {
    answer++;
    const retryAfter = answer === 1 ? '7' : new Date(Date.now() + 30_000).toUTCString();
    res.writeHead(429, { 'Content-Type': 'application/json', 'Retry-After': retryAfter });
    res.end(JSON.stringify({ error: { message: 'Rate limit reached for gpt-test.', type: 'requests', code: 'rate_limit_exceeded' } }));
  });
  t.after(() => server.close());
  const first = await collect(provider.stream({ messages: MESSAGES }));
  assertCode(first.error, 'rate_limited');
  assert.equal(first.error.retryAfter, 7);
  assert.equal(first.error.retryable, true);
  const second = await collect(provider.stream({ messages: MESSAGES }));
  assertCode(second.error, 'rate_limited');
  assert.ok(second.error.retryAfter >= 28 && second.error.retryAfter <= 31, `retryAfter ${second.error.retryAfter}`);
});

test('500 is server_error; an Ollama-style { "error": "text" } body and a 404 unknown model are read too', async (t) => {
  const answers = [
    [500, JSON.stringify({ error: { message: 'The server had an error while processing your request.', type: 'server_error' } })],
    [500, JSON.stringify({ error: 'llama runner process has terminated' })],
    [
      404,
      JSON.stringify({ error: { message: 'The model `nope` does not exist.', type: 'invalid_request_error', code: 'model_not_found' } }),
    ],
    [502, '<html>Bad gateway</html>'],
  ];
  const { server, provider } = await setup((_req, res) => {
    const [status, body] = /** @type {[number, string]} */ (answers[server.requests.length - 1]);
    res.writeHead(status, { 'Content-Type': 'application/json' });
    res.end(body);
  });
  t.after(() => server.close());
  const a = await collect(provider.stream({ messages: MESSAGES }));
  assertCode(a.error, 'server_error');
  assert.match(a.error.message, /HTTP 500: The server had an error/);
  const b = await collect(provider.stream({ messages: MESSAGES }));
  assertCode(b.error, 'server_error');
  assert.match(b.error.message, /llama runner process has terminated/);
  const c = await collect(provider.stream({ messages: MESSAGES }));
  assertCode(c.error, 'bad_request');
  assert.match(c.error.message, /model `nope` does not exist/);
  const d = await collect(provider.stream({ messages: MESSAGES }));
  assertCode(d.error, 'server_error');
});

test('a stream cut in the middle (socket destroyed) is stream_cut after the deltas that arrived', async (t) => {
  const { server, provider } = await setup(async (_req, res) => {
    res.writeHead(200, SSE_HEADERS);
    await write(res, chunk('Your order '));
    await write(res, chunk('ships'));
    res.socket?.destroy();
  });
  t.after(() => server.close());
  const { events, error } = await collect(provider.stream({ messages: MESSAGES }));
  assert.deepEqual(events, [
    { type: 'delta', text: 'Your order ' },
    { type: 'delta', text: 'ships' },
  ]);
  assertCode(error, 'stream_cut');
});

test('a body that ends cleanly without finish_reason or [DONE] is stream_cut, not a silent short answer', async (t) => {
  const { server, provider } = await setup((_req, res) => {
    res.writeHead(200, SSE_HEADERS);
    res.end(`${chunk('Half an ans')}data: {"choices":[{"delta":{"content":"wer"`);
  });
  t.after(() => server.close());
  const { events, error } = await collect(provider.stream({ messages: MESSAGES }));
  assert.deepEqual(events, [{ type: 'delta', text: 'Half an ans' }]);
  assertCode(error, 'stream_cut');
});

test('malformed event lines: data that is not JSON or not a chunk is malformed; non-SSE lines are ignored', async (t) => {
  const bodies = [
    `${chunk('Hello')}data: {"choices": [{"delta": {"content": "x"}\n\n`,
    `${chunk('Hello')}data: {"choices": {"delta": "x"}}\n\n`,
    `${chunk('Hello')}data: [1, 2]\n\n`,
    `${chunk('Hel')}this line is not an SSE field\n\n${chunk('lo', 'stop')}data: [DONE]\n\n`,
  ];
  const { server, provider } = await setup((_req, res) => {
    res.writeHead(200, SSE_HEADERS);
    res.end(bodies[server.requests.length - 1]);
  });
  t.after(() => server.close());
  for (let i = 0; i < 3; i++) {
    const { events, error } = await collect(provider.stream({ messages: MESSAGES }));
    assert.deepEqual(events, [{ type: 'delta', text: 'Hello' }], `body ${i}`);
    assertCode(error, 'malformed');
  }
  const ignored = await collect(provider.stream({ messages: MESSAGES }));
  assert.equal(ignored.error, null);
  assert.deepEqual(
    ignored.events.map((e) => e.text ?? e.finishReason),
    ['Hel', 'lo', 'stop'],
  );
});

test('errors inside the stream: an OpenAI error event and a llama.cpp `error:` line', async (t) => {
  const bodies = [
    `${chunk('Hel')}data: ${JSON.stringify({ error: { message: 'The server is overloaded.', type: 'server_error', code: null } })}\n\n`,
    `${chunk('Hel')}error: ${JSON.stringify({ code: 400, message: 'the request exceeds the available context size', type: 'exceed_context_size_error' })}\n\n`,
    `data: ${JSON.stringify({ error: { message: 'Rate limit reached', type: 'requests', code: 'rate_limit_exceeded' } })}\n\n`,
  ];
  const { server, provider } = await setup((_req, res) => {
    res.writeHead(200, SSE_HEADERS);
    res.end(bodies[server.requests.length - 1]);
  });
  t.after(() => server.close());
  const a = await collect(provider.stream({ messages: MESSAGES }));
  assertCode(a.error, 'server_error');
  assert.match(a.error.message, /overloaded/);
  const b = await collect(provider.stream({ messages: MESSAGES }));
  assertCode(b.error, 'bad_request');
  assert.match(b.error.message, /context size/);
  const c = await collect(provider.stream({ messages: MESSAGES }));
  assertCode(c.error, 'rate_limited');
});

test('a slow first token: the first-token timeout fires (keep-alive comments do not count) and the connection is closed', async (t) => {
  const { server, provider } = await setup(
    async (_req, res) => {
      res.writeHead(200, SSE_HEADERS);
      await write(res, ': keep-alive\n\n');
      await write(res, data({ choices: [{ index: 0, delta: { role: 'assistant' }, finish_reason: null }] }));
      await write(res, ': still thinking\n\n');
      // …and nothing more until the client gives up.
    },
    { firstTokenMs: 300 },
  );
  t.after(() => server.close());
  const started = Date.now();
  const { events, error } = await collect(provider.stream({ messages: MESSAGES }));
  assert.deepEqual(events, []);
  assertCode(error, 'timeout');
  assert.match(error.message, /no first token within 300 ms/);
  assert.ok(Date.now() - started < 2000, `took ${Date.now() - started} ms`);
  await server.requests[0].closed;
});

test('a server that never answers the request at all times out too (first-token timeout covers the connect)', async (t) => {
  const { server, provider } = await setup(() => {}, { firstTokenMs: 250 });
  t.after(() => server.close());
  const { error } = await collect(provider.stream({ messages: MESSAGES }));
  assertCode(error, 'timeout');
  await server.requests[0].closed;
});

test('a stall after the first token: the idle timeout fires', async (t) => {
  const { server, provider } = await setup(
    async (_req, res) => {
      res.writeHead(200, SSE_HEADERS);
      await write(res, chunk('Your order'));
    },
    { idleMs: 250 },
  );
  t.after(() => server.close());
  const { events, error } = await collect(provider.stream({ messages: MESSAGES }));
  assert.deepEqual(events, [{ type: 'delta', text: 'Your order' }]);
  assertCode(error, 'timeout');
  assert.match(error.message, /no data for 250 ms/);
});

test('a slow consumer is not a timeout: the idle clock runs only while the provider waits for data', async (t) => {
  const { server, provider } = await setup(
    async (_req, res) => {
      res.writeHead(200, SSE_HEADERS);
      res.end(`${chunk('a')}${chunk('b')}${chunk(null, 'stop')}data: [DONE]\n\n`);
    },
    { idleMs: 150 },
  );
  t.after(() => server.close());
  const texts = [];
  for await (const event of provider.stream({ messages: MESSAGES })) {
    texts.push(event.type === 'delta' ? event.text : event.type === 'done' ? event.finishReason : event.type);
    // The consumer is slower than idleMs (e.g. it writes each delta to a database): this delay is
    // the behaviour under test, not a wait for some state.
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  assert.deepEqual(texts, ['a', 'b', 'stop']);
});

test('abort mid-stream (the Stop button): aborted error, and the provider closes the connection', async (t) => {
  const more = gate();
  const { server, provider } = await setup(async (_req, res) => {
    res.writeHead(200, SSE_HEADERS);
    await write(res, chunk('Your order '));
    await more.opened;
  });
  t.after(() => {
    more.open();
    return server.close();
  });
  const controller = new AbortController();
  const iterator = provider.stream({ messages: MESSAGES, signal: controller.signal })[Symbol.asyncIterator]();
  assert.deepEqual((await iterator.next()).value, { type: 'delta', text: 'Your order ' });
  const next = iterator.next();
  controller.abort();
  await assert.rejects(next, (error) => {
    assertCode(error, 'aborted');
    return true;
  });
  await server.requests[0].closed;
});

test('a consumer that stops early (break) releases the connection', async (t) => {
  const more = gate();
  const { server, provider } = await setup(async (_req, res) => {
    res.writeHead(200, SSE_HEADERS);
    await write(res, chunk('one'));
    await more.opened;
  });
  t.after(() => {
    more.open();
    return server.close();
  });
  for await (const event of provider.stream({ messages: MESSAGES })) {
    assert.deepEqual(event, { type: 'delta', text: 'one' });
    break;
  }
  await server.requests[0].closed;
});

test('deltas split across TCP reads, inside a field name, a JSON string and multi-byte UTF-8 characters', async (t) => {
  const text = 'Grüße € 日本語 😀 مرحبا';
  const whole = Buffer.from(`${chunk('Start: ')}${chunk(text)}${chunk(null, 'stop')}data: [DONE]\n\n`, 'utf8');
  // Split points: inside "data:" of the second event, inside 語 (3 bytes) and inside 😀 (4 bytes).
  const second = whole.indexOf('data:', 10);
  const go = whole.indexOf(Buffer.from('語')) + 1;
  const emoji = whole.indexOf(Buffer.from('😀')) + 2;
  const parts = [whole.subarray(0, second + 2), whole.subarray(second + 2, go), whole.subarray(go, emoji), whole.subarray(emoji)];
  const observer = observedFetch();
  const { server, provider } = await setup(
    async (_req, res) => {
      res.writeHead(200, SSE_HEADERS);
      await writeInSeparateReads(res, parts, observer);
      res.end();
    },
    { fetch: observer.fetch },
  );
  t.after(() => server.close());
  const { events, error } = await collect(provider.stream({ messages: MESSAGES }));
  assert.equal(error, null);
  assert.deepEqual(events, [
    { type: 'delta', text: 'Start: ' },
    { type: 'delta', text },
    { type: 'done', finishReason: 'stop' },
  ]);
});

test('an unreachable endpoint is server_error, not a hang', async () => {
  const server = await startScriptedServer(() => {});
  const url = server.url;
  await server.close();
  const provider = createOpenAIProvider({ baseUrl: `${url}/v1`, model: 'm', firstTokenMs: 2000 });
  const { error } = await collect(provider.stream({ messages: MESSAGES }));
  assertCode(error, 'server_error');
  assert.match(error.message, /could not reach/);
});

test('finish reasons are normalized: length and content_filter', async (t) => {
  const reasons = ['length', 'content_filter', 'tool_calls'];
  const { server, provider } = await setup((_req, res) => {
    res.writeHead(200, SSE_HEADERS);
    res.end(`${chunk('x', reasons[server.requests.length - 1])}data: [DONE]\n\n`);
  });
  t.after(() => server.close());
  const seen = [];
  for (let i = 0; i < reasons.length; i++) seen.push((await collect(provider.stream({ messages: MESSAGES }))).events.at(-1).finishReason);
  assert.deepEqual(seen, ['length', 'filtered', 'other']);
});

test('a finish_reason ends the answer even when [DONE] never comes and the connection stays open', async (t) => {
  const { server, provider } = await setup(
    async (_req, res, record) => {
      res.writeHead(200, SSE_HEADERS);
      res.write(chunk('All done.'));
      res.write(chunk(null, 'stop'));
      await record.closed; // no [DONE], no end of body
    },
    { idleMs: 30_000 },
  );
  t.after(() => server.close());
  const { events, error } = await collect(provider.stream({ messages: MESSAGES }));
  assert.equal(error, null);
  assert.deepEqual(events, [
    { type: 'delta', text: 'All done.' },
    { type: 'done', finishReason: 'stop' },
  ]);
  await /** @type {any} */ (server.requests[0]).closed; // the connection is released
});

test('a 200 that is not an event stream: a whole chat.completion is the answer; HTML is malformed', async (t) => {
  let body = '';
  let type = 'application/json';
  const { server, provider } = await setup((_req, res) => void res.writeHead(200, { 'Content-Type': type }).end(body));
  t.after(() => server.close());
  body = JSON.stringify({
    id: 'chatcmpl-1',
    object: 'chat.completion',
    choices: [{ index: 0, message: { role: 'assistant', content: 'The whole answer.' }, finish_reason: 'stop' }],
  });
  const whole = await collect(provider.stream({ messages: MESSAGES }));
  assert.equal(whole.error, null);
  assert.deepEqual(whole.events, [
    { type: 'delta', text: 'The whole answer.' },
    { type: 'done', finishReason: 'stop' },
  ]);
  type = 'text/html';
  body = '<html><body>Gateway page</body></html>';
  assertCode((await collect(provider.stream({ messages: MESSAGES }))).error, 'malformed');
  type = 'application/json';
  body = JSON.stringify({ object: 'something.else' });
  assertCode((await collect(provider.stream({ messages: MESSAGES }))).error, 'malformed');
});

test('408 and 504 are server_error (timeout is the backend’s own deadlines); the overall answer deadline ends a trickle', async (t) => {
  let status = 408;
  const { server, provider } = await setup((_req, res) => void res.writeHead(status).end('late'));
  t.after(() => server.close());
  assertCode((await collect(provider.stream({ messages: MESSAGES }))).error, 'server_error');
  status = 504;
  assertCode((await collect(provider.stream({ messages: MESSAGES }))).error, 'server_error');

  // One token every 50 ms, far inside the idle timeout, forever: the answer deadline ends it.
  const trickle = await setup(
    async (_req, res, record) => {
      res.writeHead(200, SSE_HEADERS);
      let open = true;
      record.closed.then(() => (open = false));
      // The provider's pace (not a wait of the test): a token every 50 ms.
      while (open) {
        await write(res, chunk('.'));
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
    },
    { idleMs: 1000, answerMs: 600 },
  );
  t.after(() => trickle.server.close());
  const { events, error } = await collect(trickle.provider.stream({ messages: MESSAGES }));
  assert.ok(events.length > 0);
  assertCode(error, 'timeout');
  assert.match(error.message, /longer than 600 ms/);
});

test('maxTokens: max_completion_tokens to api.openai.com, max_tokens to compatible servers', async (t) => {
  const { server, provider } = await setup(
    (_req, res) => {
      res.writeHead(200, SSE_HEADERS);
      res.write(chunk('Hi', 'stop'));
      res.end('data: [DONE]\n\n');
    },
    { maxTokens: 1234 },
  );
  t.after(() => server.close());
  await collect(provider.stream({ messages: MESSAGES }));
  assert.equal(server.requests[0].body.max_tokens, 1234);
  assert.equal(server.requests[0].body.max_completion_tokens, undefined);
  /** @type {any} */
  let sent;
  const openai = createOpenAIProvider({
    apiKey: 'sk-test-123',
    maxTokens: 99,
    fetch: async (_url, init) => {
      sent = JSON.parse(String(init?.body));
      return new Response('data: {"choices":[{"index":0,"delta":{"content":"x"},"finish_reason":"stop"}]}\n\n', {
        headers: SSE_HEADERS,
      });
    },
  });
  await collect(openai.stream({ messages: MESSAGES }));
  assert.equal(sent.max_completion_tokens, 99);
  assert.equal(sent.max_tokens, undefined);
});

test('a 401, an error event and an HTML page that repeat the key: every error message has it redacted', async (t) => {
  const key = 'sk-proj-0123456789abcdefSECRETxyz9876';
  const answers = [
    (/** @type {import('node:http').ServerResponse} */ res) =>
      res.writeHead(401, { 'Content-Type': 'application/json' }).end(
        JSON.stringify({
          error: { message: `Incorrect API key provided: ${key}.`, type: 'invalid_request_error', code: 'invalid_api_key' },
        }),
      ),
    (/** @type {import('node:http').ServerResponse} */ res) =>
      res.writeHead(200, SSE_HEADERS).end(data({ error: { message: `Bearer ${key} is not allowed`, type: 'server_error' } })),
    (/** @type {import('node:http').ServerResponse} */ res) =>
      res.writeHead(502, { 'Content-Type': 'text/html' }).end(`<html>Bad gateway ${'x'.repeat(150)} Authorization: Bearer ${key}</html>`),
  ];
  const { server, provider } = await setup((_req, res) => void answers[server.requests.length - 1](res), { apiKey: key });
  t.after(() => server.close());
  for (const code of ['unauthorized', 'server_error', 'server_error']) {
    const { error } = await collect(provider.stream({ messages: MESSAGES }));
    assertCode(error, code);
    assert.ok(!error.message.includes(key) && !error.message.includes(key.slice(-8)), error.message);
    assert.match(error.message, /\[redacted\]/);
  }
});
