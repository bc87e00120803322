// @ts-check
// The call state machine: one active call per conversation, legal transitions only, duration,
// idempotent events (duplicates and late arrivals), mode changes, consent, provider refusals,
// cancellation (also while the provider is still accepting), and the no-progress watchdog.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { callNoticeText, canTransition, createCallManager } from '../../demo/server/voice/calls.js';
import { createCallbackRules } from '../../demo/server/voice/rules.js';
import { DEFAULT_SIMULATED_TIMINGS, createSimulatedProvider } from '../../demo/server/voice/simulated.js';
import { ProviderError, SignatureError, WebhookPayloadError } from '../../demo/server/voice/provider.js';
import { ApiError } from '../../demo/server/http-util.js';
import { manualScheduler } from './voice-helpers.mjs';

const T = DEFAULT_SIMULATED_TIMINGS;
const tenant = { id: 'demo', voice: { callback: { enabled: true } } };

/** @typedef {import('../../demo/server/voice/calls.js').CallManagerEvent} CallManagerEvent */

/** @param {Partial<import('../../demo/server/voice/calls.js').CallManagerOptions>} [options] */
function setup(options = {}) {
  const scheduler = manualScheduler();
  const provider = options.provider ?? createSimulatedProvider({ scheduler });
  /** @type {Array<[string, unknown]>} */
  const errors = [];
  const calls = createCallManager({
    provider,
    scheduler,
    rules: createCallbackRules({ now: scheduler.now }),
    idFactory: (() => {
      let n = 0;
      return () => `call_${++n}`;
    })(),
    onError: (error, context) => errors.push([context, error]),
    ...options,
  });
  /** @type {CallManagerEvent[]} */
  const events = [];
  calls.subscribe((event) => events.push(event));
  const states = (/** @type {string} */ conversationId) =>
    events.filter((e) => e.type === 'call' && e.call.conversationId === conversationId).map((e) => e.call.state);
  const modes = (/** @type {string} */ conversationId) =>
    events.filter((e) => e.type === 'mode' && e.conversationId === conversationId).map((e) => e.type === 'mode' && e.mode);
  return { scheduler, provider, calls, events, states, modes, errors };
}

/** @param {ReturnType<typeof setup>['calls']} calls @param {string} conversationId @param {string} [phoneNumber] */
const start = (calls, conversationId, phoneNumber = '+12025550123') =>
  calls.start({
    tenant,
    conversationId,
    visitorId: `v_${conversationId}`,
    phoneNumber,
    consent: true,
    consentText: 'Yes, call me at this number.',
  });

/** @param {Promise<unknown>} promise @param {number} status @param {string} code */
async function rejectsWith(promise, status, code) {
  await assert.rejects(promise, (/** @type {any} */ e) => {
    assert.ok(e instanceof ApiError, String(e));
    assert.deepEqual([e.status, e.code], [status, code]);
    return true;
  });
}

test('transition table: forward only, terminal states are final', () => {
  assert.equal(canTransition('requested', 'connecting'), true);
  assert.equal(canTransition('connecting', 'in_progress'), true, 'a provider without ringing');
  assert.equal(canTransition('ringing', 'ended'), true, 'the answered webhook was lost');
  assert.equal(canTransition('ringing', 'connecting'), false);
  assert.equal(canTransition('in_progress', 'ringing'), false);
  assert.equal(canTransition('in_progress', 'cancelled'), false);
  for (const final of /** @type {const} */ (['ended', 'failed', 'cancelled'])) {
    for (const to of /** @type {const} */ (['requested', 'connecting', 'ringing', 'in_progress', 'ended', 'failed', 'cancelled']))
      assert.equal(canTransition(final, to), false);
  }
});

test('a call walks requested → connecting → ringing → in progress → ended; voice mode for its span; duration measured', async () => {
  const { scheduler, calls, states, modes } = setup();
  const call = await start(calls, 'c1');
  assert.equal(call.state, 'connecting');
  assert.equal(call.simulated, true);
  assert.equal(call.provider, 'simulated');
  assert.equal(call.phoneNumber, '+12025550123');
  assert.equal(call.consentAt, new Date(scheduler.now()).toISOString());
  assert.deepEqual(modes('c1'), ['voice']);
  assert.equal(calls.mode('c1'), 'voice');
  scheduler.advance(T.connectMs + T.ringMs + T.answerMs + T.talkMs);
  assert.deepEqual(states('c1'), ['requested', 'connecting', 'ringing', 'in_progress', 'ended']);
  const done = calls.current('c1');
  assert.deepEqual([done?.state, done?.reason, done?.durationSeconds], ['ended', 'completed', T.talkMs / 1000]);
  assert.ok(done?.answeredAt && done.endedAt);
  assert.deepEqual(modes('c1'), ['voice', 'chat']);
  assert.equal(calls.mode('c1'), 'chat');
  assert.deepEqual(calls.consent(call.id), {
    at: call.consentAt,
    text: 'Yes, call me at this number.',
    visitorId: 'v_c1',
    tenantId: 'demo',
  });
});

