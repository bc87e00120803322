// @ts-check
// The Twilio adapter against a local server that speaks Twilio's documented Voice REST API
// (Calls.json, form-encoded, Basic auth, Twilio's error JSON) and posts signed status callbacks.
import { test, describe, after } from 'node:test';
import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import { createTwilioProvider, isValidTwilioSignature, twilioSignature } from '../../demo/server/voice/twilio.js';
import { ProviderError, SignatureError, WebhookPayloadError } from '../../demo/server/voice/provider.js';
import { createCallManager } from '../../demo/server/voice/calls.js';
import { WEBHOOK_PATHS, readWebhookBody, webhookRequestUrl } from '../../demo/server/voice/index.js';
import { ApiError, sendError } from '../../demo/server/http-util.js';
import { json, startServer, until } from './voice-helpers.mjs';

const ACCOUNT_SID = 'AC0123456789abcdef0123456789abcdef';
const AUTH_TOKEN = 'twilio_auth_token_for_tests_0001';
const FROM = '+12025550100';

/** A Call resource as Twilio answers `201` to a create request. @param {string} sid @param {URLSearchParams} form */
const callResource = (sid, form) => ({
  account_sid: ACCOUNT_SID,
  annotation: null,
  answered_by: null,
  api_version: '2010-04-01',
  caller_name: null,
  date_created: null,
  date_updated: null,
  direction: 'outbound-api',
  duration: null,
  end_time: null,
  forwarded_from: null,
  from: form.get('From'),
  group_sid: null,
  parent_call_sid: null,
  phone_number_sid: 'PN0123456789abcdef0123456789abcdef',
  price: null,
  price_unit: 'USD',
  sid,
  start_time: null,
  status: 'queued',
  to: form.get('To'),
  trunk_sid: null,
  uri: `/2010-04-01/Accounts/${ACCOUNT_SID}/Calls/${sid}.json`,
  queue_time: '0',
});

/** Twilio's error JSON. @param {number} code @param {string} message @param {number} status */
const twilioError = (code, message, status) => ({ code, message, more_info: `https://www.twilio.com/docs/errors/${code}`, status });

/** @param {string} header */
const basicAuth = (header) => Buffer.from(header.replace(/^Basic /, ''), 'base64').toString('utf8');

describe('Twilio: signature validation', () => {
  // Twilio's documented example (docs "Webhooks security" / "Validating requests"): auth token
  // 12345, this URL and these POST parameters.
  const url = 'https://mycompany.com/myapp.php?foo=1&bar=2';
  const docsParams = { CallSid: 'CA1234567890ABCDE', Caller: '+12349013030', Digits: '1234', From: '+12349013030', To: '+18005551212' };
  // The same example as used in twilio-node's own test suite, with other numbers.
  const sdkParams = { CallSid: 'CA1234567890ABCDE', Caller: '+14158675309', Digits: '1234', From: '+14158675309', To: '+18005551212' };

  test("reproduces Twilio's published example signatures", () => {
    assert.equal(twilioSignature('12345', url, docsParams), '0/KCTR6DLpKmkAf8muzZqo1nDgQ=');
    assert.equal(twilioSignature('12345', url, sdkParams), 'RSOYDt4T1cUTdK1PDd93/VVr8B8=');
    assert.equal(isValidTwilioSignature('12345', '0/KCTR6DLpKmkAf8muzZqo1nDgQ=', url, docsParams), true);
  });

  test('sorts parameters by name whatever order the body had them in', () => {
    const shuffled = new URLSearchParams([
      ['To', '+18005551212'],
      ['Digits', '1234'],
      ['CallSid', 'CA1234567890ABCDE'],
      ['From', '+14158675309'],
      ['Caller', '+14158675309'],
    ]);
    assert.equal(isValidTwilioSignature('12345', 'RSOYDt4T1cUTdK1PDd93/VVr8B8=', url, shuffled), true);
  });

  test('refuses a tampered parameter, a changed URL, another token, and a missing header', () => {
    const sig = 'RSOYDt4T1cUTdK1PDd93/VVr8B8=';
    assert.equal(isValidTwilioSignature('12345', sig, url, { ...sdkParams, Digits: '1235' }), false);
    assert.equal(isValidTwilioSignature('12345', sig, url, { ...sdkParams, Extra: 'x' }), false);
    assert.equal(isValidTwilioSignature('12345', sig, 'https://mycompany.com/myapp.php?foo=1&bar=3', sdkParams), false);
    assert.equal(isValidTwilioSignature('54321', sig, url, sdkParams), false);
    assert.equal(isValidTwilioSignature('12345', undefined, url, sdkParams), false);
    assert.equal(isValidTwilioSignature('12345', '', url, sdkParams), false);
  });

  test('accepts the URL with or without its port, as Twilio signs either', () => {
    const sig = 'RSOYDt4T1cUTdK1PDd93/VVr8B8=';
    assert.equal(isValidTwilioSignature('12345', sig, 'https://mycompany.com:443/myapp.php?foo=1&bar=2', sdkParams), true);
    const signedWithPort = twilioSignature('12345', 'https://mycompany.com:443/myapp.php?foo=1&bar=2', sdkParams);
    assert.equal(isValidTwilioSignature('12345', signedWithPort, url, sdkParams), true);
  });
});

