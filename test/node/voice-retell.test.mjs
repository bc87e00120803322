// @ts-check
// The Retell adapter against a local server that speaks Retell's documented API
// (/v2/create-phone-call, /v2/stop-call, Bearer auth, `{ error_message }` errors) and posts signed
// webhooks (`x-retell-signature: v=<ms>,d=<hex>`).
import { test, describe, after } from 'node:test';
import assert from 'node:assert/strict';
import { createHmac } from 'node:crypto';
import { createServer } from 'node:http';
import { createRetellProvider, retellSignature } from '../../demo/server/voice/retell.js';
import { ProviderError, SignatureError, WebhookPayloadError } from '../../demo/server/voice/provider.js';
import { createCallManager } from '../../demo/server/voice/calls.js';
import { WEBHOOK_PATHS, readWebhookBody, webhookRequestUrl } from '../../demo/server/voice/index.js';
import { sendError } from '../../demo/server/http-util.js';
import { json, startServer, until } from './voice-helpers.mjs';

const API_KEY = 'key_0123456789abcdef0123456789ab';
const FROM = '+12025550100';
const NOW = Date.parse('2026-03-02T15:00:00Z');

/**
 * Signs a body the way Retell's SDK does (`sign` in retell-sdk's webhook_auth.ts): HMAC-SHA256
 * keyed with the API key over body + timestamp, hex, sent as `v=<timestamp>,d=<digest>`.
 * Written out here rather than taken from the module under test.
 * @param {string} body @param {string} key @param {number} timestamp
 */
const sdkSign = (body, key, timestamp) =>
  `v=${timestamp},d=${createHmac('sha256', key)
    .update(body + timestamp)
    .digest('hex')}`;

/** A phone-call object as Retell returns it. @param {Record<string, unknown>} fields */
const callObject = (fields) => ({
  call_type: 'phone_call',
  from_number: FROM,
  to_number: '+12025550123',
  direction: 'outbound',
  call_id: 'Jabr9TXYYJHfvl6Syypi88rdAHYHmcq6',
  agent_id: 'oBeDLoLOeuAbiuaMFXRtDOLriTJ5tSxD',
  agent_version: 1,
  call_status: 'registered',
  metadata: {},
  ...fields,
});

describe('Retell: webhook signature', () => {
  const provider = createRetellProvider({ apiKey: API_KEY, fromNumber: FROM, apiBase: 'http://127.0.0.1:9', now: () => NOW });
  const body = JSON.stringify({
    event: 'call_started',
    call: callObject({ call_status: 'ongoing', start_timestamp: NOW - 1000, metadata: { amoiq_call_id: 'call_1' } }),
  });

  test("matches the SDK's signing scheme", () => {
    assert.equal(retellSignature(body, API_KEY, NOW - 2000), sdkSign(body, API_KEY, NOW - 2000));
  });

  test('accepts a fresh signature over the raw body', () => {
    const event = provider.parseWebhook(
      { 'content-type': 'application/json', 'x-retell-signature': sdkSign(body, API_KEY, NOW - 2000) },
      body,
      'https://x/',
    );
    assert.equal(event?.state, 'in_progress');
    assert.equal(event?.callId, 'call_1');
  });

  test('refuses a tampered body, another key, a stale or future timestamp, and a malformed or missing header', () => {
    const signature = sdkSign(body, API_KEY, NOW - 2000);
    const headers = { 'x-retell-signature': signature };
    assert.throws(() => provider.parseWebhook(headers, body.replace('call_started', 'call_ended'), ''), SignatureError);
    // Re-serialized JSON (another spacing) is not the signed body.
    assert.throws(() => provider.parseWebhook(headers, JSON.stringify(JSON.parse(body), null, 1), ''), SignatureError);
    assert.throws(() => provider.parseWebhook({ 'x-retell-signature': sdkSign(body, 'key_other', NOW - 2000) }, body, ''), SignatureError);
    assert.throws(
      () => provider.parseWebhook({ 'x-retell-signature': sdkSign(body, API_KEY, NOW - 6 * 60_000) }, body, ''),
      SignatureError,
    );
    assert.throws(
      () => provider.parseWebhook({ 'x-retell-signature': sdkSign(body, API_KEY, NOW + 6 * 60_000) }, body, ''),
      SignatureError,
    );
    assert.throws(() => provider.parseWebhook({ 'x-retell-signature': signature.replace('v=', 'ts=') }, body, ''), SignatureError);
    assert.throws(() => provider.parseWebhook({}, body, ''), SignatureError);
  });
});

