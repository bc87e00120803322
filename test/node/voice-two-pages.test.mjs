// @ts-check
// Issue 11, quality bars: two pages in one Chromium — a visitor's page with <amoiq-chat> and the
// agent console — place real WebRTC calls on loopback through the reference backend. Chromium's
// fake microphone (--use-fake-device-for-media-stream: a beeping tone) feeds both sides; each
// page's RTCPeerConnections are recorded as they are made (the real objects, only remembered) so
// the test can read getStats() as chrome://webrtc-internals does: audio flows both ways (bytes
// and received audio energy rising on each side), the visitor's Mute stops what leaves, a drop of
// the visitor's WebSocket mid-call (a TCP proxy between the widget and the backend cuts every
// connection) keeps the call, and either side hangs up. Microphone problems: voice-mic-problems.test.mjs.
//
// The pages are served from the sources by a Vite dev server (no build), which proxies the
// console's /api and /ws to the backend as `npx vite --config demo/agent/vite.config.ts` does.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import {
  AGENT,
  CALL,
  PANEL,
  audio,
  audioFlowsBothWays,
  click,
  en,
  launch,
  open,
  openVoicePanel,
  proxy,
  setup,
  teardown,
  text,
  until,
  visitorWithConversation,
} from './voice-pages.mjs';

before(setup);
after(teardown);

describe('a real WebRTC call between a visitor page and the agent console (two pages, loopback)', () => {
  test('audio both ways, mute stops it, a WebSocket drop keeps the call, the visitor hangs up; then the agent calls and hangs up', async () => {
    const browser = await launch(['--use-fake-device-for-media-stream', '--use-fake-ui-for-media-stream']);
    try {
      await callBothWays(browser);
    } finally {
      await browser.close();
    }
  });
});

