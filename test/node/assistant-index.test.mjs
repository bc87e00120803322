// @ts-check
// createAssistant: provider choice from the environment, per-tenant settings, and answer():
// the provider's stream ending in one done/failed event that carries the handoff decision, so a
// provider failure becomes a polite message with a handoff offer instead of a hang.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  AssistantConfigError,
  CUT_MARK,
  DEFAULT_ASSISTANT_SETTINGS,
  DEFAULT_MAX_TOKENS,
  INITIAL_HANDOFF_STATE,
  MAX_ANSWER_CHARS,
  STOPPED_MARK,
  createAssistant,
  normalizeAssistantSettings,
  selectProvider,
  toProviderMessages,
} from '../../demo/server/assistant/index.js';
import { collect, gate, startScriptedServer, write } from './helpers/scripted-server.mjs';

const quiet = { warn: () => {} };
/** @param {string} question */
const ask = (question) => [{ role: /** @type {const} */ ('user'), content: question }];

test('provider choice: OpenAI-compatible when its key or base URL is set, else Gemini with a key, else the knowledge base', () => {
  assert.equal(selectProvider({}), 'knowledge-base');
  assert.equal(selectProvider({ OPENAI_API_KEY: 'sk' }), 'openai');
  assert.equal(selectProvider({ OPENAI_BASE_URL: 'http://localhost:11434/v1' }), 'openai');
  assert.equal(selectProvider({ GEMINI_API_KEY: 'k' }), 'gemini');
  assert.equal(selectProvider({ GEMINI_API_KEY: 'k', OPENAI_API_KEY: 'sk' }), 'openai');
  assert.equal(selectProvider({ OPENAI_API_KEY: '  ', GEMINI_API_KEY: '' }), 'knowledge-base');
});

test('settings: defaults when absent, every wrong field named at once', () => {
  const defaults = normalizeAssistantSettings(undefined, 'demo');
  assert.deepEqual(defaults, { ...DEFAULT_ASSISTANT_SETTINGS });
  assert.equal(defaults.enabled, false);
  const custom = normalizeAssistantSettings(
    { enabled: true, name: 'Robin', avatar: '/avatars/robin.png', handoff: { maxUnhelpful: 3 } },
    'demo',
  );
  assert.equal(custom.name, 'Robin');
  assert.equal(custom.handoff.maxUnhelpful, 3);
  assert.equal(custom.handoff.minConfidence, DEFAULT_ASSISTANT_SETTINGS.handoff.minConfidence);
  assert.throws(
    () =>
      normalizeAssistantSettings(
        {
          enabled: 'yes',
          name: '',
          avatar: 'javascript:alert(1)',
          provider: 'gpt',
          handoff: { minConfidence: 2, lowConfidence: 'maybe' },
          timeouts: { idleMs: 5 },
          businessHours: { timeZone: 'Nowhere/Else', weekly: {} },
        },
        'acme',
      ),
    (error) => {
      assert.ok(error instanceof AssistantConfigError);
      assert.match(error.message, /^Assistant settings of tenant "acme": /);
      assert.deepEqual(error.problems, [
        'name must be a non-empty string of at most 60 characters',
        'enabled must be true or false',
        'avatar must be an http(s) URL, a path starting with /, or null',
        'provider must be "auto", "openai", "gemini" or "knowledge-base"',
        'handoff.minConfidence must be a number from 0 to 1',
        'handoff.lowConfidence must be "handoff" or "offer"',
        'timeouts.idleMs must be a whole number of milliseconds from 100 to 300000',
        'businessHours.timeZone "Nowhere/Else" is not an IANA time zone',
      ]);
      return true;
    },
  );
});

