// Browser half of bench/voice-call.bench.mjs (run by web-test-runner, with the reference backend
// of test/plugins/backend.mjs and Chromium's fake microphones): 20 in-browser calls, visitor →
// agent, over the real signaling; each timed from the visitor's "Call" (WebRtcCall.start(), what
// the panel's button does) to both sides connected with audio received (getStats bytes > 0).
import { nanoid } from 'nanoid';
import { WebRtcCall, type RtcSignaling } from '../src/services/voice/webrtc-call.js';
import { decodeRtcFrame, type RtcFrame } from '../src/services/voice/wire.js';
import { until } from '../test/helpers/until.js';
import { backendInfo } from '../test/e2e/backend.js';

const CALLS = 20;

function channel(url: string, conversationId?: string): Promise<RtcSignaling & { close(): void }> {
  const ws = new WebSocket(url);
  const listeners = new Set<(f: RtcFrame) => void>();
  return new Promise((resolve) => {
    ws.onmessage = (e) => {
      const frame = JSON.parse(String(e.data));
      if (frame.type === 'ready')
        resolve({
          send: (f) => ws.send(JSON.stringify(conversationId ? { ...f, conversationId } : f)),
          onFrame: (fn) => {
            listeners.add(fn);
            return () => listeners.delete(fn);
          },
          close: () => ws.close(),
        });
      const decoded = decodeRtcFrame(frame);
      if (decoded.ok) for (const fn of listeners) fn(decoded.value);
    };
  });
}

async function json(url: string, init: RequestInit) {
  const res = await fetch(url, init);
  return res.status === 204 ? {} : res.json();
}

describe('bench: voice call setup', function () {
  this.timeout(10 * 60_000);
  it(`${CALLS} calls`, async () => {
    const info = await backendInfo();
    const headers = { Authorization: `Bearer ${info.apiKey}`, 'Content-Type': 'application/json' };
    const session = await json(`${info.url}/api/chat/session`, { method: 'POST', headers, body: JSON.stringify({ visitorId: nanoid() }) });
    await json(`${info.url}/api/chat/messages`, {
      method: 'POST',
      headers: { ...headers, 'X-Amoiq-Session': session.token },
      body: JSON.stringify({ conversationId: session.conversationId, clientId: nanoid(), text: 'bench' }),
    });
    const { token } = await json(`${info.url}/api/agent/login`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify(info.agent),
    });
    const agent = await channel(`${info.url.replace(/^http/, 'ws')}/ws/agent?token=${encodeURIComponent(token)}`, session.conversationId);
    const visitor = await channel(`${session.wsUrl}?token=${encodeURIComponent(session.token)}`);
    const samples: number[] = [];
    for (let i = 0; i < CALLS; i++) {
      const callId = `call_${nanoid(12)}`;
      let agentCall: WebRtcCall | undefined;
      const stop = agent.onFrame((f) => {
        if (f.kind === 'invite' && f.callId === callId) {
          agentCall = new WebRtcCall({ callId, role: 'callee', party: 'agent', signaling: agent });
          void agentCall.accept();
        }
      });
      const visitorCall = new WebRtcCall({ callId, role: 'caller', party: 'visitor', signaling: visitor });
      const t0 = performance.now();
      await visitorCall.start();
      await until(
        async () =>
          visitorCall.state === 'connected' &&
          agentCall?.state === 'connected' &&
          (await visitorCall.stats()).bytesReceived > 0 &&
          (await agentCall.stats()).bytesReceived > 0,
        'connected with audio both ways',
        20_000,
        5,
      );
      samples.push(Math.round(performance.now() - t0));
      stop();
      visitorCall.hangUp();
      await until(() => agentCall!.state === 'ended', 'the agent side ended');
    }
    console.log(`voice-call-bench ${JSON.stringify(samples)}`);
    visitor.close();
    agent.close();
  });
});