/** The two-page call scenario (the test above). @param {import('puppeteer-core').Browser} browser */
async function callBothWays(browser) {
  {
    // Both pages load at once; the agent logs in to the console and opens the visitor's conversation.
    const [{ page: visitor, hello }, agent] = await Promise.all([
      visitorWithConversation(browser, proxy.url),
      open(browser, '/agent.html'),
    ]);
    await until(agent, 'the login form', () => !!(/** @type {any} */ (globalThis).__q('amoiq-agent-app', 'input[name=email]')));
    await agent.evaluate((who) => {
      const q = /** @type {any} */ (globalThis).__q;
      q('amoiq-agent-app', 'input[name=email]').value = who.email;
      q('amoiq-agent-app', 'input[name=password]').value = who.password;
      q('amoiq-agent-app', 'form button[type=submit]').click();
    }, AGENT);
    await until(
      agent,
      'the conversation in the console list',
      (/** @type {string} */ t) =>
        [.../** @type {any} */ (globalThis).__q('amoiq-agent-app').shadowRoot.querySelectorAll('li button')].some((b) =>
          b.textContent.includes(t),
        ),
      hello,
    );
    await agent.evaluate((t) => {
      const buttons = [.../** @type {any} */ (globalThis).__q('amoiq-agent-app').shadowRoot.querySelectorAll('li button')];
      buttons.find((b) => b.textContent.includes(t)).click();
    }, hello);
    await until(
      agent,
      'the call controls',
      () => !!(/** @type {any} */ (globalThis).__q('amoiq-agent-app', 'amoiq-agent-conversation', 'amoiq-agent-call', '.call')),
    );

    // 1. The visitor calls the team; the agent accepts.
    await openVoicePanel(visitor);
    await click(visitor, ...PANEL, '.call-team');
    await until(
      agent,
      'the call ringing in the console',
      () => !!(/** @type {any} */ (globalThis).__q('amoiq-agent-app', 'amoiq-agent-conversation', 'amoiq-agent-call', '.accept')),
    );
    assert.equal(await text(agent, ...CALL, '.call-state'), 'The visitor is calling');
    await click(agent, ...CALL, '.accept');
    await until(
      visitor,
      'the visitor connected',
      (/** @type {string} */ s) =>
        /** @type {any} */ (globalThis).__q('amoiq-chat', 'amoiq-voice-panel', '.state')?.textContent.trim() === s,
      en.webrtcStates.in_progress,
    );
    await until(
      agent,
      'the agent in call',
      () =>
        /** @type {any} */ (globalThis)
          .__q('amoiq-agent-app', 'amoiq-agent-conversation', 'amoiq-agent-call', '.call-state')
          ?.textContent.trim() === 'In call',
    );
    await audioFlowsBothWays([visitor, agent]);
    const [v1, a1] = await Promise.all([audio(visitor), audio(agent)]);
    assert.equal(v1.state, 'connected');
    assert.equal(a1.state, 'connected');
    assert.equal(v1.pcs, 1, 'one peer connection on the visitor page');
    await until(
      visitor,
      'the agent beep heard by the visitor (audio level)',
      async () => ((await /** @type {any} */ (globalThis).__audio())?.level ?? 0) > 0.001,
    );
    await until(
      agent,
      'the visitor beep heard by the agent (audio level)',
      async () => ((await /** @type {any} */ (globalThis).__audio())?.level ?? 0) > 0.001,
    );

    // The audio energy reaching the agent over ≥ 1.5 s of stats time, unmuted (to compare with muted below).
    const on0 = await audio(agent);
    await until(
      agent,
      '1.5 s of stats unmuted',
      async (/** @type {number} */ at) => (await /** @type {any} */ (globalThis).__audio()).at > at + 1500,
      on0.at,
    );
    const on1 = await audio(agent);
    const energyOn = (on1.energy - on0.energy) / (on1.at - on0.at);

    // 2. The visitor mutes: nothing leaves the visitor, nothing more arrives at the agent.
    await click(visitor, ...PANEL, '.mute');
    await until(
      visitor,
      'the mute button pressed',
      () => /** @type {any} */ (globalThis).__q('amoiq-chat', 'amoiq-voice-panel', '.mute')?.getAttribute('aria-pressed') === 'true',
    );
    await until(agent, 'the agent told the visitor muted', () =>
      /** @type {any} */ (globalThis)
        .__q('amoiq-agent-app', 'amoiq-agent-conversation', 'amoiq-agent-call', '.call-state')
        ?.textContent.includes('muted'),
    );
    // Let packets already on their way land (the agent's next stats after a new reading), then measure over ≥ 1.5 s of stats time.
    const settled = await audio(agent);
    await until(
      agent,
      'a later stats reading',
      async (/** @type {number} */ at) => (await /** @type {any} */ (globalThis).__audio()).at > at + 500,
      settled.at,
    );
    const [mutedV, mutedA] = await Promise.all([audio(visitor), audio(agent)]);
    await until(
      agent,
      '1.5 s of stats while muted',
      async (/** @type {number} */ at) => (await /** @type {any} */ (globalThis).__audio()).at > at + 1500,
      mutedA.at,
    );
    const [laterV, laterA] = await Promise.all([audio(visitor), audio(agent)]);
    assert.ok(laterV.sent - mutedV.sent < 200, `the visitor sends nothing while muted (${laterV.sent - mutedV.sent} bytes)`);
    assert.ok(
      laterA.received - mutedA.received < 200,
      `the agent receives nothing while the visitor is muted (${laterA.received - mutedA.received} bytes)`,
    );
    // The beep no longer reaches the agent: what the receiver conceals meanwhile is near silence.
    const energyOff = (laterA.energy - mutedA.energy) / (laterA.at - mutedA.at);
    assert.ok(energyOff < energyOn / 20, `the visitor's audio energy at the agent per ms: ${energyOff} muted, ${energyOn} before`);
    assert.ok(laterV.received > mutedV.received, 'the agent is still heard by the visitor');
    await click(visitor, ...PANEL, '.mute');
    await until(
      visitor,
      'unmuted',
      () => /** @type {any} */ (globalThis).__q('amoiq-chat', 'amoiq-voice-panel', '.mute')?.getAttribute('aria-pressed') === 'false',
    );
    await audioFlowsBothWays([visitor, agent]);

    // 3. The visitor's WebSocket drops mid-call (every connection through the proxy is cut): the
    //    widget reconnects, the call and its peer connection stay, audio keeps flowing.
    const socketsBefore = await visitor.evaluate(() => /** @type {any} */ (globalThis).__sockets.length);
    assert.ok(proxy.drop() > 0, 'connections were cut');
    await until(
      visitor,
      'a new WebSocket open after the drop',
      (/** @type {number} */ n) => {
        const sockets = /** @type {any} */ (globalThis).__sockets;
        return (
          sockets.length > n &&
          sockets[sockets.length - 1].readyState === 1 &&
          /** @type {any} */ (globalThis.document.querySelector('amoiq-chat')).connectionState === 'online'
        );
      },
      socketsBefore,
    );
    await audioFlowsBothWays([visitor, agent]);
    const [v2, a2] = await Promise.all([audio(visitor), audio(agent)]);
    assert.equal(v2.pcs, 1, 'the same peer connection: the call was not re-placed');
    assert.equal(v2.state, 'connected');
    assert.equal(a2.state, 'connected');
    await until(
      visitor,
      'still connected in the panel',
      (/** @type {string} */ s) =>
        /** @type {any} */ (globalThis).__q('amoiq-chat', 'amoiq-voice-panel', '.state')?.textContent.trim() === s,
      en.webrtcStates.in_progress,
    );
    assert.equal(await text(agent, ...CALL, '.call-state'), 'In call');

    // 4. The visitor hangs up: both sides show the end with its duration.
    await click(visitor, ...PANEL, '.hang-up');
    await until(visitor, 'the visitor sees the call ended', () =>
      /^Call ended, \d+:\d\d$/.test(
        /** @type {any} */ (globalThis).__q('amoiq-chat', 'amoiq-voice-panel', '.state')?.textContent.trim() ?? '',
      ),
    );
    await until(agent, 'the agent sees the call ended', () =>
      /, \d+:\d\d$/.test(
        /** @type {any} */ (globalThis)
          .__q('amoiq-agent-app', 'amoiq-agent-conversation', 'amoiq-agent-call', '.call-state')
          ?.textContent.trim() ?? '',
      ),
    );
    await until(
      agent,
      'the agent peer connection closed',
      async () => (await /** @type {any} */ (globalThis).__audio()).state === 'closed',
    );

    // 5. The agent calls the visitor; the visitor accepts; the agent hangs up.
    await until(
      agent,
      'Call visitor again',
      () =>
        !!(/** @type {any} */ (globalThis).__q('amoiq-agent-app', 'amoiq-agent-conversation', 'amoiq-agent-call', '.call:not([disabled])')),
    );
    await click(agent, ...CALL, '.call');
    await until(
      visitor,
      'the incoming call in the panel',
      () => !!(/** @type {any} */ (globalThis).__q('amoiq-chat', 'amoiq-voice-panel', '.accept')),
    );
    assert.match(/** @type {string} */ (await text(visitor, ...PANEL, '.state')), /calling you/);
    await click(visitor, ...PANEL, '.accept');
    await until(
      visitor,
      'connected again',
      (/** @type {string} */ s) =>
        /** @type {any} */ (globalThis).__q('amoiq-chat', 'amoiq-voice-panel', '.state')?.textContent.trim() === s,
      en.webrtcStates.in_progress,
    );
    await until(
      agent,
      'the agent in call again',
      () =>
        /** @type {any} */ (globalThis)
          .__q('amoiq-agent-app', 'amoiq-agent-conversation', 'amoiq-agent-call', '.call-state')
          ?.textContent.trim() === 'In call',
    );
    await audioFlowsBothWays([visitor, agent]);
    await click(agent, ...CALL, '.hang-up');
    await until(agent, 'the agent sees its call ended', () =>
      /, \d+:\d\d$/.test(
        /** @type {any} */ (globalThis)
          .__q('amoiq-agent-app', 'amoiq-agent-conversation', 'amoiq-agent-call', '.call-state')
          ?.textContent.trim() ?? '',
      ),
    );
    await until(visitor, 'the visitor sees the call ended', () =>
      /^Call ended, \d+:\d\d$/.test(
        /** @type {any} */ (globalThis).__q('amoiq-chat', 'amoiq-voice-panel', '.state')?.textContent.trim() ?? '',
      ),
    );
    await until(
      visitor,
      'the visitor peer connection closed',
      async () => (await /** @type {any} */ (globalThis).__audio()).state === 'closed',
    );
  }
}