test('stored protocol messages become model turns', () => {
  const turns = toProviderMessages([
    { sender: { type: 'ai' }, text: 'Hi! Ask me anything.' },
    { sender: { type: 'visitor' }, text: 'Where is my order?' },
    { sender: { type: 'visitor' }, text: 'It is #1234.' },
    { sender: { type: 'system' }, text: 'Ada joined.' },
    { sender: { type: 'agent' }, text: 'Let me check.' },
    { sender: { type: 'visitor' }, text: '  ' },
    { sender: { type: 'visitor' }, text: 'Thanks' },
  ]);
  assert.deepEqual(turns, [
    { role: 'user', content: 'Where is my order?\n\nIt is #1234.' },
    { role: 'assistant', content: 'Let me check.' },
    { role: 'user', content: 'Thanks' },
  ]);
  assert.deepEqual(
    toProviderMessages(
      [
        { sender: { type: 'visitor' }, text: 'a' },
        { sender: { type: 'ai' }, text: 'b' },
        { sender: { type: 'visitor' }, text: 'c' },
      ],
      2,
    ),
    [{ role: 'user', content: 'c' }],
  );
});

test('the knowledge base without any key: a good question streams an answer with its source and no handoff', async () => {
  const assistant = await createAssistant(
    {},
    { enabled: true, name: 'Robin' },
    { tenantId: 'demo', tenantName: 'Demo Store', kbDelayMs: 0, logger: quiet },
  );
  assert.equal(assistant.providerKind, 'knowledge-base');
  assert.match(assistant.description, /^knowledge base: \d+ articles/);
  assert.equal(assistant.greeting, "Hi! I'm Robin, the virtual assistant of Demo Store. Ask me anything, or ask for a person at any time.");
  const { events } = await collect(assistant.answer({ messages: ask('How long does delivery take?') }));
  const done = events.at(-1);
  assert.equal(done.type, 'done');
  assert.equal(done.finishReason, 'stop');
  assert.match(done.text, /^Standard delivery takes 2–4 working days/);
  assert.equal(
    done.text,
    events
      .filter((e) => e.type === 'delta')
      .map((e) => e.text)
      .join(''),
  );
  assert.deepEqual(done.decision, { kind: 'none' });
  assert.ok(events.some((e) => e.type === 'sources' && e.sources[0].url === 'https://demo-store.example/help/shipping'));
});

test('the knowledge base hands off when nothing matches, in the visitor locale and with the business-hours wording', async () => {
  const assistant = await createAssistant(
    {},
    { enabled: true, businessHours: { timeZone: 'Europe/Berlin', weekly: { mon: [['09:00', '18:00']] } } },
    { tenantId: 'demo', kbDelayMs: 0, logger: quiet },
  );
  const monday = new Date('2026-11-23T10:00:00Z');
  const sunday = new Date('2026-11-22T10:00:00Z');
  assert.equal(assistant.isOpen(monday), true);
  assert.equal(assistant.isOpen(sunday), false);
  const open = await collect(assistant.answer({ messages: ask('What is the capital of France?'), locale: 'es', now: monday }));
  assert.deepEqual(open.events, [
    {
      type: 'done',
      finishReason: 'no_match',
      confidence: 0,
      text: '',
      state: { ...INITIAL_HANDOFF_STATE, escalated: true },
      decision: {
        kind: 'handoff',
        reason: 'low_confidence',
        message:
          'No estoy seguro de poder responder a eso correctamente. Te paso con una persona de nuestro equipo. Quédate aquí: verás tu lugar en la cola.',
        withinHours: true,
      },
    },
  ]);
  const closed = await collect(assistant.answer({ messages: ask('What is the capital of France?'), now: sunday }));
  assert.equal(closed.events[0].decision.withinHours, false);
  assert.match(closed.events[0].decision.message, /Our team is away right now/);
  const request = assistant.decide(
    INITIAL_HANDOFF_STATE,
    { type: 'visitor_message', text: 'Ich möchte mit einem Mitarbeiter sprechen' },
    { locale: 'de', now: monday },
  );
  assert.equal(request.decision.kind, 'handoff');
});

