// @ts-check
// Provider choice from the environment, the start-up line saying which, and the wiring of
// createVoice (tenant rules checked up front, Twilio's callback URL on PUBLIC_URL).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { WEBHOOK_PATHS, createTelephony, createVoice } from '../../demo/server/voice/index.js';
import { json, startServer } from './voice-helpers.mjs';

const twilioEnv = {
  TWILIO_ACCOUNT_SID: 'AC0123456789abcdef0123456789abcdef',
  TWILIO_AUTH_TOKEN: 'tok',
  TWILIO_FROM_NUMBER: '+12025550100',
  TWILIO_CONNECT_NUMBER: '+12025550101',
};
const retellEnv = { RETELL_API_KEY: 'key_x', RETELL_FROM_NUMBER: '+12025550100' };

/** @param {Record<string, string>} env */
function pick(env) {
  /** @type {string[]} */
  const lines = [];
  const provider = createTelephony(env, { log: (line) => lines.push(line) });
  return { provider, lines };
}

test('no credentials: the simulation, and the start-up line says so', () => {
  const { provider, lines } = pick({});
  assert.equal(provider.name, 'simulated');
  assert.equal(provider.simulated, true);
  assert.match(lines.join('\n'), /^voice: telephony provider simulated \(no TWILIO_\* or RETELL_\* credentials\)/m);
});

test('TWILIO_* picks Twilio, RETELL_* picks Retell; Twilio wins when both are set unless TELEPHONY_PROVIDER says otherwise', () => {
  const twilio = pick(twilioEnv);
  assert.equal(twilio.provider.name, 'twilio');
  assert.match(twilio.lines.join('\n'), /voice: telephony provider Twilio \(account …cdef, calling from \+12025550100\)/);
  assert.equal(pick(retellEnv).provider.name, 'retell');
  const both = pick({ ...twilioEnv, ...retellEnv });
  assert.equal(both.provider.name, 'twilio');
  assert.match(both.lines.join('\n'), /both TWILIO_\* and RETELL_\* are set/);
  assert.equal(pick({ ...twilioEnv, ...retellEnv, TELEPHONY_PROVIDER: 'retell' }).provider.name, 'retell');
  assert.equal(pick({ ...twilioEnv, TELEPHONY_PROVIDER: 'simulated' }).provider.name, 'simulated');
  // Only an API base override (as tests set) is not "configured".
  assert.equal(pick({ TWILIO_API_BASE: 'http://127.0.0.1:1' }).provider.name, 'simulated');
});

test('a half-configured or malformed provider stops the start with one clear message', () => {
  assert.throws(() => pick({ TWILIO_ACCOUNT_SID: 'AC1' }), /Twilio is half configured: set TWILIO_AUTH_TOKEN, TWILIO_FROM_NUMBER/);
  assert.throws(() => pick({ RETELL_API_KEY: 'key' }), /Retell is half configured: set RETELL_FROM_NUMBER/);
  assert.throws(() => pick({ ...twilioEnv, TWILIO_FROM_NUMBER: '2025550100' }), /TWILIO_FROM_NUMBER must be an E\.164 number/);
  assert.throws(() => pick({ ...twilioEnv, TWILIO_API_KEY_SID: 'SK1' }), /both TWILIO_API_KEY_SID and TWILIO_API_KEY_SECRET/);
  assert.throws(() => pick({ ...retellEnv, RETELL_API_BASE: 'ftp://x' }), /RETELL_API_BASE must be an http\(s\) URL/);
  assert.throws(() => pick({ VOICE_PROVIDER_TIMEOUT_MS: '0' }), /VOICE_PROVIDER_TIMEOUT_MS must be an integer/);
  assert.throws(() => pick({ TELEPHONY_PROVIDER: 'vonage' }), /TELEPHONY_PROVIDER must be twilio, retell or simulated/);
});

test('Twilio without a TwiML URL or connect number is allowed, with a warning', () => {
  const { TWILIO_CONNECT_NUMBER: _, ...env } = twilioEnv;
  assert.match(pick(env).lines.join('\n'), /neither TWILIO_TWIML_URL nor TWILIO_CONNECT_NUMBER/);
});

test("createVoice checks every tenant's rules at start and needs PUBLIC_URL for Twilio", () => {
  const log = () => {};
  assert.throws(
    () => createVoice({ env: {}, tenants: [{ id: 'acme', voice: { callback: { allowedCountries: ['XX'] } } }], log }),
    /Tenant acme/,
  );
  assert.throws(() => createVoice({ env: twilioEnv, log }), /set PUBLIC_URL/);
  const voice = createVoice({ env: {}, log });
  assert.equal(voice.provider.name, 'simulated');
  assert.equal(voice.webhookPath, null);
  voice.calls.close();
});

test('with Twilio, the status callback URL is PUBLIC_URL + the webhook path + our call id', async () => {
  const twilio = await startServer((_req, res) => json(res, 201, { sid: 'CA00000000000000000000000000000001', status: 'queued' }));
  try {
    const voice = createVoice({
      env: { ...twilioEnv, TWILIO_API_BASE: twilio.url },
      publicUrl: 'https://chat.example.com/some/path',
      log: () => {},
    });
    assert.equal(voice.webhookPath, WEBHOOK_PATHS.twilio);
    const call = await voice.calls.start({
      tenant: { id: 'demo', voice: { callback: {} } },
      conversationId: 'c1',
      visitorId: 'v1',
      phoneNumber: '+12025550123',
      consent: true,
    });
    const form = new URLSearchParams(twilio.requests[0].body);
    assert.equal(form.get('StatusCallback'), `https://chat.example.com/api/voice/webhooks/twilio?call=${call.id}`);
    voice.calls.close();
  } finally {
    await twilio.close();
  }
});