test('one active call per conversation: a second request is 409 call_active; another conversation may call; after the end, a new call', async () => {
  const { scheduler, calls } = setup();
  await start(calls, 'c1');
  await rejectsWith(start(calls, 'c1', '+12025550124'), 409, 'call_active');
  assert.equal((await start(calls, 'c2', '+12025550125')).state, 'connecting');
  scheduler.advance(T.connectMs + T.ringMs + T.answerMs + T.talkMs);
  const again = await start(calls, 'c1', '+12025550126');
  assert.equal(again.id, 'call_3');
  assert.equal(calls.current('c1')?.id, 'call_3');
});

test('consent is required, and its wording is bounded', async () => {
  const { calls, events } = setup();
  await rejectsWith(
    calls.start({ tenant, conversationId: 'c1', visitorId: 'v', phoneNumber: '+12025550123', consent: false }),
    400,
    'consent_required',
  );
  await rejectsWith(
    calls.start({ tenant, conversationId: 'c1', visitorId: 'v', phoneNumber: '+12025550123', consent: 'yes' }),
    400,
    'consent_required',
  );
  await rejectsWith(
    calls.start({
      tenant,
      conversationId: 'c1',
      visitorId: 'v',
      phoneNumber: '+12025550123',
      consent: true,
      consentText: 'x'.repeat(1001),
    }),
    400,
    'bad_request',
  );
  assert.equal(events.length, 0, 'nothing recorded');
});

test("the tenant's rules apply before anything is recorded", async () => {
  const { calls, events } = setup();
  await rejectsWith(
    calls.start({ tenant: { id: 'off' }, conversationId: 'c1', visitorId: 'v', phoneNumber: '+12025550123', consent: true }),
    403,
    'voice_disabled',
  );
  await rejectsWith(start(calls, 'c1', '+1202'), 400, 'invalid_number');
  assert.equal(events.length, 0);
});

test('provider refusals: the call is recorded as failed with the reason, mode returns to chat, the request gets the mapped error', async () => {
  const { calls, states, modes } = setup();
  await rejectsWith(start(calls, 'c_invalid', '+12025550003'), 400, 'invalid_number');
  assert.deepEqual([calls.current('c_invalid')?.state, calls.current('c_invalid')?.reason], ['failed', 'invalid_number']);
  assert.deepEqual(states('c_invalid'), ['requested', 'failed']);
  assert.deepEqual(modes('c_invalid'), ['voice', 'chat']);

  await assert.rejects(
    start(calls, 'c_limited', '+12025550005'),
    (/** @type {any} */ e) => e.status === 429 && e.code === 'rate_limited' && e.retryAfter === 30,
  );
  assert.equal(calls.current('c_limited')?.reason, 'rate_limited');

  await rejectsWith(start(calls, 'c_timeout', '+12025550006'), 504, 'provider_timeout');
  assert.equal(calls.current('c_timeout')?.reason, 'timeout');
  // A failed call is not active: the visitor may try again.
  assert.equal(calls.mode('c_timeout'), 'chat');
});

test('an unexpected provider exception fails the call as provider_error (502) and is logged', async () => {
  const provider = {
    ...createSimulatedProvider(),
    createCall: async () => {
      throw new TypeError('boom');
    },
  };
  const { calls, errors } = setup({ provider });
  await rejectsWith(start(calls, 'c1'), 502, 'provider_error');
  assert.equal(calls.current('c1')?.reason, 'provider_error');
  assert.equal(errors.length, 1);
});

test('the visitor cancels while ringing: cancelled at once, the provider is told, its confirmation is not a second change', async () => {
  const { scheduler, calls, states, modes } = setup();
  await start(calls, 'c1');
  scheduler.advance(T.connectMs + T.ringMs);
  const cancelled = await calls.cancel('c1');
  assert.deepEqual([cancelled.state, cancelled.reason, cancelled.durationSeconds], ['cancelled', 'cancelled_by_visitor', 0]);
  scheduler.advance(T.answerMs + T.talkMs);
  assert.deepEqual(states('c1'), ['requested', 'connecting', 'ringing', 'cancelled']);
  assert.deepEqual(modes('c1'), ['voice', 'chat']);
  await rejectsWith(calls.cancel('c1'), 404, 'not_found');
});