describe('Retell: webhook events', () => {
  const provider = createRetellProvider({ apiKey: API_KEY, fromNumber: FROM, apiBase: 'http://127.0.0.1:9', now: () => NOW });
  /** @param {string} event @param {Record<string, unknown>} call */
  const parse = (event, call) => {
    const body = JSON.stringify({ event, call: callObject(call) });
    return provider.parseWebhook({ 'x-retell-signature': sdkSign(body, API_KEY, NOW) }, body, '');
  };

  test('call_started → in_progress; call_ended with a hang-up → ended/completed with the duration', () => {
    assert.deepEqual(
      parse('call_started', { call_status: 'ongoing', start_timestamp: NOW - 5000, metadata: { amoiq_call_id: 'call_9' } }),
      {
        provider: 'retell',
        providerCallId: 'Jabr9TXYYJHfvl6Syypi88rdAHYHmcq6',
        callId: 'call_9',
        state: 'in_progress',
        sequence: 1,
        detail: 'call_started',
        at: new Date(NOW - 5000).toISOString(),
      },
    );
    const ended = parse('call_ended', {
      call_status: 'ended',
      start_timestamp: NOW - 192_400,
      end_timestamp: NOW,
      duration_ms: 192_400,
      disconnection_reason: 'user_hangup',
    });
    assert.deepEqual([ended?.state, ended?.reason, ended?.durationSeconds, ended?.sequence], ['ended', 'completed', 192, 2]);
  });

  test('disconnection reasons of calls that never connected map to busy, no_answer, invalid_number, rate_limited, provider_error', () => {
    /** @type {Array<[string, string]>} */
    const cases = [
      ['dial_busy', 'busy'],
      ['dial_no_answer', 'no_answer'],
      ['invalid_destination', 'invalid_number'],
      ['concurrency_limit_reached', 'rate_limited'],
      ['dial_failed', 'provider_error'],
      ['telephony_provider_unavailable', 'provider_error'],
      ['user_hangup', 'no_answer'],
    ];
    for (const [reason, expected] of cases) {
      const event = parse('call_ended', { call_status: 'not_connected', disconnection_reason: reason });
      assert.equal(event?.state, 'failed', reason);
      assert.equal(event?.reason, expected, reason);
    }
  });

  test('call_analyzed and other events change nothing (null); a body without call_id is refused', () => {
    assert.equal(parse('call_analyzed', { call_status: 'ended', call_analysis: { call_successful: true } }), null);
    assert.equal(parse('transcript_updated', { call_status: 'ongoing' }), null);
    const body = JSON.stringify({ event: 'call_ended', call: { call_status: 'ended' } });
    assert.throws(() => provider.parseWebhook({ 'x-retell-signature': sdkSign(body, API_KEY, NOW) }, body, ''), WebhookPayloadError);
    assert.throws(
      () => provider.parseWebhook({ 'x-retell-signature': sdkSign('not json', API_KEY, NOW) }, 'not json', ''),
      WebhookPayloadError,
    );
  });
});