test('an OpenAI-compatible endpoint from the environment: the tenant system prompt is sent; a 500 becomes failed + polite offer', async (t) => {
  const server = await startScriptedServer((_req, res) => {
    res.writeHead(500, { 'Content-Type': 'application/json' });
    res.end(JSON.stringify({ error: { message: 'boom', type: 'server_error' } }));
  });
  t.after(() => server.close());
  const assistant = await createAssistant(
    { OPENAI_BASE_URL: `${server.url}/v1`, OPENAI_MODEL: 'local-model' },
    { enabled: true, name: 'Robin', systemPrompt: 'You are {name} of {tenant}.' },
    { tenantId: 'demo', tenantName: 'Demo Store', logger: quiet },
  );
  assert.equal(assistant.providerKind, 'openai');
  assert.match(assistant.description, /OpenAI-compatible endpoint http:\/\/127\.0\.0\.1:\d+\/v1, model local-model \(no API key\)/);
  const { events } = await collect(assistant.answer({ messages: ask('Hi'), locale: 'de' }));
  assert.deepEqual(events, [
    {
      type: 'failed',
      error: { code: 'server_error', message: 'openai-compatible: HTTP 500: boom', retryAfter: undefined },
      text: '',
      state: INITIAL_HANDOFF_STATE,
      decision: {
        kind: 'offer',
        reason: 'provider_error',
        message: 'Entschuldigung, ich kann gerade nicht antworten. Möchten Sie mit einer Person sprechen?',
        withinHours: true,
      },
    },
  ]);
  assert.deepEqual(server.requests[0].body.messages[0], { role: 'system', content: 'You are Robin of Demo Store.' });
});

test('a provider that never answers: ASSISTANT_FIRST_TOKEN_MS ends it with failed timeout, never a hang', async (t) => {
  const server = await startScriptedServer((_req, res) => {
    res.writeHead(200, { 'Content-Type': 'text/event-stream' });
  });
  t.after(() => server.close());
  const assistant = await createAssistant(
    { GEMINI_API_KEY: 'k', GEMINI_API_BASE: server.url, ASSISTANT_FIRST_TOKEN_MS: '250' },
    { enabled: true },
    { tenantId: 'demo', logger: quiet },
  );
  assert.equal(assistant.providerKind, 'gemini');
  const { events } = await collect(assistant.answer({ messages: ask('Hi') }));
  assert.equal(events.length, 1);
  assert.equal(events[0].type, 'failed');
  assert.equal(events[0].error.code, 'timeout');
  assert.equal(events[0].decision.kind, 'offer');
  assert.equal(events[0].decision.message, "Sorry, I can't answer right now. Would you like to talk to a person?");
});

test('Stop mid-answer: failed with code aborted keeps the partial text and decides nothing', async (t) => {
  const more = gate();
  const server = await startScriptedServer(async (_req, res) => {
    res.writeHead(200, { 'Content-Type': 'text/event-stream' });
    await write(res, `data: ${JSON.stringify({ choices: [{ index: 0, delta: { content: 'Half' }, finish_reason: null }] })}\n\n`);
    await more.opened;
  });
  t.after(() => {
    more.open();
    return server.close();
  });
  const assistant = await createAssistant(
    { OPENAI_API_KEY: 'sk', OPENAI_BASE_URL: server.url },
    { enabled: true },
    { tenantId: 'demo', logger: quiet },
  );
  const controller = new AbortController();
  const iterator = assistant.answer({ messages: ask('Hi'), signal: controller.signal });
  assert.deepEqual((await iterator.next()).value, { type: 'delta', text: 'Half' });
  controller.abort();
  const last = (await iterator.next()).value;
  assert.equal(last?.type, 'failed');
  assert.equal(/** @type {any} */ (last).error.code, 'aborted');
  assert.equal(/** @type {any} */ (last).text, 'Half');
  assert.deepEqual(/** @type {any} */ (last).decision, { kind: 'none' });
  await server.requests[0].closed;
});

