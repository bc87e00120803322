import { expect, fixture, html } from '@open-wc/testing';
import { nanoid } from 'nanoid';
import '../../src/define.js';
import type { AmoiqChat } from '../../src/components/chat/chat.js';
import type { AmoiqVoicePanel } from '../../src/components/voice-panel/voice-panel.js';
import { WebRtcCall, type RtcSignaling } from '../../src/services/voice/webrtc-call.js';
import { decodeRtcFrame, type RtcFrame } from '../../src/services/voice/wire.js';
import { until } from '../helpers/dom.js';
import { backendInfo, type BackendInfo } from './backend.js';

// The visitor's side of an in-browser call through the widget's UI (issue 11, part 2): the voice
// panel's "Call the team" places a WebRTC call over the chat's own WebSocket; an agent (a
// WebRtcCall on the agent WebSocket, as the console runs it) accepts; the panel shows the call
// connected with its duration and level meter, mute toggles, the agent's hang-up ends it.

const panelOf = (el: AmoiqChat) => el.shadowRoot!.querySelector<AmoiqVoicePanel>('amoiq-voice-panel');
const inPanel = <T extends Element = HTMLElement>(el: AmoiqChat, selector: string) =>
  panelOf(el)?.shadowRoot?.querySelector<T>(selector) ?? null;
const stateLine = (el: AmoiqChat) => inPanel(el, '.state')?.textContent?.trim() ?? '';

/** The agent's side: the agent WebSocket as the console uses it. */
async function agentSide(info: BackendInfo): Promise<{ signaling: RtcSignaling; invites: RtcFrame[]; close(): void }> {
  const res = await fetch(`${info.url}/api/agent/login`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify(info.agent),
  });
  const { token } = await res.json();
  const ws = new WebSocket(`${info.url.replace(/^http/, 'ws')}/ws/agent?token=${encodeURIComponent(token)}`);
  const listeners = new Set<(f: RtcFrame) => void>();
  const invites: RtcFrame[] = [];
  let conversationId = '';
  await new Promise<void>((resolve) => {
    ws.onmessage = (e) => {
      const frame = JSON.parse(String(e.data));
      if (frame.type === 'ready') resolve();
      const decoded = decodeRtcFrame(frame);
      if (!decoded.ok) return;
      if (decoded.value.kind === 'invite') {
        conversationId = decoded.value.conversationId ?? '';
        invites.push(decoded.value);
      }
      for (const fn of listeners) fn(decoded.value);
    };
  });
  return {
    invites,
    signaling: {
      send: (frame) => ws.send(JSON.stringify({ ...frame, conversationId })),
      onFrame: (fn) => {
        listeners.add(fn);
        return () => listeners.delete(fn);
      },
    },
    close: () => ws.close(),
  };
}

describe('e2e: calling the team from the voice panel (WebRTC)', function () {
  this.timeout(60_000);

  it('Call the team → the agent accepts → connected with duration and level → mute → the agent hangs up', async () => {
    const info = await backendInfo();
    const agent = await agentSide(info);
    const el = await fixture<AmoiqChat>(
      html`<amoiq-chat gateway-url=${info.url} api-key=${info.apiKey} tenant-id=${info.tenantId} db-name=${`amoiq-e2e-${nanoid(8)}`} open></amoiq-chat>`,
    );
    try {
      await until(() => el.connectionState === 'online', 'online', 10_000);
      el.send('I would like to talk.');
      await until(() => el.messages.some((m) => m.sender.type === 'visitor' && m.status === 'delivered'), 'the conversation started');
      const button = () => el.shadowRoot!.querySelector('amoiq-chat-header')!.shadowRoot!.querySelector<HTMLButtonElement>('.voice');
      await until(() => button() !== null, 'the voice button');
      button()!.click();
      await until(() => inPanel(el, '.call-team') !== null, 'Call the team in the menu');
      inPanel<HTMLButtonElement>(el, '.call-team')!.click();
      await until(() => agent.invites.length === 1, 'the agent is rung');
      await until(() => stateLine(el) === 'Calling the team…', 'the panel says it is calling');
      const agentCall = new WebRtcCall({ callId: agent.invites[0].callId, role: 'callee', party: 'agent', signaling: agent.signaling });
      await agentCall.accept();
      await until(() => stateLine(el) === 'Connected' && agentCall.state === 'connected', 'connected on both sides', 15_000);
      await until(() => /^0:0[1-9]$/.test(inPanel(el, '.time')?.textContent?.trim() ?? ''), 'the duration counts', 5000);
      expect(inPanel(el, '[part=level-meter]')).to.exist;
      await until(async () => (await agentCall.stats()).bytesReceived > 2000, 'the agent receives the visitor audio');

      inPanel<HTMLButtonElement>(el, '.mute')!.click();
      await until(() => inPanel(el, '.mute')?.getAttribute('aria-pressed') === 'true', 'the mute button pressed');
      await until(() => agentCall.snapshot.remoteMuted, 'the agent sees the visitor muted');

      agentCall.hangUp();
      await until(() => /^Call ended, 0:0\d$/.test(stateLine(el)), 'the panel shows the end with its duration', 5000);
    } finally {
      agent.close();
    }
  });
});