describe('Twilio: status callbacks', () => {
  const provider = createTwilioProvider({
    accountSid: ACCOUNT_SID,
    authToken: AUTH_TOKEN,
    fromNumber: FROM,
    apiBase: 'http://127.0.0.1:9',
  });
  const url = 'https://chat.example.com/api/voice/webhooks/twilio?call=call_abc123';
  const formHeaders = (/** @type {string} */ body, token = AUTH_TOKEN, u = url) => ({
    'content-type': 'application/x-www-form-urlencoded; charset=utf-8',
    'x-twilio-signature': twilioSignature(token, u, new URLSearchParams(body)),
  });
  /** @param {Record<string, string>} fields */
  const callback = (fields) =>
    new URLSearchParams({
      AccountSid: ACCOUNT_SID,
      ApiVersion: '2010-04-01',
      CallSid: 'CAfeed',
      CallbackSource: 'call-progress-events',
      Called: '+12025550123',
      Caller: FROM,
      Direction: 'outbound-api',
      From: FROM,
      To: '+12025550123',
      Timestamp: 'Mon, 02 Mar 2026 15:00:07 +0000',
      ...fields,
    }).toString();

  test('maps every CallStatus to our state and reason', () => {
    const cases = /** @type {const} */ ([
      ['queued', 'connecting', undefined],
      ['initiated', 'connecting', undefined],
      ['ringing', 'ringing', undefined],
      ['in-progress', 'in_progress', undefined],
      ['completed', 'ended', 'completed'],
      ['busy', 'failed', 'busy'],
      ['no-answer', 'failed', 'no_answer'],
      ['failed', 'failed', 'provider_error'],
      ['canceled', 'cancelled', 'cancelled_by_visitor'],
    ]);
    for (const [status, state, reason] of cases) {
      const body = callback({ CallStatus: status, SequenceNumber: '4' });
      const event = provider.parseWebhook(formHeaders(body), body, url);
      assert.equal(event?.state, state, status);
      assert.equal(event?.reason, reason, status);
    }
  });

  test('reads CallSid, SequenceNumber, Timestamp, CallDuration and our call id from the URL', () => {
    const body = callback({ CallStatus: 'completed', SequenceNumber: '3', CallDuration: '192', Duration: '4' });
    assert.deepEqual(provider.parseWebhook(formHeaders(body), body, url), {
      provider: 'twilio',
      providerCallId: 'CAfeed',
      callId: 'call_abc123',
      state: 'ended',
      reason: 'completed',
      durationSeconds: 192,
      sequence: 3,
      at: '2026-03-02T15:00:07.000Z',
      detail: 'completed',
    });
  });

  test('a failed call the network refused as unknown (SIP 404) failed for an invalid number', () => {
    const body = callback({ CallStatus: 'failed', SequenceNumber: '1', SipResponseCode: '404' });
    assert.equal(provider.parseWebhook(formHeaders(body), body, url)?.reason, 'invalid_number');
  });

  test('refuses a tampered body, another token, another URL and an unsigned callback', () => {
    const body = callback({ CallStatus: 'busy', SequenceNumber: '2' });
    const headers = formHeaders(body);
    const tampered = body.replace('CallStatus=busy', 'CallStatus=completed');
    assert.throws(() => provider.parseWebhook(headers, tampered, url), SignatureError);
    assert.throws(() => provider.parseWebhook(formHeaders(body, 'other_token'), body, url), SignatureError);
    assert.throws(() => provider.parseWebhook(headers, body, url.replace('call_abc123', 'call_other')), SignatureError);
    assert.throws(() => provider.parseWebhook({ 'content-type': 'application/x-www-form-urlencoded' }, body, url), SignatureError);
  });

  test('refuses a body that is not a form, or not a call status callback', () => {
    const jsonBody = JSON.stringify({ CallSid: 'CAfeed', CallStatus: 'busy' });
    assert.throws(
      () => provider.parseWebhook({ 'content-type': 'application/json', 'x-twilio-signature': 'x' }, jsonBody, url),
      WebhookPayloadError,
    );
    const noStatus = callback({ CallStatus: 'exploded' });
    assert.throws(() => provider.parseWebhook(formHeaders(noStatus), noStatus, url), WebhookPayloadError);
  });
});

