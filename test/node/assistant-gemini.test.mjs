// @ts-check
// The Gemini provider against a local server that speaks streamGenerateContent?alt=sse as
// Google documents it: CRLF-framed SSE whose every data is a whole GenerateContentResponse, no
// [DONE], and google.rpc error bodies.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createGeminiProvider, geminiOptionsFromEnv } from '../../demo/server/assistant/gemini.js';
import { ProviderError } from '../../demo/server/assistant/provider.js';
import { collect, gate, observedFetch, startScriptedServer, write, writeInSeparateReads } from './helpers/scripted-server.mjs';

const SSE_HEADERS = { 'Content-Type': 'text/event-stream', 'Cache-Control': 'no-cache' };
/** @param {unknown} value */
const data = (value) => `data: ${JSON.stringify(value)}\r\n\r\n`;
/** @param {string} text @param {string} [finishReason] @param {Record<string, unknown>} [extra] */
const response = (text, finishReason, extra = {}) =>
  data({
    candidates: [{ content: { parts: [{ text }], role: 'model' }, index: 0, ...(finishReason ? { finishReason } : {}), ...extra }],
    ...(finishReason ? { usageMetadata: { promptTokenCount: 12, candidatesTokenCount: 8, totalTokenCount: 20 } } : {}),
    modelVersion: 'gemini-2.5-flash',
  });
const MESSAGES = /** @type {import('../../demo/server/assistant/provider.js').ChatTurn[]} */ ([
  { role: 'user', content: 'Hi' },
  { role: 'assistant', content: 'Hello! How can I help?' },
  { role: 'user', content: 'Do you ship to Norway?' },
]);

/**
 * @param {import('./helpers/scripted-server.mjs').Handler} handler
 * @param {Partial<import('../../demo/server/assistant/gemini.js').GeminiOptions>} [options]
 */
