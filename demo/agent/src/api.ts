import { checkConversation, checkMessage } from './check.js';
import { checkVisitorContext } from '../../../src/protocol/visitor-context.js';
import type { Attachment, Conversation, ConversationPage, InboxFilter, Login, Message, VisitorInfo } from './types.js';

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
  status?: string;
  agentReadSeq?: number;
  visitorReadSeq?: number;
}

/** What a reply carries besides its text. */
export interface ReplyExtras {
  /** Suggested answers shown to the visitor as buttons (at most 10, each 1–200 characters). */
  quickReplies?: string[];
  /** Ids of files this conversation uploaded (at most 5). */
  attachments?: string[];
}

/** An upload in flight: its outcome and the way to cancel it. */
export interface UploadHandle {
  /** Resolves with the stored file; rejects with an {@link AgentApiError} (`aborted` when cancelled). */
  readonly done: Promise<Attachment>;
  /** Cancels the upload; `done` then rejects with code `aborted`. */
  abort(): void;
}

/** Upload progress: bytes sent so far and the total. */
export type UploadProgress = (loaded: number, total: number) => void;

/**
 * The agent HTTP endpoints of protocol v1. Plain TypeScript, no DOM: `fetch` is injectable so it
 * can be tested with a fake.
 */
export class AgentApi {
  constructor(
    /** Backend origin; '' for same-origin. */
    public baseUrl = '',
    private readonly fetchImpl: typeof fetch = (...args) => fetch(...args),
    /** XMLHttpRequest (not fetch) for uploads: it reports upload progress. */
    private readonly XhrImpl: typeof XMLHttpRequest = XMLHttpRequest,
  ) {}

  /** Token for subsequent calls; set after login. */
  token: string | null = null;

  /** `POST /api/agent/login`: the token and the agent; `401 unauthorized` for wrong credentials. */
  login(email: string, password: string): Promise<Login> {
    return this.request('POST', '/api/agent/login', { email, password });
  }

  /**
   * `POST /api/agent/logout`: ends every session of the agent on the server (all its tokens, on
   * every device). The token is forgotten here at once, so a login meanwhile is not undone.
   */
  async logout(): Promise<void> {
    const token = this.token;
    this.token = null;
    if (!token) return;
    const res = await this.fetchImpl(`${this.baseUrl}/api/agent/logout`, { method: 'POST', headers: { Authorization: `Bearer ${token}` } });
    if (!res.ok) {
      const json = await res.json().catch(() => null);
      throw new AgentApiError(res.status, json?.error?.code ?? 'internal', json?.error?.message ?? res.statusText);
    }
  }

  /**
   * One page of the inbox: the tenant's conversations someone wrote in, newest activity first,
   * filtered (`open`, `waiting` for a reply, `mine`, `closed`, default `all`); pass the page's
   * `nextCursor` for the next one.
   */
  async conversations(query: { filter?: InboxFilter; cursor?: string | null; limit?: number } = {}): Promise<ConversationPage> {
    const params = new URLSearchParams();
    if (query.filter) params.set('filter', query.filter);
    if (query.cursor) params.set('cursor', query.cursor);
    if (query.limit) params.set('limit', String(query.limit));
    const body = await this.request<{ conversations: unknown[]; nextCursor?: unknown }>(
      'GET',
      `/api/agent/conversations${params.toString() ? `?${params}` : ''}`,
    );
    return {
      conversations: (Array.isArray(body?.conversations) ? body.conversations : []).flatMap((c) => checkConversation(c) ?? []),
      nextCursor: typeof body?.nextCursor === 'string' ? body.nextCursor : null,
    };
  }

  /**
   * One page of the search across the tenant's conversations (`q`: 2–200 characters, matched in
   * visitor names, e-mail addresses and message text); pass the page's `nextCursor` for the next.
   * Each conversation carries `match`, the newest matching message text.
   */
  async search(q: string, query: { cursor?: string | null; limit?: number } = {}): Promise<ConversationPage> {
    const params = new URLSearchParams({ q });
    if (query.cursor) params.set('cursor', query.cursor);
    if (query.limit) params.set('limit', String(query.limit));
    const body = await this.request<{ conversations: unknown[]; nextCursor?: unknown }>('GET', `/api/agent/search?${params}`);
    return {
      conversations: (Array.isArray(body?.conversations) ? body.conversations : []).flatMap((raw) => {
        const c = checkConversation(raw);
        if (!c) return [];
        const match = (raw as { match?: unknown }).match;
        return [{ ...c, match: typeof match === 'string' ? match : null }];
      }),
      nextCursor: typeof body?.nextCursor === 'string' ? body.nextCursor : null,
    };
  }

  /** Where the visitor of a conversation is (context) and their previous conversations, newest first. */
  async visitor(conversationId: string, limit = 10): Promise<VisitorInfo> {
    const body = await this.request<{ context?: unknown; previous?: unknown[]; hasMore?: unknown }>(
      'GET',
      `${conversationPath(conversationId)}/visitor?limit=${limit}`,
    );
    // Checked as the server checks what the widget sends (a page address that is not http(s) never becomes a link).
    const { at, ...fields } = (typeof body?.context === 'object' && body.context ? body.context : {}) as Record<string, unknown>;
    const checked = body?.context ? checkVisitorContext(fields) : null;
    return {
      context: checked?.ok ? { ...checked.context, ...(typeof at === 'string' ? { at } : {}) } : null,
      previous: (Array.isArray(body?.previous) ? body.previous : []).flatMap((raw) => {
        const c = checkConversation(raw);
        const preview = (raw as { preview?: unknown }).preview;
        return c ? [{ ...c, preview: typeof preview === 'string' ? preview : null }] : [];
      }),
      hasMore: body?.hasMore === true,
    };
  }