describe('Twilio: REST API', () => {
  /** @type {(req: import('./voice-helpers.mjs').RecordedRequest, res: import('node:http').ServerResponse) => void} */
  let answer = () => {};
  /** @type {Awaited<ReturnType<typeof startServer>>} */
  let twilio;
  const ready = startServer((req, res) => answer(req, res)).then((s) => (twilio = s));
  after(async () => (await ready).close());

  /** @param {Partial<import('../../demo/server/voice/twilio.js').TwilioOptions>} [options] */
  const adapter = (options) =>
    createTwilioProvider({
      accountSid: ACCOUNT_SID,
      authToken: AUTH_TOKEN,
      fromNumber: FROM,
      apiBase: twilio.url,
      timeoutMs: 2000,
      ...options,
    });
  const input = {
    to: '+12025550123',
    callbackUrl: 'https://chat.example.com/api/voice/webhooks/twilio?call=call_1',
    metadata: { amoiq_call_id: 'call_1' },
  };

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

  test('creates a call with the documented request: path, Basic auth, form fields, callback events', async () => {
    await ready;
    answer = (req, res) => json(res, 201, callResource('CA11111111111111111111111111111111', new URLSearchParams(req.body)));
    const before = twilio.requests.length;
    const result = await adapter({ connectNumber: '+12025550199' }).createCall(input);
    assert.deepEqual(result, { providerCallId: 'CA11111111111111111111111111111111' });
    const req = twilio.requests[before];
    assert.equal(req.method, 'POST');
    assert.equal(req.url, `/2010-04-01/Accounts/${ACCOUNT_SID}/Calls.json`);
    assert.equal(basicAuth(/** @type {string} */ (req.headers.authorization)), `${ACCOUNT_SID}:${AUTH_TOKEN}`);
    assert.equal(req.headers['content-type'], 'application/x-www-form-urlencoded');
    const form = new URLSearchParams(req.body);
    assert.equal(form.get('To'), '+12025550123');
    assert.equal(form.get('From'), FROM);
    assert.equal(form.get('StatusCallback'), input.callbackUrl);
    assert.deepEqual(form.getAll('StatusCallbackEvent'), ['initiated', 'ringing', 'answered', 'completed']);
    assert.equal(form.get('StatusCallbackMethod'), 'POST');
    assert.equal(form.get('Timeout'), '30');
    assert.equal(form.get('Url'), null);
    assert.match(/** @type {string} */ (form.get('Twiml')), /^<Response><Say>[^<]+<\/Say><Dial>\+12025550199<\/Dial><\/Response>$/);
  });

  test('authenticates with an API key when one is set, and sends Url when a TwiML URL is set', async () => {
    await ready;
    answer = (req, res) => json(res, 201, callResource('CA22222222222222222222222222222222', new URLSearchParams(req.body)));
    const before = twilio.requests.length;
    await adapter({
      apiKeySid: 'SK0123456789abcdef0123456789abcdef',
      apiKeySecret: 'key_secret',
      twimlUrl: 'https://chat.example.com/twiml/connect',
      ringTimeoutSeconds: 20,
    }).createCall({ ...input, from: '+12025550177' });
    const req = twilio.requests[before];
    assert.equal(req.url, `/2010-04-01/Accounts/${ACCOUNT_SID}/Calls.json`);
    assert.equal(basicAuth(/** @type {string} */ (req.headers.authorization)), 'SK0123456789abcdef0123456789abcdef:key_secret');
    const form = new URLSearchParams(req.body);
    assert.equal(form.get('Url'), 'https://chat.example.com/twiml/connect');
    assert.equal(form.get('Twiml'), null);
    assert.equal(form.get('From'), '+12025550177');
    assert.equal(form.get('Timeout'), '20');
  });

  test("maps Twilio's 21211 (invalid 'To' number) to invalid_number", async () => {
    await ready;
    answer = (_req, res) => json(res, 400, twilioError(21211, "The 'To' number +1202555 is not a valid phone number.", 400));
    const error = await providerError(() => adapter().createCall(input));
    assert.equal(error.code, 'invalid_number');
    assert.equal(error.providerCode, 21211);
    assert.equal(error.reason, 'invalid_number');
  });

  test('maps 401 (20003) to provider_auth, 429 (20429) with Retry-After to rate_limited, 500 to provider_unavailable', async () => {
    await ready;
    answer = (_req, res) => json(res, 401, twilioError(20003, 'Authenticate', 401));
    assert.equal((await providerError(() => adapter().createCall(input))).code, 'provider_auth');

    answer = (_req, res) => json(res, 429, twilioError(20429, 'Too Many Requests', 429), { 'Retry-After': '7' });
    const limited = await providerError(() => adapter().createCall(input));
    assert.equal(limited.code, 'rate_limited');
    assert.equal(limited.retryAfter, 7);
    assert.equal(limited.reason, 'rate_limited');

    answer = (_req, res) => json(res, 500, twilioError(20500, 'Internal Server Error', 500));
    const down = await providerError(() => adapter().createCall(input));
    assert.equal(down.code, 'provider_unavailable');
    assert.equal(down.reason, 'provider_error');
  });

  test('gives up after the request timeout when Twilio never answers', async () => {
    await ready;
    answer = () => {}; // never answers
    const started = Date.now();
    const error = await providerError(() => adapter({ timeoutMs: 150 }).createCall(input));
    assert.equal(error.code, 'timeout');
    assert.ok(Date.now() - started < 2000, 'the timeout, not the test runner, ended the request');
  });

  test('reports a refused connection as provider_unavailable', async () => {
    const closed = createServer();
    await new Promise((resolve) => closed.listen(0, '127.0.0.1', () => resolve(undefined)));
    const { port } = /** @type {import('node:net').AddressInfo} */ (closed.address());
    await new Promise((resolve) => closed.close(() => resolve(undefined)));
    const error = await providerError(() => adapter({ apiBase: `http://127.0.0.1:${port}` }).createCall(input));
    assert.equal(error.code, 'provider_unavailable');
  });

  test('cancels a ringing call with Status=canceled and hangs up an answered one with Status=completed', async () => {
    await ready;
    answer = (_req, res) => json(res, 200, { sid: 'CA33333333333333333333333333333333', status: 'canceled' });
    const before = twilio.requests.length;
    await adapter().cancelCall('CA33333333333333333333333333333333', { state: 'ringing' });
    await adapter().cancelCall('CA33333333333333333333333333333333', { state: 'in_progress' });
    const [cancel, hangUp] = twilio.requests.slice(before);
    for (const req of [cancel, hangUp]) {
      assert.equal(req.method, 'POST');
      assert.equal(req.url, `/2010-04-01/Accounts/${ACCOUNT_SID}/Calls/CA33333333333333333333333333333333.json`);
      assert.equal(req.headers['content-type'], 'application/x-www-form-urlencoded');
      assert.equal(basicAuth(/** @type {string} */ (req.headers.authorization)), `${ACCOUNT_SID}:${AUTH_TOKEN}`);
    }
    assert.equal(cancel.body, 'Status=canceled');
    assert.equal(hangUp.body, 'Status=completed');
  });

  test('hangs up instead when a cancel meets a call that was answered meanwhile (21220)', async () => {
    await ready;
    answer = (req, res) => {
      if (req.body === 'Status=canceled') json(res, 400, twilioError(21220, 'Call is not in a cancelable state', 400));
      else json(res, 200, { sid: 'CA44444444444444444444444444444444', status: 'completed' });
    };
    const before = twilio.requests.length;
    await adapter().cancelCall('CA44444444444444444444444444444444', { state: 'ringing' });
    assert.deepEqual(
      twilio.requests.slice(before).map((r) => r.body),
      ['Status=canceled', 'Status=completed'],
    );
  });
});

