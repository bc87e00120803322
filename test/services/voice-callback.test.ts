import { expect } from '@open-wc/testing';
import { CallbackClient, CallbackError, type CallbackTransport } from '../../src/services/voice/callback.js';
import { callbackView, formatDuration, rtcView } from '../../src/services/voice/view.js';
import { decodeCall, decodeRtcFrame, decodeVoiceConfig, decodeVoiceFrame, type WireCall } from '../../src/services/voice/wire.js';

/** A transport that answers each POST with the next scripted answer and records the requests. */
function scripted(...answers: Array<{ status: number; body?: unknown; retryAfter?: number } | Error>) {
  const requests: Array<{ path: string; body: Record<string, unknown> }> = [];
  let release: (() => void) | undefined;
  const transport: CallbackTransport & { hold(): void; release(): void } = {
    async post(path, body) {
      requests.push({ path, body });
      if (release === undefined && held) await new Promise<void>((r) => (release = r));
      const answer = answers.shift();
      if (!answer) throw new Error('no scripted answer left');
      if (answer instanceof Error) throw answer;
      return { status: answer.status, body: answer.body, retryAfter: answer.retryAfter };
    },
    hold: () => (held = true),
    release: () => release?.(),
  };
  let held = false;
  return { transport, requests };
}

const call = (over: Partial<WireCall> = {}): WireCall => ({
  id: 'call_1',
  kind: 'callback',
  state: 'connecting',
  startedAt: '2026-11-22T10:00:00.000Z',
  to: '+1••••••2671',
  ...over,
});
const client = (transport: CallbackTransport) => new CallbackClient({ transport, conversationId: () => 'c_1' });
const CONSENT = 'I agree to receive a phone call.';

describe('CallbackClient', () => {
  it('posts the request (number, consent: true, the consent wording) and follows the call it gets', async () => {
    const { transport, requests } = scripted({ status: 201, body: { call: call() } });
    const voice = client(transport);
    const states: string[] = [];
    voice.subscribe((s) => states.push(`${s.pending}:${s.call?.state ?? '-'}:${s.mode}`));
    const result = await voice.request({ phoneNumber: '+14155552671', consentText: CONSENT });
    expect(requests).to.deep.equal([
      {
        path: '/api/chat/voice/callback',
        body: { conversationId: 'c_1', phoneNumber: '+14155552671', consent: true, consentText: CONSENT },
      },
    ]);
    expect(result.state).to.equal('connecting');
    expect(voice.state).to.include({ mode: 'voice', pending: false, error: null });
    expect(states).to.deep.equal(['true:-:chat', 'false:connecting:voice']);
  });

  it('frames that overtake the answer win: a late "connecting" answer does not move a ringing call back', async () => {
    const { transport } = scripted({ status: 201, body: { call: call({ state: 'connecting' }) } });
    transport.hold();
    const voice = client(transport);
    const request = voice.request({ phoneNumber: '+14155552671', consentText: CONSENT });
    expect(voice.apply({ type: 'call', call: call({ state: 'ringing' }) })).to.equal(true);
    transport.release();
    await request;
    expect(voice.state.call?.state).to.equal('ringing');
    // Final: the duration comes with it, and the mode goes back to chat; a late ringing frame changes nothing.
    voice.apply({
      type: 'call',
      call: call({ state: 'ended', reason: 'completed', durationSeconds: 192, answeredAt: '2026-11-22T10:00:05.000Z' }),
    });
    voice.apply({ type: 'call', call: call({ state: 'ringing' }) });
    expect(voice.state.call).to.include({ state: 'ended', durationSeconds: 192 });
    expect(voice.state.mode).to.equal('chat');
    expect(voice.apply({ type: 'mode', mode: 'voice' })).to.equal(true);
    expect(voice.state.mode).to.equal('voice');
    expect(voice.apply({ type: 'call', call: { ...call(), kind: 'webrtc' } }), 'in-browser calls are not its business').to.equal(false);
  });

  for (const [status, code, retryAfter] of [
    [400, 'invalid_number'],
    [400, 'consent_required'],
    [403, 'voice_disabled'],
    [403, 'country_not_allowed'],
    [403, 'outside_calling_hours'],
    [409, 'call_active'],
    [429, 'rate_limited', 30],
    [502, 'provider_error'],
    [504, 'provider_timeout'],
  ] as Array<[number, string, number?]>) {
    it(`a ${status} ${code} answer rejects with a CallbackError of that code, kept in the state`, async () => {
      const { transport } = scripted({ status, body: { error: { code, message: `server says ${code}` } }, retryAfter });
      const voice = client(transport);
      const error = (await voice.request({ phoneNumber: '+14155552671', consentText: CONSENT }).catch((e: unknown) => e)) as CallbackError;
      expect(error).to.be.instanceOf(CallbackError);
      expect(error).to.include({ code, status, message: `server says ${code}`, retryAfter });
      expect(voice.state.error).to.equal(error);
      expect(voice.state).to.include({ pending: false, call: null, mode: 'chat' });
    });
  }

  it('no answer is "network"; an unknown code or a malformed call is "unknown"', async () => {
    const { transport } = scripted(
      new TypeError('Failed to fetch'),
      { status: 500, body: { error: { code: 'internal', message: 'boom' } } },
      { status: 201, body: { call: { id: 'x' } } },
    );
    const voice = client(transport);
    const codes = [];
    for (let i = 0; i < 3; i++)
      codes.push(
        ((await voice.request({ phoneNumber: '+14155552671', consentText: CONSENT }).catch((e: unknown) => e)) as CallbackError).code,
      );
    expect(codes).to.deep.equal(['network', 'unknown', 'unknown']);
  });

  it('refuses a number that is not E.164, or an empty consent, without asking the server', async () => {
    const { transport, requests } = scripted();
    const voice = client(transport);
    const bad = await voice.request({ phoneNumber: '415 555 2671', consentText: CONSENT }).catch((e: CallbackError) => e.code);
    const noConsent = await voice.request({ phoneNumber: '+14155552671', consentText: ' ' }).catch((e: CallbackError) => e.code);
    expect([bad, noConsent]).to.deep.equal(['invalid_number', 'consent_required']);
    expect(requests).to.have.length(0);
  });

  it('cancel posts the call id and applies the final call; a 404 (already over) is not an error', async () => {
    const { transport, requests } = scripted(
      { status: 201, body: { call: call({ state: 'ringing' }) } },
      { status: 200, body: { call: call({ state: 'cancelled', reason: 'cancelled_by_visitor', durationSeconds: 0 }) } },
    );
    const voice = client(transport);
    await voice.request({ phoneNumber: '+14155552671', consentText: CONSENT });
    await voice.cancel();
    expect(requests[1]).to.deep.equal({ path: '/api/chat/voice/cancel', body: { conversationId: 'c_1', callId: 'call_1' } });
    expect(voice.state.call).to.include({ state: 'cancelled', reason: 'cancelled_by_visitor' });
    expect(voice.state.mode).to.equal('chat');
    await voice.cancel(); // nothing active: no request
    expect(requests).to.have.length(2);
    voice.dismiss();
    expect(voice.state.call).to.equal(null);
  });
});