  /** A page of a conversation's messages (`after` / `before` / `limit`, as in the protocol). */
  async messages(conversationId: string, page: { after?: number; before?: number; limit?: number } = {}): Promise<Page> {
    const query = new URLSearchParams();
    for (const [key, value] of Object.entries(page)) if (value !== undefined) query.set(key, String(value));
    const body = await this.request<Page>('GET', `${conversationPath(conversationId)}/messages?${query}`);
    return { ...body, messages: (Array.isArray(body?.messages) ? body.messages : []).flatMap((m) => checkMessage(m) ?? []) };
  }

  /**
   * Sends a reply (idempotent by `clientId`: resending after a lost answer stores it once), with
   * optional quick replies and attachment ids.
   */
  async send(conversationId: string, text: string, clientId: string, extras: ReplyExtras = {}): Promise<Message> {
    const payload: Record<string, unknown> = { text, clientId };
    // Only when used, so a reply without them is exactly the original request.
    if (extras.quickReplies?.length) payload.quickReplies = extras.quickReplies;
    if (extras.attachments?.length) payload.attachments = extras.attachments;
    const body = await this.request<{ message: unknown }>('POST', `${conversationPath(conversationId)}/messages`, payload);
    return this.checked(checkMessage(body?.message));
  }

  /** Closes the conversation (stores a `closed` system message); answers the updated conversation. */
  async close(conversationId: string): Promise<Conversation> {
    const body = await this.request<{ conversation: unknown }>('POST', `${conversationPath(conversationId)}/close`);
    return this.checked(checkConversation(body?.conversation));
  }

  /** Reopens it; `409 conflict` when the visitor already has another open conversation. */
  async reopen(conversationId: string): Promise<Conversation> {
    const body = await this.request<{ conversation: unknown }>('POST', `${conversationPath(conversationId)}/reopen`);
    return this.checked(checkConversation(body?.conversation));
  }

  /** Reports that the agent has seen every message up to `seq`. */
  async read(conversationId: string, seq: number): Promise<void> {
    await this.request('POST', `${conversationPath(conversationId)}/read`, { seq });
  }

  /**
   * Uploads a file to the conversation (raw body, the file's type as `Content-Type`), reporting
   * progress; reference the answer's id in a reply's `attachments`.
   */
  upload(conversationId: string, file: File, onProgress?: UploadProgress): UploadHandle {
    const xhr = new this.XhrImpl();
    const done = new Promise<Attachment>((resolve, reject) => {
      xhr.open('POST', `${this.baseUrl}${conversationPath(conversationId)}/uploads?name=${encodeURIComponent(file.name)}`);
      if (this.token) xhr.setRequestHeader('Authorization', `Bearer ${this.token}`);
      xhr.setRequestHeader('Content-Type', file.type || 'application/octet-stream');
      xhr.upload.addEventListener('progress', (event) => onProgress?.(event.loaded, event.lengthComputable ? event.total : file.size));
      xhr.addEventListener('load', () => {
        let json: { attachment?: Attachment; error?: { code?: string; message?: string } } | null = null;
        try {
          json = JSON.parse(xhr.responseText);
        } catch {
          // not JSON: reported below with the status text
        }
        if (xhr.status === 201 && json?.attachment) resolve(json.attachment);
        else
          reject(
            new AgentApiError(xhr.status, json?.error?.code ?? 'internal', json?.error?.message ?? (xhr.statusText || 'Upload failed.')),
          );
      });
      xhr.addEventListener('error', () => reject(new AgentApiError(0, 'network', 'The server cannot be reached.')));
      xhr.addEventListener('abort', () => reject(new AgentApiError(0, 'aborted', 'Upload cancelled.')));
      xhr.send(file);
    });
    return { done, abort: () => xhr.abort() };
  }

  /** The agent started or stopped typing (HTTP fallback of the `typing` frame). */
  async typing(conversationId: string, typing: boolean): Promise<void> {
    await this.request('POST', `${conversationPath(conversationId)}/typing`, { typing });
  }

  /** A success answer without the promised object is an error, not a crash later. */
  private checked<T>(value: T | null): T {
    if (value === null) throw new AgentApiError(200, 'bad_response', 'The server answered with a malformed object.');
    return value;
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

/**
 * The agent WebSocket's address (`/ws/agent`, without the token) for API base `baseUrl`. An empty
 * base is the console's own origin (the console served by the backend at /agent/, the normal
 * setup), as it is for every HTTP call of {@link AgentApi}: never a reason to stay offline.
 */
export function agentSocketUrl(baseUrl: string, pageOrigin: string = globalThis.location?.origin ?? ''): string {
  return `${(baseUrl || pageOrigin).replace(/^http/, 'ws')}/ws/agent`;
}

function conversationPath(conversationId: string) {
  return `/api/agent/conversations/${encodeURIComponent(conversationId)}`;
}