describe('Twilio: a callback end to end through status callbacks', () => {
  // The local "Twilio" answers the create request, then posts signed status callbacks to the
  // StatusCallback URL, like Twilio does, in the order the destination's script says.
  /** @type {Record<string, Array<Record<string, string>>>} */
  const scripts = {
    '+12025550131': [{ CallStatus: 'initiated' }, { CallStatus: 'ringing' }, { CallStatus: 'busy', CallDuration: '0' }],
    '+12025550132': [{ CallStatus: 'initiated' }, { CallStatus: 'ringing' }, { CallStatus: 'no-answer', CallDuration: '0' }],
    '+12025550133': [
      { CallStatus: 'initiated' },
      { CallStatus: 'ringing' },
      { CallStatus: 'in-progress' },
      { CallStatus: 'completed', CallDuration: '192' },
    ],
  };
  let sids = 0;
  /** @type {Promise<void>[]} status callbacks of the local Twilio, awaited before a test ends */
  const deliveries = [];
  const ready = (async () => {
    /** @type {ReturnType<typeof createCallManager>} */
    let calls;
    const events = /** @type {import('../../demo/server/voice/calls.js').CallManagerEvent[]} */ ([]);
    // Our side: the webhook route as the integrator will wire it.
    const hooks = createServer(async (req, res) => {
      try {
        if (req.method !== 'POST' || !req.url?.startsWith(WEBHOOK_PATHS.twilio)) throw new ApiError(404, 'not_found', 'Not found.');
        const body = await readWebhookBody(req);
        calls.handleWebhook(req.headers, body, webhookRequestUrl(req, publicUrl));
        res.writeHead(204).end();
      } catch (error) {
        sendError(res, error);
      }
    });
    await new Promise((resolve) => hooks.listen(0, '127.0.0.1', () => resolve(undefined)));
    const publicUrl = `http://127.0.0.1:${/** @type {import('node:net').AddressInfo} */ (hooks.address()).port}`;
    const twilio = await startServer(async (req, res) => {
      const form = new URLSearchParams(req.body);
      const sid = `CA${String(++sids).padStart(32, '0')}`;
      json(res, 201, callResource(sid, form));
      const statusCallback = /** @type {string} */ (form.get('StatusCallback'));
      const delivery = (async () => {
        let sequence = 0;
        for (const step of scripts[/** @type {string} */ (form.get('To'))]) {
          const body = new URLSearchParams({
            AccountSid: ACCOUNT_SID,
            ApiVersion: '2010-04-01',
            CallSid: sid,
            CallbackSource: 'call-progress-events',
            From: /** @type {string} */ (form.get('From')),
            To: /** @type {string} */ (form.get('To')),
            Direction: 'outbound-api',
            SequenceNumber: String(sequence++),
            Timestamp: new Date().toUTCString(),
            ...step,
          }).toString();
          await fetch(statusCallback, {
            method: 'POST',
            headers: {
              'Content-Type': 'application/x-www-form-urlencoded',
              'X-Twilio-Signature': twilioSignature(AUTH_TOKEN, statusCallback, new URLSearchParams(body)),
            },
            body,
          });
        }
      })();
      deliveries.push(delivery);
      await delivery;
    });
    const provider = createTwilioProvider({ accountSid: ACCOUNT_SID, authToken: AUTH_TOKEN, fromNumber: FROM, apiBase: twilio.url });
    calls = createCallManager({ provider, webhookUrl: (id) => `${publicUrl}${WEBHOOK_PATHS.twilio}?call=${id}`, onError: () => {} });
    calls.subscribe((event) => events.push(event));
    return { calls, events, twilio, hooks, publicUrl };
  })();
  after(async () => {
    const { calls, twilio, hooks } = await ready;
    calls.close();
    await twilio.close();
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

  test('busy: the call fails with reason busy and the conversation returns to chat', async () => {
    const result = await call('c_busy', '+12025550131');
    assert.equal(result.state, 'failed');
    assert.equal(result.reason, 'busy');
    assert.equal((await ready).calls.mode('c_busy'), 'chat');
  });

  test('no answer: the call fails with reason no_answer', async () => {
    const result = await call('c_noanswer', '+12025550132');
    assert.deepEqual([result.state, result.reason, result.durationSeconds], ['failed', 'no_answer', 0]);
  });

  test("answered: ringing, in progress, then ended with Twilio's CallDuration", async () => {
    const { events } = await ready;
    const result = await call('c_answered', '+12025550133');
    assert.deepEqual([result.state, result.reason, result.durationSeconds], ['ended', 'completed', 192]);
    const states = events.filter((e) => e.type === 'call' && e.call.conversationId === 'c_answered').map((e) => e.call.state);
    assert.deepEqual(states, ['requested', 'connecting', 'ringing', 'in_progress', 'ended']);
    const modes = events.filter((e) => e.type === 'mode' && e.conversationId === 'c_answered').map((e) => e.type === 'mode' && e.mode);
    assert.deepEqual(modes, ['voice', 'chat']);
  });

  test('a forged status callback is answered 403 invalid_signature and changes nothing', async () => {
    const { publicUrl, calls } = await ready;
    const before = calls.current('c_answered');
    const response = await fetch(`${publicUrl}${WEBHOOK_PATHS.twilio}?call=${before?.id}`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/x-www-form-urlencoded', 'X-Twilio-Signature': 'bm90IGEgc2lnbmF0dXJl' },
      body: new URLSearchParams({ CallSid: 'CA00000000000000000000000000000003', CallStatus: 'busy', SequenceNumber: '9' }).toString(),
    });
    assert.equal(response.status, 403);
    assert.equal((await response.json()).error.code, 'invalid_signature');
    assert.deepEqual(calls.current('c_answered'), before);
  });
});
