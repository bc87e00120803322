import { checkFrame, warnOnce } from './check.js';
import type { AgentFrame } from './types.js';

export type LiveStatus = 'connecting' | 'online' | 'offline';

export interface AgentLiveOptions {
  /** ws(s)://host/ws/agent, without the token. */
  url: string;
  token: string;
  onFrame: (frame: AgentFrame) => void;
  onStatus: (status: LiveStatus) => void;
  /** The token was refused (close 4001): the console must log in again. */
  onUnauthorized: () => void;
  WebSocketImpl?: typeof WebSocket;
}

const MIN_DELAY_MS = 500;
const MAX_DELAY_MS = 15_000;

/**
 * The agent's live connection (`/ws/agent`): reconnects after any close it did not ask for, with
 * capped exponential backoff plus jitter, and stops for good on 4001.
 */
export class AgentLive {
  private ws: WebSocket | null = null;
  private attempt = 0;
  private timer: ReturnType<typeof setTimeout> | undefined;
  private stopped = false;

  constructor(private readonly options: AgentLiveOptions) {}

  start() {
    this.stopped = false;
    this.connect();
  }

  stop() {
    this.stopped = true;
    clearTimeout(this.timer);
    this.ws?.close(1000, 'bye');
    this.ws = null;
  }

  /** Sends a frame if connected; returns false otherwise so the caller can fall back to HTTP. */
  send(frame: Record<string, unknown>): boolean {
    if (this.ws?.readyState !== WebSocket.OPEN) return false;
    this.ws.send(JSON.stringify(frame));
    return true;
  }

  private connect() {
    const Impl = this.options.WebSocketImpl ?? WebSocket;
    this.options.onStatus('connecting');
    const ws = new Impl(`${this.options.url}?token=${encodeURIComponent(this.options.token)}`);
    this.ws = ws;
    ws.addEventListener('message', (event) => {
      let frame: AgentFrame | null;
      try {
        frame = checkFrame(JSON.parse(String(event.data)));
      } catch {
        warnOnce('json', 'ignoring a frame that is not JSON');
        return;
      }
      if (!frame) return;
      if (frame.type === 'ready') {
        this.attempt = 0;
        this.options.onStatus('online');
      }
      this.options.onFrame(frame);
    });
    ws.addEventListener('close', (event) => {
      if (this.ws !== ws) return;
      this.ws = null;
      this.options.onStatus('offline');
      if (this.stopped) return;
      if (event.code === 4001) {
        this.options.onUnauthorized();
        return;
      }
      const delay = Math.min(MAX_DELAY_MS, MIN_DELAY_MS * 2 ** this.attempt++);
      this.timer = setTimeout(() => this.connect(), delay / 2 + Math.random() * (delay / 2));
    });
  }
}