describe('voice wire decoders', () => {
  it('decodes call, mode and rtc frames field by field and refuses malformed ones without throwing', () => {
    const good = decodeVoiceFrame({
      type: 'call',
      call: { ...call({ state: 'failed', reason: 'busy' }), simulated: true, secret: 'dropped' },
    });
    expect(good.ok && good.value).to.deep.equal({ type: 'call', call: { ...call({ state: 'failed', reason: 'busy' }), simulated: true } });
    expect(
      decodeCall({ ...call(), reason: 'gremlins' }).ok &&
        (decodeCall({ ...call(), reason: 'gremlins' }) as { value: WireCall }).value.reason,
    ).to.equal(undefined);
    for (const bad of [
      null,
      'x',
      { type: 'call' },
      { type: 'call', call: { ...call(), state: 'dancing' } },
      { type: 'mode', mode: 'video' },
      { type: 'rtc', callId: '', kind: 'offer' },
      { type: 'other' },
    ]) {
      expect(decodeVoiceFrame(bad).ok, JSON.stringify(bad)).to.equal(false);
    }
    expect(decodeRtcFrame({ type: 'rtc', callId: 'c', kind: 'offer' }).ok, 'offer without sdp').to.equal(false);
    expect(decodeRtcFrame({ type: 'rtc', callId: 'c', kind: 'offer', sdp: 'x'.repeat(70_000) }).ok, 'huge sdp').to.equal(false);
    expect(decodeRtcFrame({ type: 'rtc', callId: 'c', kind: 'mute' }).ok, 'mute without muted').to.equal(false);
    const candidate = decodeRtcFrame({
      type: 'rtc',
      callId: 'c',
      kind: 'candidate',
      candidate: { candidate: 'candidate:1 1 udp 1 127.0.0.1 9 typ host', sdpMid: '0', sdpMLineIndex: 0, extra: 1 },
    });
    expect(candidate.ok && candidate.value.candidate).to.deep.equal({
      candidate: 'candidate:1 1 udp 1 127.0.0.1 9 typ host',
      sdpMid: '0',
      sdpMLineIndex: 0,
    });
  });

  it('reads config.voice; anything missing or malformed offers nothing', () => {
    expect(decodeVoiceConfig(undefined)).to.deep.include({ callback: false, webrtc: false });
    expect(
      decodeVoiceConfig({
        callback: true,
        webrtc: 'yes',
        iceServers: [{ urls: 'stun:stun.example.com' }, { urls: 5 }, { urls: ['turn:t.example.com'], username: 'u', credential: 'p' }],
        maxNoteSeconds: 90,
      }),
    ).to.deep.equal({
      callback: true,
      webrtc: false,
      iceServers: [{ urls: 'stun:stun.example.com' }, { urls: ['turn:t.example.com'], username: 'u', credential: 'p' }],
      maxNoteSeconds: 90,
    });
  });

  it('builds the panel views and formats durations in the locale', () => {
    expect(callbackView(call({ state: 'in_progress', answeredAt: '2026-11-22T10:00:05.000Z', simulated: true }))).to.deep.include({
      phase: 'in_progress',
      answeredAt: Date.parse('2026-11-22T10:00:05.000Z'),
      simulated: true,
      to: '+1••••••2671',
    });
    const snapshot = {
      callId: 'k',
      role: 'callee' as const,
      state: 'ringing' as const,
      muted: false,
      remoteMuted: false,
      interrupted: false,
    };
    expect(rtcView(snapshot, 0, 'Ada')).to.include({ phase: 'incoming', peerName: 'Ada' });
    expect(rtcView({ ...snapshot, state: 'connected', connectedAt: 5, interrupted: true }, 3).phase).to.equal('interrupted');
    expect(rtcView({ ...snapshot, role: 'caller', state: 'ended', reason: 'cancelled_by_visitor', endedAt: 9 }, 0).phase).to.equal(
      'cancelled',
    );
    expect([formatDuration(192), formatDuration(3725), formatDuration(7, 'ar-EG')]).to.deep.equal(['3:12', '1:02:05', '٠:٠٧']);
  });
});
