import type { Conversation, Login, Message } from './types.js';

/** An error answer of the backend: HTTP status plus the protocol's `{ error: { code, message } }`. */
export class AgentApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

export interface Page {
  messages: Message[];
  hasMore: boolean;
  lastSeq: number;
}

/**
 * The agent HTTP endpoints of protocol v1. Plain TypeScript, no DOM: `fetch` is injectable so it
 * can be tested with a fake.
 */
export class AgentApi {
  constructor(
    /** Backend origin; '' for same-origin. */
    public baseUrl = '',
    private readonly fetchImpl: typeof fetch = (...args) => fetch(...args),
  ) {}

  /** Token for subsequent calls; set after login. */
  token: string | null = null;

  login(email: string, password: string): Promise<Login> {
    return this.request('POST', '/api/agent/login', { email, password });
  }

  async conversations(): Promise<Conversation[]> {
    const body = await this.request<{ conversations: Conversation[] }>('GET', '/api/agent/conversations');
    return body.conversations;
  }

  messages(conversationId: string, page: { after?: number; before?: number; limit?: number } = {}): Promise<Page> {
    const query = new URLSearchParams();
    for (const [key, value] of Object.entries(page)) if (value !== undefined) query.set(key, String(value));
    return this.request('GET', `/api/agent/conversations/${encodeURIComponent(conversationId)}/messages?${query}`);
  }

  async send(conversationId: string, text: string, clientId: string): Promise<Message> {
    const body = await this.request<{ message: Message }>(
      'POST',
      `/api/agent/conversations/${encodeURIComponent(conversationId)}/messages`,
      { text, clientId },
    );
    return body.message;
  }

  async typing(conversationId: string, typing: boolean): Promise<void> {
    await this.request('POST', `/api/agent/conversations/${encodeURIComponent(conversationId)}/typing`, { typing });
  }

  private async request<T>(method: string, path: string, body?: unknown): Promise<T> {
    const headers: Record<string, string> = {};
    if (this.token) headers.Authorization = `Bearer ${this.token}`;
    if (body !== undefined) headers['Content-Type'] = 'application/json';
    const res = await this.fetchImpl(this.baseUrl + path, {
      method,
      headers,
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    if (res.status === 204) return undefined as T;
    const json = await res.json().catch(() => null);
    if (!res.ok) {
      throw new AgentApiError(res.status, json?.error?.code ?? 'internal', json?.error?.message ?? res.statusText);
    }
    return json as T;
  }
}