test('the visitor hangs up an answered call: ended, cancelled_by_visitor, with the talk time', async () => {
  const { scheduler, calls } = setup();
  await start(calls, 'c1');
  scheduler.advance(T.connectMs + T.ringMs + T.answerMs + 12_000);
  const ended = await calls.cancel('c1');
  assert.deepEqual([ended.state, ended.reason, ended.durationSeconds], ['ended', 'cancelled_by_visitor', 12]);
});

test('events: duplicates and late arrivals change nothing; an event for another provider call or provider is ignored', async () => {
  /** @type {import('../../demo/server/voice/provider.js').TelephonyProvider} */
  const provider = {
    name: 'twilio',
    simulated: false,
    describe: 'fake',
    createCall: async () => ({ providerCallId: 'CA1' }),
    cancelCall: async () => {},
    parseWebhook: () => null,
  };
  const { calls, states } = setup({ provider });
  const call = await start(calls, 'c1');
  const event = (
    /** @type {import('../../demo/server/voice/provider.js').CallState} */ state,
    /** @type {number} */ sequence,
    extra = {},
  ) => calls.applyEvent({ provider: 'twilio', providerCallId: 'CA1', state, sequence, ...extra });
  assert.equal(event('connecting', 0).applied, false, 'same state: nothing to change');
  assert.equal(event('ringing', 1).applied, true);
  assert.equal(event('ringing', 1).applied, false, 'a repeated webhook');
  // The completed callback overtakes in-progress: the call ends, the late in-progress is dropped.
  assert.equal(event('ended', 3, { reason: 'completed', durationSeconds: 61 }).applied, true);
  assert.equal(event('in_progress', 2).applied, false);
  assert.equal(event('failed', 4, { reason: 'busy' }).applied, false, 'final is final');
  assert.equal(calls.applyEvent({ provider: 'twilio', providerCallId: 'CA_other', state: 'failed', sequence: 9 }).call, null);
  assert.equal(
    calls.applyEvent({ provider: 'retell', providerCallId: 'CA1', callId: call.id, state: 'failed', sequence: 9 }).applied,
    false,
  );
  assert.deepEqual(states('c1'), ['requested', 'connecting', 'ringing', 'ended']);
  assert.deepEqual([calls.current('c1')?.reason, calls.current('c1')?.durationSeconds], ['completed', 61]);
});

test("a webhook that overtakes the provider's answer to createCall is matched by our call id and kept", async () => {
  /** @type {(value: { providerCallId: string }) => void} */
  let accept = () => {};
  const provider = {
    name: /** @type {const} */ ('twilio'),
    simulated: false,
    describe: 'fake',
    createCall: () => new Promise((resolve) => (accept = resolve)),
    cancelCall: async () => {},
    parseWebhook: () => null,
  };
  const { calls } = setup({ provider });
  const pending = start(calls, 'c1');
  const id = /** @type {string} */ (calls.current('c1')?.id);
  assert.equal(calls.applyEvent({ provider: 'twilio', providerCallId: 'CA9', callId: id, state: 'ringing', sequence: 1 }).applied, true);
  accept({ providerCallId: 'CA9' });
  assert.equal((await pending).state, 'ringing', 'not moved back to connecting');
  assert.equal(
    calls.applyEvent({ provider: 'twilio', providerCallId: 'CA9', state: 'in_progress', sequence: 2 }).applied,
    true,
    'later events match by the provider id',
  );
});

test('cancelled while the provider is still accepting: the call is cancelled at the provider as soon as it has an id', async () => {
  /** @type {(value: { providerCallId: string }) => void} */
  let accept = () => {};
  /** @type {Array<[string, string]>} */
  const cancels = [];
  const provider = {
    name: /** @type {const} */ ('retell'),
    simulated: false,
    describe: 'fake',
    createCall: () => new Promise((resolve) => (accept = resolve)),
    cancelCall: async (/** @type {string} */ id, /** @type {{ state: string }} */ { state }) => {
      cancels.push([id, state]);
    },
    parseWebhook: () => null,
  };
  const { calls } = setup({ provider });
  const pending = start(calls, 'c1');
  const cancelled = await calls.cancel('c1');
  assert.equal(cancelled.state, 'cancelled');
  assert.deepEqual(cancels, [], 'no provider id yet');
  accept({ providerCallId: 'call_r1' });
  assert.equal((await pending).state, 'cancelled');
  assert.deepEqual(cancels, [['call_r1', 'connecting']]);
});