async function setup(handler, options = {}) {
  const server = await startScriptedServer(handler);
  const provider = createGeminiProvider({
    baseUrl: server.url,
    apiKey: 'AIza-test-key',
    model: 'gemini-2.5-flash',
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
  assert.ok(!String(error.message).includes('AIza-test-key'), 'the API key never appears in messages');
}

/**
 * @param {number} status
 * @param {string} statusName
 * @param {string} message
 * @param {unknown[]} [details]
 */
const googleError = (status, statusName, message, details) =>
  JSON.stringify({ error: { code: status, message, status: statusName, ...(details ? { details } : {}) } });

test('a normal stream: documented request (key in x-goog-api-key, roles user/model, systemInstruction), deltas, done', async (t) => {
  const { server, provider } = await setup((_req, res) => {
    res.writeHead(200, SSE_HEADERS);
    res.write(response('Yes, we deliver '));
    res.write(response('to Norway.'));
    res.end(response('', 'STOP'));
  });
  t.after(() => server.close());
  const { events, error } = await collect(provider.stream({ system: 'You help Demo Store customers.', messages: MESSAGES }));
  assert.equal(error, null);
  assert.deepEqual(events, [
    { type: 'delta', text: 'Yes, we deliver ' },
    { type: 'delta', text: 'to Norway.' },
    { type: 'done', finishReason: 'stop' },
  ]);
  const [request] = server.requests;
  assert.equal(request.method, 'POST');
  assert.equal(request.path, '/v1beta/models/gemini-2.5-flash:streamGenerateContent?alt=sse');
  assert.equal(request.headers['x-goog-api-key'], 'AIza-test-key');
  assert.equal(request.headers.authorization, undefined);
  assert.match(String(request.headers['content-type']), /^application\/json/);
  assert.deepEqual(request.body, {
    contents: [
      { role: 'user', parts: [{ text: 'Hi' }] },
      { role: 'model', parts: [{ text: 'Hello! How can I help?' }] },
      { role: 'user', parts: [{ text: 'Do you ship to Norway?' }] },
    ],
    systemInstruction: { parts: [{ text: 'You help Demo Store customers.' }] },
    generationConfig: { temperature: 0.3 },
  });
});

test('options from the environment', () => {
  assert.deepEqual(geminiOptionsFromEnv({}), {
    baseUrl: 'https://generativelanguage.googleapis.com',
    apiKey: undefined,
    model: 'gemini-2.5-flash',
  });
  assert.deepEqual(geminiOptionsFromEnv({ GEMINI_API_KEY: ' k ', GEMINI_MODEL: 'gemini-2.5-pro', GEMINI_API_BASE: 'http://proxy.local' }), {
    baseUrl: 'http://proxy.local',
    apiKey: 'k',
    model: 'gemini-2.5-pro',
  });
});

test('thought parts are not shown; several text parts in one response are joined; grounding links become sources', async (t) => {
  const { server, provider } = await setup((_req, res) => {
    res.writeHead(200, SSE_HEADERS);
    res.write(
      data({
        candidates: [
          {
            content: { role: 'model', parts: [{ text: 'Let me think…', thought: true }, { text: 'Delivery ' }, { text: 'takes 3 days.' }] },
          },
        ],
      }),
    );
    res.end(
      response('', 'STOP', {
        groundingMetadata: {
          groundingChunks: [
            { web: { uri: 'https://demo-store.example/help/shipping', title: 'Shipping' } },
            { web: { uri: 'javascript:alert(1)', title: 'bad' } },
            { web: { uri: 'https://demo-store.example/help/shipping', title: 'Shipping' } },
          ],
        },
      }),
    );
  });
  t.after(() => server.close());
  const { events } = await collect(provider.stream({ messages: MESSAGES }));
  assert.deepEqual(events, [
    { type: 'delta', text: 'Delivery takes 3 days.' },
    { type: 'sources', sources: [{ title: 'Shipping', url: 'https://demo-store.example/help/shipping' }] },
    { type: 'done', finishReason: 'stop' },
  ]);
});

test('a blocked prompt (promptFeedback.blockReason) and a SAFETY finish are done with finishReason filtered', async (t) => {
  const bodies = [
    data({ promptFeedback: { blockReason: 'SAFETY', safetyRatings: [] }, usageMetadata: { promptTokenCount: 5 } }),
    `${response('I can')}${response('', 'SAFETY')}`,
    `${response('abc', 'MAX_TOKENS')}`,
  ];
  const { server, provider } = await setup((_req, res) => {
    res.writeHead(200, SSE_HEADERS);
    res.end(bodies[server.requests.length - 1]);
  });
  t.after(() => server.close());
  assert.deepEqual((await collect(provider.stream({ messages: MESSAGES }))).events, [{ type: 'done', finishReason: 'filtered' }]);
  assert.deepEqual((await collect(provider.stream({ messages: MESSAGES }))).events.at(-1), { type: 'done', finishReason: 'filtered' });
  assert.deepEqual((await collect(provider.stream({ messages: MESSAGES }))).events.at(-1), { type: 'done', finishReason: 'length' });
});

test('an invalid key (400 API_KEY_INVALID) and 403 PERMISSION_DENIED are unauthorized', async (t) => {
  const answers = [
    [
      400,
      googleError(400, 'INVALID_ARGUMENT', 'API key not valid. Please pass a valid API key.', [
        { '@type': 'type.googleapis.com/google.rpc.ErrorInfo', reason: 'API_KEY_INVALID', domain: 'googleapis.com' },
      ]),
    ],
    [403, googleError(403, 'PERMISSION_DENIED', "Method doesn't allow unregistered callers (callers without established identity).")],
    [401, googleError(401, 'UNAUTHENTICATED', 'Request had invalid authentication credentials.')],
  ];
  const { server, provider } = await setup((_req, res) => {
    const [status, body] = /** @type {[number, string]} */ (answers[server.requests.length - 1]);
    res.writeHead(status, { 'Content-Type': 'application/json; charset=UTF-8' });
    res.end(body);
  });
  t.after(() => server.close());
  const a = await collect(provider.stream({ messages: MESSAGES }));
  assertCode(a.error, 'unauthorized');
  assert.match(a.error.message, /API key not valid/);
  assertCode((await collect(provider.stream({ messages: MESSAGES }))).error, 'unauthorized');
  assertCode((await collect(provider.stream({ messages: MESSAGES }))).error, 'unauthorized');
});

test('429 RESOURCE_EXHAUSTED: retryAfter from the Retry-After header, else from RetryInfo.retryDelay', async (t) => {
  const retryInfo = [{ '@type': 'type.googleapis.com/google.rpc.RetryInfo', retryDelay: '37s' }];
  const { server, provider } = await setup((_req, res) => {
    const first = server.requests.length === 1;
    res.writeHead(429, { 'Content-Type': 'application/json', ...(first ? { 'Retry-After': '12' } : {}) });
    res.end(googleError(429, 'RESOURCE_EXHAUSTED', 'You exceeded your current quota.', first ? undefined : retryInfo));
  });
  t.after(() => server.close());
  const a = await collect(provider.stream({ messages: MESSAGES }));
  assertCode(a.error, 'rate_limited');
  assert.equal(a.error.retryAfter, 12);
  const b = await collect(provider.stream({ messages: MESSAGES }));
  assertCode(b.error, 'rate_limited');
  assert.equal(b.error.retryAfter, 37);
});

test('500 INTERNAL and 503 UNAVAILABLE (also wrapped in an array) are server_error; 404 model is bad_request', async (t) => {
  const answers = [
    [500, googleError(500, 'INTERNAL', 'An internal error has occurred.')],
    [503, `[${googleError(503, 'UNAVAILABLE', 'The model is overloaded. Please try again later.')}]`],
    [404, googleError(404, 'NOT_FOUND', 'models/gemini-nope is not found for API version v1beta.')],
  ];
  const { server, provider } = await setup((_req, res) => {
    const [status, body] = /** @type {[number, string]} */ (answers[server.requests.length - 1]);
    res.writeHead(status, { 'Content-Type': 'application/json' });
    res.end(body);
  });
  t.after(() => server.close());
  const a = await collect(provider.stream({ messages: MESSAGES }));
  assertCode(a.error, 'server_error');
  assert.match(a.error.message, /INTERNAL: An internal error/);
  const b = await collect(provider.stream({ messages: MESSAGES }));
  assertCode(b.error, 'server_error');
  assert.match(b.error.message, /overloaded/);
  assertCode((await collect(provider.stream({ messages: MESSAGES }))).error, 'bad_request');
});

test('a stream cut in the middle, and a body that ends without a finishReason, are stream_cut', async (t) => {
  const { server, provider } = await setup(async (_req, res) => {
    res.writeHead(200, SSE_HEADERS);
    await write(res, response('Yes, we '));
    if (server.requests.length === 1) res.socket?.destroy();
    else res.end(response('deliver'));
  });
  t.after(() => server.close());
  const a = await collect(provider.stream({ messages: MESSAGES }));
  assert.deepEqual(a.events, [{ type: 'delta', text: 'Yes, we ' }]);
  assertCode(a.error, 'stream_cut');
  const b = await collect(provider.stream({ messages: MESSAGES }));
  assert.deepEqual(
    b.events.map((e) => e.text),
    ['Yes, we ', 'deliver'],
  );
  assertCode(b.error, 'stream_cut');
});

test('malformed event lines: data that is not JSON, candidates that are not a list, a part text that is not a string', async (t) => {
  const bodies = [
    'data: {"candidates": [\r\n\r\n',
    'data: {"candidates": {"0": 1}}\r\n\r\n',
    'data: {"candidates": [{"content": {"parts": [{"text": 5}]}}]}\r\n\r\n',
  ];
  const { server, provider } = await setup((_req, res) => {
    res.writeHead(200, SSE_HEADERS);
    res.end(`${response('Hello')}${bodies[server.requests.length - 1]}`);
  });
  t.after(() => server.close());
  for (let i = 0; i < bodies.length; i++) {
    const { events, error } = await collect(provider.stream({ messages: MESSAGES }));
    assert.deepEqual(events, [{ type: 'delta', text: 'Hello' }], `body ${i}`);
    assertCode(error, 'malformed');
  }
});

test('an error object inside the stream is a typed error', async (t) => {
  const { server, provider } = await setup((_req, res) => {
    res.writeHead(200, SSE_HEADERS);
    res.end(`${response('Hel')}data: ${googleError(503, 'UNAVAILABLE', 'The model is overloaded.')}\r\n\r\n`);
  });
  t.after(() => server.close());
  const { events, error } = await collect(provider.stream({ messages: MESSAGES }));
  assert.deepEqual(events, [{ type: 'delta', text: 'Hel' }]);
  assertCode(error, 'server_error');
});

test('a slow first token: the first-token timeout fires and the connection is closed', async (t) => {
  const { server, provider } = await setup(
    async (_req, res) => {
      res.writeHead(200, SSE_HEADERS);
      await write(res, ': waiting\r\n\r\n');
    },
    { firstTokenMs: 300 },
  );
  t.after(() => server.close());
  const started = Date.now();
  const { error } = await collect(provider.stream({ messages: MESSAGES }));
  assertCode(error, 'timeout');
  assert.ok(Date.now() - started < 2000);
  await server.requests[0].closed;
});

test('abort mid-stream: aborted error and the connection is closed', async (t) => {
  const more = gate();
  const { server, provider } = await setup(async (_req, res) => {
    res.writeHead(200, SSE_HEADERS);
    await write(res, response('Yes, '));
    await more.opened;
  });
  t.after(() => {
    more.open();
    return server.close();
  });
  const controller = new AbortController();
  const iterator = provider.stream({ messages: MESSAGES, signal: controller.signal })[Symbol.asyncIterator]();
  assert.deepEqual((await iterator.next()).value, { type: 'delta', text: 'Yes, ' });
  const next = iterator.next();
  controller.abort();
  await assert.rejects(next, (error) => {
    assertCode(error, 'aborted');
    return true;
  });
  await server.requests[0].closed;
});

test('an already aborted signal sends nothing', async (t) => {
  const { server, provider } = await setup((_req, res) => void res.end());
  t.after(() => server.close());
  const { error } = await collect(provider.stream({ messages: MESSAGES, signal: AbortSignal.abort() }));
  assertCode(error, 'aborted');
  assert.equal(server.requests.length, 0);
});

test('responses split across TCP reads inside CRLF framing and inside multi-byte UTF-8 characters', async (t) => {
  const text = 'Ja, wir liefern nach Norwegen – 日本へも配送します 🚚';
  const whole = Buffer.from(`${response('» ')}${response(text)}${response('', 'STOP')}`, 'utf8');
  const crlf = whole.indexOf('\r\n\r\n') + 3; // between \r\n\r and \n
  const kanji = whole.indexOf(Buffer.from('配')) + 2;
  const truck = whole.indexOf(Buffer.from('🚚')) + 1;
  const parts = [whole.subarray(0, crlf), whole.subarray(crlf, kanji), whole.subarray(kanji, truck), whole.subarray(truck)];
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
    { type: 'delta', text: '» ' },
    { type: 'delta', text },
    { type: 'done', finishReason: 'stop' },
  ]);
});