describe('Retell: REST API', () => {
  /** @type {(req: import('./voice-helpers.mjs').RecordedRequest, res: import('node:http').ServerResponse) => void} */
  let answer = () => {};
  /** @type {Awaited<ReturnType<typeof startServer>>} */
  let retell;
  const ready = startServer((req, res) => answer(req, res)).then((s) => (retell = s));
  after(async () => (await ready).close());

  /** @param {Partial<import('../../demo/server/voice/retell.js').RetellOptions>} [options] */
  const adapter = (options) =>
    createRetellProvider({ apiKey: API_KEY, fromNumber: FROM, apiBase: retell.url, timeoutMs: 2000, ...options });
  const input = { to: '+12025550123', metadata: { amoiq_call_id: 'call_1', conversation_id: 'c_1', tenant_id: 'demo' } };

  /** @param {() => Promise<unknown>} fn */
  async function providerError(fn) {
    try {
      await fn();
    } catch (error) {
      assert.ok(error instanceof ProviderError, `expected a ProviderError, got ${error}`);
      return error;
    }
    throw new Error('expected the call to throw');
  }

  test('creates a phone call with the documented request: path, Bearer key, JSON body', async () => {
    await ready;
    answer = (req, res) => json(res, 201, callObject({ to_number: JSON.parse(req.body).to_number, call_id: 'call_retell_001' }));
    const before = retell.requests.length;
    assert.deepEqual(await adapter({ agentId: 'agent_42' }).createCall(input), { providerCallId: 'call_retell_001' });
    const req = retell.requests[before];
    assert.equal(req.method, 'POST');
    assert.equal(req.url, '/v2/create-phone-call');
    assert.equal(req.headers.authorization, `Bearer ${API_KEY}`);
    assert.equal(req.headers['content-type'], 'application/json');
    assert.deepEqual(JSON.parse(req.body), {
      from_number: FROM,
      to_number: '+12025550123',
      override_agent_id: 'agent_42',
      metadata: { amoiq_call_id: 'call_1', conversation_id: 'c_1', tenant_id: 'demo' },
    });
  });

  test("without an agent id no override_agent_id is sent (the number's outbound agent answers)", async () => {
    await ready;
    answer = (_req, res) => json(res, 201, callObject({ call_id: 'call_retell_002' }));
    const before = retell.requests.length;
    await adapter().createCall({ ...input, from: '+12025550177' });
    const body = JSON.parse(retell.requests[before].body);
    assert.equal('override_agent_id' in body, false);
    assert.equal(body.from_number, '+12025550177');
  });

  test('maps 400 to invalid_number, 401 to provider_auth, 402 to provider_error, 429 with Retry-After to rate_limited, 500 to provider_unavailable', async () => {
    await ready;
    /** @type {Array<[number, string, string, Record<string, string>?]>} */
    const cases = [
      [400, 'Invalid request format, please check API reference.', 'invalid_number'],
      [401, 'API key is missing or invalid.', 'provider_auth'],
      [402, 'Trial has ended, please add payment method.', 'provider_error'],
      [429, 'Account rate limited, please throttle your requests.', 'rate_limited', { 'Retry-After': '12' }],
      [500, 'An unexpected server error occurred.', 'provider_unavailable'],
    ];
    for (const [status, message, code, headers] of cases) {
      answer = (_req, res) => json(res, status, { error_message: message }, headers);
      const error = await providerError(() => adapter().createCall(input));
      assert.equal(error.code, code, `${status}`);
      assert.ok(error.message.includes(message), error.message);
      if (status === 429) assert.equal(error.retryAfter, 12);
    }
  });

  test('gives up after the request timeout when Retell never answers', async () => {
    await ready;
    answer = () => {};
    const started = Date.now();
    const error = await providerError(() => adapter({ timeoutMs: 150 }).createCall(input));
    assert.equal(error.code, 'timeout');
    assert.ok(Date.now() - started < 2000);
  });

  test('stops a call with POST /v2/stop-call/{call_id}', async () => {
    await ready;
    answer = (_req, res) => res.writeHead(204).end();
    const before = retell.requests.length;
    await adapter().cancelCall('call_retell_001', { state: 'ringing' });
    const req = retell.requests[before];
    assert.equal(req.method, 'POST');
    assert.equal(req.url, '/v2/stop-call/call_retell_001');
    assert.equal(req.headers.authorization, `Bearer ${API_KEY}`);
    assert.equal(req.body, '');
  });

  test('a stop-call the API refuses (422) is reported, not swallowed', async () => {
    await ready;
    answer = (_req, res) => json(res, 422, { error_message: 'Cannot find requested asset under given api key.' });
    assert.equal((await providerError(() => adapter().cancelCall('call_gone', { state: 'ringing' }))).code, 'provider_error');
  });
});