test('a tenant that pins a provider the environment does not configure gets the knowledge base and a warning', async () => {
  /** @type {string[]} */
  const warnings = [];
  const assistant = await createAssistant(
    {},
    { enabled: true, provider: 'gemini' },
    { tenantId: 'demo', logger: { warn: (m) => warnings.push(m) } },
  );
  assert.equal(assistant.providerKind, 'knowledge-base');
  assert.deepEqual(warnings, ['assistant (demo): provider "gemini" is not configured in the environment; using the knowledge base.']);
  const pinned = await createAssistant({ OPENAI_API_KEY: 'sk' }, { provider: 'knowledge-base' }, { tenantId: 'demo', logger: quiet });
  assert.equal(pinned.providerKind, 'knowledge-base');
  assert.equal(pinned.enabled, false);
});

test('a message that is only a file is a turn that says so; a request never ends with the assistant’s turn', async () => {
  const turns = toProviderMessages([
    { sender: { type: 'visitor' }, text: 'Hello' },
    { sender: { type: 'ai' }, text: 'Hi! How can I help?' },
    { sender: { type: 'visitor' }, text: '', attachments: [{ name: 'receipt.txt' }] },
  ]);
  assert.deepEqual(turns.at(-1), { role: 'user', content: '[The visitor sent a file: receipt.txt]' });
  // Nothing of the visitor's at the end: no request is sent, the answer fails as bad_request (not an empty request).
  let requests = 0;
  const assistant = await createAssistant(
    { OPENAI_BASE_URL: 'http://127.0.0.1:9/v1' },
    { enabled: true },
    {
      tenantId: 'demo',
      logger: quiet,
      fetch: async () => {
        requests += 1;
        throw new Error('no request expected');
      },
    },
  );
  const { events } = await collect(assistant.answer({ messages: [...ask('Hi'), { role: 'assistant', content: 'Hello!' }] }));
  assert.equal(requests, 0);
  assert.equal(events.at(-1).type, 'failed');
  assert.equal(events.at(-1).error.code, 'bad_request');
});

test('settings: timeouts.answerMs (default 120000) and ASSISTANT_MAX_TOKENS reach the provider request', async () => {
  assert.equal(normalizeAssistantSettings({}).timeouts.answerMs, 120_000);
  assert.throws(() => normalizeAssistantSettings({ timeouts: { answerMs: 5 } }), /timeouts\.answerMs/);
  /** @type {any} */
  let sent;
  const assistant = await createAssistant(
    { OPENAI_BASE_URL: 'http://127.0.0.1:9/v1', ASSISTANT_MAX_TOKENS: '777' },
    { enabled: true },
    {
      tenantId: 'demo',
      logger: quiet,
      fetch: async (_url, init) => {
        sent = JSON.parse(String(init?.body));
        return new Response('data: {"choices":[{"index":0,"delta":{"content":"x"},"finish_reason":"stop"}]}\n\n', {
          headers: { 'Content-Type': 'text/event-stream' },
        });
      },
    },
  );
  await collect(assistant.answer({ messages: ask('Hi') }));
  assert.equal(sent.max_tokens, 777);
});

test('model turns: the assistant’s notices are left out; an interrupted or stopped answer is marked as cut', () => {
  const turns = toProviderMessages([
    { sender: { type: 'visitor' }, text: 'Where is my order?' },
    { sender: { type: 'ai' }, text: 'Your order left', interrupted: true },
    { sender: { type: 'ai' }, text: "Sorry, I can't answer right now.", notice: true },
    { sender: { type: 'visitor' }, text: 'Go on' },
    { sender: { type: 'ai' }, text: 'It will arrive', stopped: true },
    { sender: { type: 'visitor' }, text: 'When?' },
  ]);
  assert.deepEqual(turns, [
    { role: 'user', content: 'Where is my order?' },
    { role: 'assistant', content: `Your order left\n\n${CUT_MARK}` },
    { role: 'user', content: 'Go on' },
    { role: 'assistant', content: `It will arrive\n\n${STOPPED_MARK}` },
    { role: 'user', content: 'When?' },
  ]);
});

test('the default token limit fits the 4000-character cap (about 3 characters a token)', () => {
  assert.equal(DEFAULT_MAX_TOKENS, Math.round(MAX_ANSWER_CHARS / 3));
  assert.equal(DEFAULT_MAX_TOKENS, 1333);
});