test('maxTokens is sent as generationConfig.maxOutputTokens; a whole JSON answer (no event stream) is the answer', async (t) => {
  const whole = [
    { candidates: [{ content: { role: 'model', parts: [{ text: 'Whole ' }] } }] },
    { candidates: [{ content: { role: 'model', parts: [{ text: 'answer.' }] }, finishReason: 'STOP' }] },
  ];
  const { server, provider } = await setup(
    (_req, res) => void res.writeHead(200, { 'Content-Type': 'application/json' }).end(JSON.stringify(whole)),
    {
      maxTokens: 321,
    },
  );
  t.after(() => server.close());
  const { events, error } = await collect(provider.stream({ messages: MESSAGES }));
  assert.equal(error, null);
  assert.deepEqual(events, [
    { type: 'delta', text: 'Whole ' },
    { type: 'delta', text: 'answer.' },
    { type: 'done', finishReason: 'stop' },
  ]);
  assert.equal(server.requests[0].body.generationConfig.maxOutputTokens, 321);
  assert.equal(server.requests[0].body.generationConfig.temperature, 0.3);
});

test('a 200 HTML page instead of the stream is malformed, not a cut', async (t) => {
  const { server, provider } = await setup(
    (_req, res) => void res.writeHead(200, { 'Content-Type': 'text/html' }).end('<html>proxy</html>'),
  );
  t.after(() => server.close());
  assertCode((await collect(provider.stream({ messages: MESSAGES }))).error, 'malformed');
});