describe('Retell: a callback end to end through webhooks', () => {
  // The local "Retell" answers create-phone-call, then posts signed webhooks to our route, as
  // Retell does to the agent's webhook URL.
  /** @type {Record<string, Array<{ event: string, call: Record<string, unknown> }>>} */
  const scripts = {
    '+12025550141': [{ event: 'call_ended', call: { call_status: 'not_connected', disconnection_reason: 'dial_busy' } }],
    '+12025550142': [{ event: 'call_ended', call: { call_status: 'not_connected', disconnection_reason: 'dial_no_answer' } }],
    '+12025550143': [
      { event: 'call_started', call: { call_status: 'ongoing', start_timestamp: 1000 } },
      {
        event: 'call_ended',
        call: {
          call_status: 'ended',
          start_timestamp: 1000,
          end_timestamp: 73_000,
          duration_ms: 72_000,
          disconnection_reason: 'agent_hangup',
        },
      },
      { event: 'call_analyzed', call: { call_status: 'ended', call_analysis: { call_successful: true } } },
    ],
  };
  let ids = 0;
  /** @type {Promise<void>[]} webhook deliveries of the local Retell, awaited before a test ends */
  const deliveries = [];
  const ready = (async () => {
    /** @type {ReturnType<typeof createCallManager>} */
    let calls;
    const hooks = createServer(async (req, res) => {
      try {
        calls.handleWebhook(req.headers, await readWebhookBody(req), webhookRequestUrl(req, 'http://127.0.0.1'));
        res.writeHead(204).end();
      } catch (error) {
        sendError(res, error);
      }
    });
    await new Promise((resolve) => hooks.listen(0, '127.0.0.1', () => resolve(undefined)));
    const hookUrl = `http://127.0.0.1:${/** @type {import('node:net').AddressInfo} */ (hooks.address()).port}${WEBHOOK_PATHS.retell}`;
    const retell = await startServer(async (req, res) => {
      const request = JSON.parse(req.body);
      const call = callObject({ call_id: `call_r_${++ids}`, to_number: request.to_number, metadata: request.metadata });
      json(res, 201, call);
      const delivery = (async () => {
        for (const step of scripts[request.to_number]) {
          const body = JSON.stringify({ event: step.event, call: { ...call, ...step.call } });
          await fetch(hookUrl, {
            method: 'POST',
            headers: { 'Content-Type': 'application/json', 'X-Retell-Signature': sdkSign(body, API_KEY, Date.now()) },
            body,
          });
        }
      })();
      deliveries.push(delivery);
      await delivery;
    });
    calls = createCallManager({
      provider: createRetellProvider({ apiKey: API_KEY, fromNumber: FROM, apiBase: retell.url }),
      onError: () => {},
    });
    return { calls, retell, hooks, hookUrl };
  })();
  after(async () => {
    const { calls, retell, hooks } = await ready;
    calls.close();
    await retell.close();
    hooks.closeAllConnections();
    await new Promise((resolve) => hooks.close(() => resolve(undefined)));
  });

  /** @param {string} conversationId @param {string} phoneNumber */
  async function call(conversationId, phoneNumber) {
    const { calls } = await ready;
    await calls.start({ tenant: { id: 't' }, conversationId, visitorId: 'v', phoneNumber, consent: true });
    await until(() => ['ended', 'failed', 'cancelled'].includes(calls.current(conversationId)?.state ?? ''), `${phoneNumber} to finish`);
    await Promise.all(deliveries);
    return /** @type {import('../../demo/server/voice/calls.js').Call} */ (calls.current(conversationId));
  }

  test('busy (dial_busy) fails the call with reason busy', async () => {
    const result = await call('c_rbusy', '+12025550141');
    assert.deepEqual([result.state, result.reason], ['failed', 'busy']);
  });

  test('no answer (dial_no_answer) fails the call with reason no_answer', async () => {
    const result = await call('c_rnoanswer', '+12025550142');
    assert.deepEqual([result.state, result.reason], ['failed', 'no_answer']);
  });

  test("answered: in progress, then ended with Retell's duration; call_analyzed is acknowledged", async () => {
    const { retell } = await ready;
    const result = await call('c_ranswered', '+12025550143');
    assert.deepEqual([result.state, result.reason, result.durationSeconds], ['ended', 'completed', 72]);
    assert.ok(result.answeredAt);
    // Nothing but call creations went to Retell: the end came from Retell, we stopped nothing.
    assert.ok(retell.requests.every((r) => r.url === '/v2/create-phone-call'));
  });

  test('a webhook with a forged signature is answered 403', async () => {
    const { hookUrl } = await ready;
    const body = JSON.stringify({ event: 'call_ended', call: callObject({ call_status: 'ended' }) });
    const response = await fetch(hookUrl, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', 'X-Retell-Signature': sdkSign(body, 'key_forged', Date.now()) },
      body,
    });
    assert.equal(response.status, 403);
    assert.equal((await response.json()).error.code, 'invalid_signature');
  });
});
