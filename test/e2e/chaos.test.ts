import { expect, fixture, html } from '@open-wc/testing';
import { executeServerCommand } from '@web/test-runner-commands';
import { nanoid } from 'nanoid';
import '../../src/define.js';
import type { AmoiqChat } from '../../src/components/chat/chat.js';
import type { ChatMessage } from '../../src/services/chat-service.js';
import { ChatStore } from '../../src/services/store.js';
import { until } from '../helpers/dom.js';
import { Agent, backendCommand, type BackendInfo } from './backend.js';

/** The transport the header names: a tooltip on its status dot (not in the visible or spoken text). */
const transportTitle = (el: HTMLElement) =>
  el.shadowRoot!.querySelector('amoiq-chat-header')!.shadowRoot!.querySelector('.dot')?.getAttribute('title') ?? '';

// The chaos suite: the real element in Chromium, a real backend process of its own (without the
// per-sender flood limit, so 250 messages can go out in half a minute), killed and restarted,
// cut off by a proxy, taken offline, shared between tabs. Nothing is mocked. Each scenario prints
// its figures (test-results/<name>.json) through the chaos plugin.

/** Paces the load and the kills (the scenario's shape, not a wait for a state: those use until()). */
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const command = <T = unknown>(name: string, payload?: unknown) => executeServerCommand<T, unknown>(name, payload);
const log = (line: string) => command('chaos-log', { line });

function percentile(values: number[], p: number): number {
  if (!values.length) return NaN;
  const sorted = [...values].sort((a, b) => a - b);
  return Math.round(sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]);
}

/** Lost, duplicated and out-of-order entries of `got` against `expected` (both lists of texts). */
function audit(expected: string[], got: string[]) {
  const counts = new Map<string, number>();
  for (const t of got) counts.set(t, (counts.get(t) ?? 0) + 1);
  const lost = expected.filter((t) => !counts.has(t)).length;
  const duplicated = [...counts.values()].reduce((n, c) => n + Math.max(0, c - 1), 0);
  const order = new Map(expected.map((t, i) => [t, i]));
  let reordered = 0;
  const seen = got.filter((t) => order.has(t)).map((t) => order.get(t)!);
  for (let i = 1; i < seen.length; i++) if (seen[i] < seen[i - 1]) reordered++;
  return { lost, duplicated, reordered };
}

/** Posts as the agent, retrying with the same clientId through outages (so at most once stored). */
async function agentSay(info: BackendInfo, token: () => Promise<string>, conversationId: string, text: string): Promise<void> {
  const clientId = nanoid();
  for (;;) {
    try {
      const res = await fetch(`${info.url}/api/agent/conversations/${conversationId}/messages`, {
        method: 'POST',
        headers: { Authorization: `Bearer ${await token()}`, 'Content-Type': 'application/json' },
        body: JSON.stringify({ text, clientId }),
      });
      if (res.status === 201 || res.status === 200) return;
    } catch {
      // backend down: try again
    }
    await sleep(100);
  }
}

async function agentToken(info: BackendInfo): Promise<string> {
  for (;;) {
    try {
      const res = await fetch(`${info.url}/api/agent/login`, {
        method: 'POST',
        headers: { 'Content-Type': 'application/json' },
        body: JSON.stringify(info.agent),
      });
      if (res.ok) return (await res.json()).token;
    } catch {
      // backend down
    }
    await sleep(100);
  }
}

/** Every message of a conversation, paging through the agent API. */
async function allMessages(info: BackendInfo, token: string, conversationId: string) {
  const out: Array<{ seq: number; text: string; sender: { type: string } }> = [];
  for (;;) {
    const res = await fetch(`${info.url}/api/agent/conversations/${conversationId}/messages?after=${out.at(-1)?.seq ?? 0}&limit=200`, {
      headers: { Authorization: `Bearer ${token}` },
    });
    const page = await res.json();
    out.push(...page.messages);
    if (!page.hasMore) return out;
  }
}

const own = (el: AmoiqChat) => el.messages.filter((m: ChatMessage) => m.sender.type === 'visitor');

async function widget(gateway: string, info: BackendInfo, dbName = `amoiq-chaos-${nanoid(8)}`): Promise<AmoiqChat> {
  const el = await fixture<AmoiqChat>(
    html`<amoiq-chat gateway-url=${gateway} api-key=${info.apiKey} tenant-id=${info.tenantId} db-name=${dbName} open></amoiq-chat>`,
  );
  await until(() => el.connectionState === 'online', 'online', 15_000);
  return el;
}