test('an invalid key echoed in the error (HTTP and inside the stream) is redacted from the message', async (t) => {
  const key = 'AIzaSyREALLOOKINGKEY0123456789abcdefgh';
  const answers = [
    (/** @type {import('node:http').ServerResponse} */ res) =>
      res
        .writeHead(400, { 'Content-Type': 'application/json' })
        .end(
          googleError(400, 'INVALID_ARGUMENT', `API key not valid: ${key}`, [
            { '@type': 'type.googleapis.com/google.rpc.ErrorInfo', reason: 'API_KEY_INVALID', domain: 'googleapis.com' },
          ]),
        ),
    (/** @type {import('node:http').ServerResponse} */ res) =>
      res.writeHead(200, SSE_HEADERS).end(data(JSON.parse(googleError(500, 'INTERNAL', `upstream rejected key=${key}`)))),
  ];
  const { server, provider } = await setup((_req, res) => void answers[server.requests.length - 1](res), { apiKey: key });
  t.after(() => server.close());
  for (const code of ['unauthorized', 'server_error']) {
    const { error } = await collect(provider.stream({ messages: MESSAGES }));
    assertCode(error, code);
    assert.ok(!error.message.includes(key) && !error.message.includes(key.slice(-8)), error.message);
  }
});

test('a chunk with a finishReason ends the answer even when the server keeps the connection open', async (t) => {
  const { server, provider } = await setup(
    async (_req, res, record) => {
      res.writeHead(200, SSE_HEADERS);
      res.write(response('Complete '));
      res.write(response('answer.', 'STOP'));
      await record.closed;
    },
    { idleMs: 1000 },
  );
  t.after(() => server.close());
  const { events, error } = await collect(provider.stream({ messages: MESSAGES }));
  assert.equal(error, null, String(error?.message));
  assert.deepEqual(events, [
    { type: 'delta', text: 'Complete ' },
    { type: 'delta', text: 'answer.' },
    { type: 'done', finishReason: 'stop' },
  ]);
  await server.requests[0].closed;
});
