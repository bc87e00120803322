import type { Clock } from '../../src/services/clock.js';
import type { WebSocketLike } from '../../src/services/transport.js';
import type { WireMessage } from '../../src/protocol/v1.js';

/** A clock that only moves when the test says so. */
export class FakeClock implements Clock {
  time = 1_700_000_000_000;
  private nextId = 1;
  readonly timers = new Map<number, { at: number; fn: () => void; ms: number }>();
  /** Delays of every timer ever scheduled, in order. */
  readonly scheduled: number[] = [];

  now(): number {
    return this.time;
  }

  setTimeout(fn: () => void, ms: number): unknown {
    const id = this.nextId++;
    this.timers.set(id, { at: this.time + ms, fn, ms });
    this.scheduled.push(ms);
    return id;
  }

  clearTimeout(handle: unknown): void {
    this.timers.delete(handle as number);
  }

  /** Moves time forward, running due timers in order (and the promises they settle). */
  async advance(ms: number): Promise<void> {
    const end = this.time + ms;
    for (;;) {
      const due = [...this.timers.entries()].filter(([, t]) => t.at <= end).sort((a, b) => a[1].at - b[1].at)[0];
      if (!due) break;
      this.timers.delete(due[0]);
      this.time = due[1].at;
      due[1].fn();
      await flush();
    }
    this.time = end;
    await flush();
  }
}

/** Lets pending promise callbacks run. */
export async function flush(): Promise<void> {
  for (let i = 0; i < 10; i++) await Promise.resolve();
  await new Promise((r) => setTimeout(r, 0));
}

/** A WebSocket double: records what the client sends; the test plays the server. */
export class FakeWebSocket implements WebSocketLike {
  static instances: FakeWebSocket[] = [];
  /** When true, new sockets fail to connect (like an upgrade refused by a proxy). */
  static refuse = false;

  readyState = 0;
  onopen: ((ev: unknown) => void) | null = null;
  onmessage: ((ev: { data: unknown }) => void) | null = null;
  onclose: ((ev: { code: number; reason: string }) => void) | null = null;
  onerror: ((ev: unknown) => void) | null = null;
  readonly sent: Array<Record<string, unknown>> = [];
  closedWith?: number;

  constructor(readonly url: string) {
    FakeWebSocket.instances.push(this);
    if (FakeWebSocket.refuse) {
      queueMicrotask(() => this.serverClose(1006));
    }
  }

  static reset(): void {
    FakeWebSocket.instances = [];
    FakeWebSocket.refuse = false;
  }

  static get last(): FakeWebSocket {
    return FakeWebSocket.instances[FakeWebSocket.instances.length - 1];
  }

  send(data: string): void {
    if (this.readyState !== 1) throw new Error('not open');
    this.sent.push(JSON.parse(data));
  }

  close(code = 1000): void {
    if (this.readyState >= 2) return;
    this.closedWith = code;
    this.readyState = 3;
  }

  /** Server side: accept the connection and send `ready`. */
  accept(lastSeq = 0): void {
    this.readyState = 1;
    this.onopen?.({});
    this.frame({ type: 'ready', protocol: 1, conversationId: 'c1', visitorId: 'v1', lastSeq });
  }

  /** Server side: send one frame (an object is JSON-encoded, a string goes as is). */
  frame(data: unknown): void {
    this.onmessage?.({ data: typeof data === 'string' ? data : JSON.stringify(data) });
  }

  /** Server side: close the connection. */
  serverClose(code = 1006): void {
    this.readyState = 3;
    this.onclose?.({ code, reason: '' });
  }
}

/** A message as the server would store it. */
export function wireMessage(seq: number, over: Record<string, unknown> = {}): WireMessage {
  return {
    id: `m${seq}`,
    conversationId: 'c1',
    seq,
    sender: { type: 'agent', name: 'Ada' },
    text: `message ${seq}`,
    createdAt: new Date(1_700_000_000_000 + seq * 1000).toISOString(),
    ...over,
  } as WireMessage;
}

export const SESSION = {
  protocol: 1,
  tenantId: 't1',
  visitorId: 'v1',
  conversationId: 'c1',
  token: 'tok',
  expiresAt: new Date(Date.now() + 3600_000).toISOString(),
  wsUrl: 'ws://backend.test/ws/chat',
  lastSeq: 0,
  config: {},
  status: 'open' as const,
  agentReadSeq: 0,
};

type Handler = (req: {
  method: string;
  url: URL;
  body: any;
  headers: Headers;
}) => { status: number; body?: unknown } | Promise<{ status: number; body?: unknown }>;

/**
 * A fetch double for the HTTP side of the protocol: routes by "METHOD /path" to handlers and
 * records every request. A route that is not defined fails like a network error.
 */
export function fakeFetch(routes: Record<string, Handler>) {
  const calls: Array<{ method: string; url: URL; body: any; headers: Headers }> = [];
  let down = false;
  const fn = async (input: RequestInfo | URL, init: RequestInit = {}): Promise<Response> => {
    const url = new URL(String(input));
    const method = init.method ?? 'GET';
    const req = { method, url, body: init.body ? JSON.parse(String(init.body)) : undefined, headers: new Headers(init.headers) };
    calls.push(req);
    const handler = routes[`${method} ${url.pathname}`];
    if (down || !handler) throw new TypeError('Failed to fetch');
    const res = await handler(req);
    if (init.signal?.aborted) throw new DOMException('aborted', 'AbortError');
    return new Response(res.body === undefined ? null : JSON.stringify(res.body), {
      status: res.status,
      headers: { 'Content-Type': 'application/json' },
    });
  };
  return {
    fetch: fn as typeof fetch,
    calls,
    setDown(v: boolean) {
      down = v;
    },
  };
}
