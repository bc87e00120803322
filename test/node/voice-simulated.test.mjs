// @ts-check
// The built-in simulated provider, on a manual clock: its timed walk through the states, the
// scripted outcomes by number, cancellation, and `simulated: true` on every event.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { DEFAULT_SIMULATED_TIMINGS, createSimulatedProvider } from '../../demo/server/voice/simulated.js';
import { ProviderError, WebhookPayloadError } from '../../demo/server/voice/provider.js';
import { manualScheduler } from './voice-helpers.mjs';

const T = DEFAULT_SIMULATED_TIMINGS;

function setup() {
  const scheduler = manualScheduler();
  const provider = createSimulatedProvider({ scheduler });
  /** @type {import('../../demo/server/voice/provider.js').ProviderEvent[]} */
  const events = [];
  provider.subscribe?.((event) => events.push(event));
  return { scheduler, provider, events };
}

const input = (/** @type {string} */ to) => ({ to, metadata: { amoiq_call_id: 'call_sim' } });

test('an ordinary number walks connecting → ringing → in progress → ended on the clock, nothing early', async () => {
  const { scheduler, provider, events } = setup();
  const { providerCallId } = await provider.createCall(input('+12025550123'));
  assert.equal(events.length, 0);
  scheduler.advance(T.connectMs - 1);
  assert.equal(events.length, 0, 'nothing before connectMs');
  scheduler.advance(1);
  assert.deepEqual(
    events.map((e) => e.state),
    ['connecting'],
  );
  scheduler.advance(T.ringMs);
  scheduler.advance(T.answerMs);
  assert.deepEqual(
    events.map((e) => e.state),
    ['connecting', 'ringing', 'in_progress'],
  );
  scheduler.advance(T.talkMs);
  assert.deepEqual(
    events.map((e) => [e.state, e.reason]),
    [
      ['connecting', undefined],
      ['ringing', undefined],
      ['in_progress', undefined],
      ['ended', 'completed'],
    ],
  );
  const ended = events[3];
  assert.equal(ended.durationSeconds, T.talkMs / 1000);
  assert.deepEqual(
    events.map((e) => e.sequence),
    [0, 1, 2, 3],
  );
  for (const event of events) {
    assert.equal(event.simulated, true);
    assert.equal(event.provider, 'simulated');
    assert.equal(event.providerCallId, providerCallId);
    assert.equal(event.callId, 'call_sim');
  }
  assert.equal(scheduler.pending(), 0);
});

test('numbers ending 0001, 0002, 0004 ring and fail busy, no answer (after the ring timeout), provider error', async () => {
  for (const [to, reason, after] of /** @type {const} */ ([
    ['+12025550001', 'busy', T.connectMs + 2 * T.ringMs],
    ['+12025550002', 'no_answer', T.connectMs + T.ringMs + T.ringTimeoutMs],
    ['+12025550004', 'provider_error', T.connectMs + T.ringMs],
  ])) {
    const { scheduler, provider, events } = setup();
    await provider.createCall(input(to));
    scheduler.advance(after - 1);
    assert.notEqual(events.at(-1)?.state, 'failed', `${to} not failed yet`);
    scheduler.advance(1);
    assert.deepEqual([events.at(-1)?.state, events.at(-1)?.reason], ['failed', reason], to);
    assert.equal(
      events.some((e) => e.state === 'in_progress'),
      false,
    );
  }
});

test('numbers ending 0003, 0005, 0006 are refused at once: invalid number, rate-limited (retry 30 s), timeout', async () => {
  const { provider, events } = setup();
  await assert.rejects(provider.createCall(input('+12025550003')), (e) => e instanceof ProviderError && e.code === 'invalid_number');
  await assert.rejects(
    provider.createCall(input('+12025550005')),
    (e) => e instanceof ProviderError && e.code === 'rate_limited' && e.retryAfter === 30,
  );
  await assert.rejects(provider.createCall(input('+12025550006')), (e) => e instanceof ProviderError && e.code === 'timeout');
  assert.equal(events.length, 0);
});

test('cancelling a ringing call confirms cancelled; hanging up an answered one confirms ended with its duration', async () => {
  {
    const { scheduler, provider, events } = setup();
    const { providerCallId } = await provider.createCall(input('+12025550123'));
    scheduler.advance(T.connectMs + T.ringMs);
    await provider.cancelCall(providerCallId, { state: 'ringing' });
    scheduler.advance(0);
    assert.deepEqual(
      events.map((e) => e.state),
      ['connecting', 'ringing', 'cancelled'],
    );
    scheduler.advance(T.answerMs + T.talkMs);
    assert.equal(events.length, 3, 'the scripted answer never comes');
  }
  {
    const { scheduler, provider, events } = setup();
    const { providerCallId } = await provider.createCall(input('+12025550123'));
    scheduler.advance(T.connectMs + T.ringMs + T.answerMs + 5000);
    await provider.cancelCall(providerCallId, { state: 'in_progress' });
    scheduler.advance(0);
    assert.deepEqual([events.at(-1)?.state, events.at(-1)?.reason, events.at(-1)?.durationSeconds], ['ended', 'cancelled_by_visitor', 5]);
    // Cancelling a call that is over is harmless.
    await provider.cancelCall(providerCallId, { state: 'in_progress' });
  }
});

test('has no webhooks and says it is a simulation', () => {
  const { provider } = setup();
  assert.equal(provider.simulated, true);
  assert.match(provider.describe, /simulated/);
  assert.throws(() => provider.parseWebhook({}, '', ''), WebhookPayloadError);
});