async function conversationOf(el: AmoiqChat, info: BackendInfo, agent: Agent): Promise<string> {
  const text = `hello ${nanoid(4)}`;
  el.send(text);
  await until(() => own(el).some((m) => m.text === text && m.status === 'delivered'), 'first message stored');
  const visitorId = (await new ChatStore(info.tenantId, el.dbName).getVisitorId())!;
  return (await agent.conversationOf(visitorId)).id;
}

describe('chaos suite', function () {
  this.timeout(300_000);
  let info: BackendInfo;
  let agent: Agent;

  before(async () => {
    info = await backendCommand('backend-chaos-info');
    agent = await Agent.login(info);
  });

  it('500 messages both ways through 10 backend kills: exactly once, in order, every visitor message stored', async () => {
    const el = await widget(info.url, info);
    const conversationId = await conversationOf(el, info, agent);
    const received: ChatMessage[] = [];
    el.addEventListener('amoiq-message', (e) => e.detail.direction === 'received' && received.push(e.detail.message));

    const N = 250;
    const visitorTexts = Array.from({ length: N }, (_, i) => `v-${String(i).padStart(3, '0')}`);
    const agentTexts = Array.from({ length: N }, (_, i) => `a-${String(i).padStart(3, '0')}`);
    let token = await agentToken(info);
    const tokenFn = async () => token;
    const recoveries: number[] = [];
    let kills = 0;
    let sending = true;

    const visitor = (async () => {
      for (const t of visitorTexts) {
        el.send(t);
        await sleep(90);
      }
    })();
    const agentSide = (async () => {
      for (const t of agentTexts) {
        await agentSay(info, tokenFn, conversationId, t);
        await sleep(90);
      }
    })();
    const killer = (async () => {
      for (let k = 0; k < 10; k++) {
        await sleep(1200 + Math.random() * 800);
        await command('backend-chaos-kill');
        kills++;
        void log(`kill ${kills}: visitor ${own(el).length}, received ${received.length}`);
        await sleep(200 + Math.random() * 600);
        await backendCommand('backend-chaos-start');
        const up = performance.now();
        const waiting = own(el)
          .filter((m) => m.status === 'pending')
          .map((m) => m.clientId);
        await until(
          () => el.connectionState === 'online' && own(el).every((m) => !waiting.includes(m.clientId) || m.status === 'delivered'),
          `recovery after kill ${k + 1}`,
          30_000,
        );
        recoveries.push(performance.now() - up);
        void log(`recovered in ${Math.round(recoveries.at(-1)!)} ms`);
        token = await agentToken(info);
      }
    })();
    await Promise.all([visitor, agentSide, killer]);
    sending = false;
    void log(`senders done: stored ${own(el).filter((m) => m.status === 'delivered').length}, received ${received.length}`);

    await until(() => own(el).filter((m) => m.status === 'delivered').length === N + 1, 'every visitor message stored', 60_000);
    await until(() => received.length >= N, 'every agent message received', 60_000);
    // A last agent message as a barrier: it arrives after anything sent before it (one ordered
    // stream), so any duplicate still on its way has arrived once the barrier has.
    await agentSay(info, tokenFn, conversationId, 'barrier');
    await until(() => received.some((m) => m.text === 'barrier'), 'the barrier message', 30_000);

    const stored = await allMessages(info, token, conversationId);
    const serverSide = audit(
      visitorTexts,
      stored.filter((m) => m.sender.type === 'visitor' && m.text.startsWith('v-')).map((m) => m.text),
    );
    const widgetSide = audit(
      agentTexts,
      [...received].sort((a, b) => a.seq! - b.seq!).map((m) => m.text),
    );
    const arrivalOrder = audit(
      agentTexts,
      received.map((m) => m.text),
    );
    const seqs = stored.map((m) => m.seq);
    const figures = {
      messages: 2 * N,
      kills,
      'lost (visitor→server)': serverSide.lost,
      'duplicated (visitor→server)': serverSide.duplicated,
      'reordered (visitor→server)': serverSide.reordered,
      'lost (agent→widget)': widgetSide.lost,
      'duplicated (agent→widget)': widgetSide.duplicated,
      'reordered (agent→widget)': widgetSide.reordered,
      'arrived out of order (then sorted by seq)': arrivalOrder.reordered,
      'recovery p50 ms': percentile(recoveries, 50),
      'recovery p95 ms': percentile(recoveries, 95),
      'recovery max ms': Math.round(Math.max(...recoveries)),
    };
    await command('chaos-report', { name: 'chaos-kills', figures });
    expect(sending).to.equal(false);
    expect(kills).to.equal(10);
    expect(serverSide).to.deep.equal({ lost: 0, duplicated: 0, reordered: 0 });
    expect(widgetSide).to.deep.equal({ lost: 0, duplicated: 0, reordered: 0 });
    expect(seqs).to.deep.equal(seqs.map((_, i) => i + 1)); // the conversation has no hole
    expect(own(el).every((m) => m.status === 'delivered')).to.equal(true);
  });

  it('WebSocket refused by a proxy: the chat goes on over HTTP within 3 s, and back to WebSocket when allowed', async () => {
    const { url: proxy } = await command<{ url: string }>('proxy-start', { target: info.url });
    const el = await widget(proxy, info);
    // Online may come first over HTTP when the WebSocket's connect takes longer than its 2.5 s
    // timeout (a loaded machine); the widget then probes back to WebSocket on its own.
    await until(() => transportTitle(el).includes('WebSocket'), 'on WebSocket before the cut', 20_000);
    const conversationId = await conversationOf(el, info, agent);

    const cut = performance.now();
    await command('proxy-refuse-ws', { refuse: true });
    await until(() => el.connectionState === 'online' && transportTitle(el).includes('HTTP'), 'HTTP fallback', 10_000);
    const fallbackMs = performance.now() - cut;

    const texts = Array.from({ length: 20 }, (_, i) => `http-${i}`);
    const received: string[] = [];
    el.addEventListener(
      'amoiq-message',
      (e) => e.detail.direction === 'received' && e.detail.message.sender.type === 'agent' && received.push(e.detail.message.text),
    );
    const token = await agentToken(info);
    for (const t of texts) el.send(t);
    for (const t of texts) await agentSay(info, async () => token, conversationId, `agent-${t}`);
    await until(() => texts.every((t) => own(el).some((m) => m.text === t && m.status === 'delivered')), 'visitor messages over HTTP');
    await until(() => received.length === texts.length, 'agent messages over HTTP long-poll');
    expect(received).to.deep.equal(texts.map((t) => `agent-${t}`));
    expect((await command<{ webSockets: number }>('proxy-stats')).webSockets).to.equal(0);

    const allowed = performance.now();
    await command('proxy-refuse-ws', { refuse: false });
    await until(() => transportTitle(el).includes('WebSocket'), 'back on WebSocket', 20_000);
    const backMs = performance.now() - allowed;
    await command('chaos-report', {
      name: 'chaos-ws-refused',
      figures: { 'fallback to HTTP ms': Math.round(fallbackMs), 'messages over HTTP': 40, 'back to WebSocket ms': Math.round(backMs) },
    });
    expect(fallbackMs).to.be.below(3000);
    el.remove();
  });

  it('offline and back: messages typed offline stay queued, then arrive in order', async () => {
    const el = await widget(info.url, info);
    const conversationId = await conversationOf(el, info, agent);
    const texts = Array.from({ length: 10 }, (_, i) => `offline-${i}`);
    const OFFLINE_MS = 5000;
    await command('network-offline', { afterMs: 200, forMs: OFFLINE_MS });
    const cut = performance.now() + 200;
    // While offline this page cannot reach the test runner: only local checks until it is back.
    await until(() => el.connectionState === 'offline', 'offline shown', 3000);
    const noticedMs = performance.now() - cut;
    for (const t of texts) el.send(t);
    const store = new ChatStore(info.tenantId, el.dbName);
    await until(async () => (await store.getOutbox(conversationId)).length === texts.length, 'queued in the outbox while offline');
    const whileOffline = own(el)
      .filter((m) => texts.includes(m.text))
      .map((m) => m.status);
    await until(
      () => texts.every((t) => own(el).some((m) => m.text === t && m.status === 'delivered')),
      'queued messages delivered',
      30_000,
    );
    const deliveredMs = performance.now() - (cut + OFFLINE_MS);
    const token = await agentToken(info);
    const stored = (await allMessages(info, token, conversationId)).map((m) => m.text).filter((t) => t.startsWith('offline-'));
    await command('chaos-report', {
      name: 'chaos-offline',
      figures: {
        queued: texts.length,
        'offline shown after ms': Math.round(noticedMs),
        'delivered after online ms': Math.round(deliveredMs),
        ...audit(texts, stored),
      },
    });
    expect(whileOffline).to.deep.equal(texts.map(() => 'pending'));
    expect(stored).to.deep.equal(texts);
    el.remove();
  });

  it('three tabs share one WebSocket; closing the leader mid-send loses and doubles nothing', async () => {
    const { url: proxy } = await command<{ url: string }>('proxy-start', { target: info.url });
    await command('proxy-refuse-ws', { refuse: false });
    const dbName = `amoiq-tabs-${nanoid(8)}`;
    const frames: HTMLIFrameElement[] = [];
    const chatIn = (f: HTMLIFrameElement) => f.contentDocument?.querySelector('amoiq-chat') as AmoiqChat | null;
    const openTab = async () => {
      const f = document.createElement('iframe');
      const q = new URLSearchParams({ 'gateway-url': proxy, 'api-key': info.apiKey, 'tenant-id': info.tenantId, 'db-name': dbName });
      f.src = `/test/e2e/host.html?${q}`;
      document.body.append(f);
      frames.push(f);
      await until(() => chatIn(f)?.connectionState === 'online', 'tab online', 15_000);
      return chatIn(f)!;
    };
    const sockets = async () => (await command<{ webSockets: number }>('proxy-stats')).webSockets;
    try {
      const before = await sockets();
      const leader = await openTab();
      const second = await openTab();
      const third = await openTab();
      // Each tab is online: a tab that opened a socket of its own has done so by now.
      expect((await sockets()) - before).to.equal(1);

      const conversationId = await conversationOf(leader, info, agent);
      await agent.reply(conversationId, 'to every tab');
      for (const tab of [leader, second, third])
        await until(() => tab.messages.some((m) => m.text === 'to every tab'), 'agent message in each tab');

      second.show();
      await until(() => !!third.open && !!leader.open, 'open state in every tab');

      // The leader sends and closes at once: its messages are in the IndexedDB outbox, maybe on the
      // wire, certainly not acknowledged.
      const fromLeader = ['L-1', 'L-2', 'L-3'];
      for (const t of fromLeader) leader.send(t);
      const store = new ChatStore(info.tenantId, dbName);
      await until(() => own(leader).filter((m) => fromLeader.includes(m.text)).length === 3, 'queued in the leader');
      // In the IndexedDB outbox (or already sent: then the leader closes with less in flight).
      await until(
        async () => {
          const outbox = await store.getOutbox(conversationId);
          return fromLeader.every((t) => outbox.some((e) => e.text === t));
        },
        'the leader’s messages in the outbox',
        2_000,
        1,
      ).catch(() => undefined);
      const closed = performance.now();
      frames[0].remove();
      const fromSecond = ['S-1', 'S-2'];
      for (const t of fromSecond) second.send(t);
      await until(
        () => [...fromLeader, ...fromSecond].every((t) => second.messages.some((m) => m.text === t && m.status === 'delivered')),
        'messages stored after takeover',
        15_000,
      );
      const takeoverMs = performance.now() - closed;
      await until(async () => (await sockets()) - before === 1, 'one WebSocket after the takeover', 5_000);

      const token = await agentToken(info);
      const stored = (await allMessages(info, token, conversationId)).map((m) => m.text);
      const result = audit(
        [...fromLeader, ...fromSecond],
        stored.filter((t) => /^[LS]-/.test(t)),
      );
      await until(() => third.messages.filter((m) => /^[LS]-/.test(m.text)).length === 5, 'third tab converged');
      await command('chaos-report', {
        name: 'chaos-tabs',
        figures: { tabs: 3, 'server WebSockets': 1, 'takeover to all stored ms': Math.round(takeoverMs), ...result },
      });
      expect(result.lost).to.equal(0);
      expect(result.duplicated).to.equal(0);
      expect(third.messages.map((m) => m.text)).to.deep.equal(second.messages.map((m) => m.text));
    } finally {
      for (const f of frames) f.remove();
    }
  });
});