test('a provider cancel that fails still ends the call for the visitor, and is reported to the operator', async () => {
  const simulated = createSimulatedProvider();
  const provider = {
    ...simulated,
    cancelCall: async () => {
      throw new ProviderError('provider_unavailable', 'down');
    },
  };
  const { calls, errors } = setup({ provider });
  await start(calls, 'c1');
  assert.equal((await calls.cancel('c1')).state, 'cancelled');
  assert.equal(errors.length, 1);
  assert.match(errors[0][0], /cancelling call call_1/);
});

test('watchdog: a call with no progress fails with timeout after setupTimeoutMs, and is cancelled at the provider', async () => {
  /** @type {string[]} */
  const cancels = [];
  const provider = {
    name: /** @type {const} */ ('twilio'),
    simulated: false,
    describe: 'fake (webhooks never arrive)',
    createCall: async () => ({ providerCallId: 'CA_silent' }),
    cancelCall: async (/** @type {string} */ id) => {
      cancels.push(id);
    },
    parseWebhook: () => null,
  };
  const { scheduler, calls, modes } = setup({ provider, setupTimeoutMs: 90_000 });
  await start(calls, 'c1');
  scheduler.advance(89_999);
  assert.equal(calls.current('c1')?.state, 'connecting');
  scheduler.advance(1);
  assert.deepEqual([calls.current('c1')?.state, calls.current('c1')?.reason], ['failed', 'timeout']);
  assert.deepEqual(cancels, ['CA_silent']);
  assert.deepEqual(modes('c1'), ['voice', 'chat']);
});

test('watchdog: an answered call without an end event ends after maxCallMs', async () => {
  const provider = {
    name: /** @type {const} */ ('twilio'),
    simulated: false,
    describe: 'fake',
    createCall: async () => ({ providerCallId: 'CA_long' }),
    cancelCall: async () => {},
    parseWebhook: () => null,
  };
  const { scheduler, calls } = setup({ provider, maxCallMs: 600_000 });
  await start(calls, 'c1');
  calls.applyEvent({ provider: 'twilio', providerCallId: 'CA_long', state: 'in_progress', sequence: 2 });
  scheduler.advance(600_000);
  assert.deepEqual(
    [calls.current('c1')?.state, calls.current('c1')?.reason, calls.current('c1')?.durationSeconds],
    ['ended', 'timeout', 600],
  );
});

test('handleWebhook: a bad signature is 403 invalid_signature, a bad body 400 bad_request, a null event changes nothing', async () => {
  let behaviour = 'signature';
  const provider = {
    name: /** @type {const} */ ('twilio'),
    simulated: false,
    describe: 'fake',
    createCall: async () => ({ providerCallId: 'CA1' }),
    cancelCall: async () => {},
    parseWebhook: () => {
      if (behaviour === 'signature') throw new SignatureError('bad');
      if (behaviour === 'payload') throw new WebhookPayloadError('bad');
      return null;
    },
  };
  const { calls } = setup({ provider });
  assert.throws(
    () => calls.handleWebhook({}, '', ''),
    (/** @type {any} */ e) => e instanceof ApiError && e.status === 403 && e.code === 'invalid_signature',
  );
  behaviour = 'payload';
  assert.throws(
    () => calls.handleWebhook({}, '', ''),
    (/** @type {any} */ e) => e instanceof ApiError && e.status === 400 && e.code === 'bad_request',
  );
  behaviour = 'none';
  assert.deepEqual(calls.handleWebhook({}, '', ''), { applied: false, call: null });
});

test('notice texts for the transcript, simulated calls saying so', () => {
  const base = {
    id: 'call_1',
    conversationId: 'c',
    phoneNumber: '+12025550123',
    provider: /** @type {const} */ ('twilio'),
    simulated: false,
    requestedAt: '',
    consentAt: '',
  };
  assert.equal(callNoticeText({ ...base, state: 'requested' }), 'Calling +12025550123…');
  assert.equal(callNoticeText({ ...base, state: 'ended', reason: 'completed', durationSeconds: 192 }), 'Call ended, 3:12.');
  assert.equal(callNoticeText({ ...base, state: 'failed', reason: 'busy' }), 'Call failed: the line was busy.');
  assert.equal(callNoticeText({ ...base, state: 'ringing' }), null);
  assert.equal(
    callNoticeText({ ...base, simulated: true, state: 'cancelled', reason: 'cancelled_by_visitor' }),
    'Simulated call: Call cancelled.',
  );
});
