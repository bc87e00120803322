import {
  ApiError,
  SESSION_HEADER,
  checkMessage,
  decodeMessagePage,
  decodeSession,
  errorFromAnswer,
  type Attachment,
  type Contact,
  type Decoded,
  type MessagePage,
  type SessionInfo,
  type WireMessage,
} from '../protocol/v1.js';
import type { VisitorIdentity } from './identity.js';
import type { UploadOptions } from './upload.js';
import { currentVisitorContext } from '../protocol/visitor-context.js';

// ApiError lives with the protocol's other errors; re-exported for code that imports it from here.
export { ApiError };

/** Which messages `GET /api/chat/messages` returns: after or before a sequence number, at most `limit` (≤ `MAX_PAGE_SIZE`); `wait` > 0 long-polls. */
export interface MessageQuery {
  conversationId: string;
  after?: number;
  before?: number;
  limit?: number;
  wait?: number;
  /** The assistant's streams the client holds, `<streamId>:<index>` (docs/protocol.md, Long poll). */
  stream?: string;
}

/** Where and as whom the client talks. */
export interface ApiOptions {
  /** Base URL of the gateway, e.g. `https://chat.example.com`. */
  gatewayUrl: string;
  /** Public API key; without one the keyless form `tenant:<tenantId>` is sent. */
  apiKey?: string;
  tenantId?: string;
  fetch?: typeof fetch;
  /** Used for uploads (fetch cannot report upload progress); injectable for tests. */
  XMLHttpRequest?: typeof XMLHttpRequest;
  /** The widget's language for the visitor context's `locale` (ChatServiceOptions.language). */
  language?: () => string | undefined;
}

/**
 * The visitor side of the HTTP protocol (docs/protocol.md): sessions, history, sending, typing.
 * Every failure becomes an {@link ApiError}; every answer is checked before it is returned.
 */
export class ChatApi {
  private readonly base: string;
  private readonly auth: string;
  private readonly tenantId?: string;
  private readonly fetchFn: typeof fetch;
  private readonly xhr?: typeof XMLHttpRequest;
  private readonly language?: () => string | undefined;

  constructor({ gatewayUrl, apiKey, tenantId, fetch: fetchFn, XMLHttpRequest: xhr, language }: ApiOptions) {
    this.xhr = xhr;
    this.language = language;
    this.base = gatewayUrl.replace(/\/+$/, '');
    this.auth = `Bearer ${apiKey || `tenant:${tenantId ?? ''}`}`;
    this.tenantId = tenantId;
    this.fetchFn = fetchFn ?? globalThis.fetch.bind(globalThis);
  }

  /**
   * Creates or resumes the visitor's session (`POST /api/chat/session`). With a user identity
   * (protocol v1 "Identity": a `userToken` the site's backend signed) the session is the user's.
   * `lifecycle.history` asks for the newest page with it (`SessionInfo.history` when the server
   * sends one).
   */
  async createSession(
    visitorId: string | undefined,
    identity?: VisitorIdentity,
    signal?: AbortSignal,
    lifecycle?: { newConversation?: boolean; history?: number },
    fingerprint?: string,
  ): Promise<SessionInfo> {
    const user = identity && {
      userToken: identity.userToken,
      userId: identity.userId,
      userName: identity.name,
      userEmail: identity.email,
    };
    const fresh = {
      ...(lifecycle?.newConversation ? { newConversation: true } : {}),
      ...(lifecycle?.history ? { history: lifecycle.history } : {}),
    };
    // The opt-in coarse fingerprint (docs/protocol.md) never travels with a user identity.
    const relink = fingerprint && !user ? { fingerprint } : {};
    const body = await this.request('POST', '/api/chat/session', {
      // Where the visitor is (page, time zone, language: docs/protocol.md, Visitor context), for the
      // agents; the language is the widget's, so the server's own texts match what it shows.
      body: {
        tenantId: this.tenantId,
        visitorId,
        ...user,
        ...fresh,
        ...relink,
        context: currentVisitorContext({ language: this.language?.() }),
      },
      signal,
    });
    return unwrap(decodeSession(body));
  }

  /** Reads messages (`GET /api/chat/messages`); `wait` > 0 makes it a long poll. */
  async listMessages(token: string, query: MessageQuery, signal?: AbortSignal): Promise<MessagePage> {
    const params = new URLSearchParams();
    for (const [k, v] of Object.entries(query)) if (v !== undefined) params.set(k, String(v));
    const body = await this.request('GET', `/api/chat/messages?${params}`, { token, signal });
    return unwrap(decodeMessagePage(body));
  }

  /** Stores a message (`POST /api/chat/messages`); a repeated clientId returns the stored one. */
  async postMessage(
    token: string,
    message: { conversationId: string; clientId: string; text: string; attachments?: string[] },
  ): Promise<WireMessage> {
    const body = (await this.request('POST', '/api/chat/messages', { token, body: message })) as { message?: unknown };
    const reason = checkMessage(body?.message);
    if (reason) throw new ApiError(200, 'bad_response', `Server answer: ${reason}`);
    return body.message as WireMessage;
  }

  /** Reports that the visitor has seen every message up to `seq` (`POST /api/chat/read`). */
  async postRead(token: string, conversationId: string, seq: number): Promise<void> {
    await this.request('POST', '/api/chat/read', { token, body: { conversationId, seq } });
  }

  /** Stores what the visitor typed in the pre-chat form or away e-mail field (`POST /api/chat/contact`). */
  async postContact(token: string, conversationId: string, details: Contact): Promise<void> {
    await this.request('POST', '/api/chat/contact', { token, body: { conversationId, ...details } });
  }

  /**
   * Uploads a file to the conversation (`POST /api/chat/uploads`, raw bytes) with progress and
   * abort; see {@link sendUpload} for how it settles.
   */
  async upload(token: string, conversationId: string, file: File, options: UploadOptions = {}): Promise<Attachment> {
    const query = new URLSearchParams({ conversationId, name: file.name || 'file' });
    // Only visitors who attach something need the upload code: it is a chunk of its own.
    const { sendUpload } = await import('./upload.js');
    return sendUpload({
      ...options,
      url: `${this.base}/api/chat/uploads?${query}`,
      headers: { Authorization: this.auth, [SESSION_HEADER]: token },
      file,
      XMLHttpRequest: this.xhr,
    });
  }

  /**
   * Asks the server to delete what it keeps to relink this session's visitor (the coarse
   * fingerprint; `POST /api/chat/forget`). Called by `reset()`.
   */
  async forget(token: string, signal?: AbortSignal): Promise<void> {
    await this.request('POST', '/api/chat/forget', { token, signal });
  }

  /** Reports typing over HTTP (`POST /api/chat/typing`). */
  async postTyping(token: string, conversationId: string, typing: boolean): Promise<void> {
    await this.request('POST', '/api/chat/typing', { token, body: { conversationId, typing } });
  }

  /**
   * A visitor POST whose answer the caller reads whatever its status (the voice requests): the
   * status, the parsed body (undefined when not JSON) and `Retry-After` in seconds. Rejects only
   * when there was no answer.
   */
  async postForAnswer(path: string, token: string, body: unknown): Promise<{ status: number; body: unknown; retryAfter?: number }> {
    const res = await this.fetchFn(`${this.base}${path}`, {
      method: 'POST',
      headers: { Authorization: this.auth, [SESSION_HEADER]: token, 'Content-Type': 'application/json' },
      body: JSON.stringify(body),
      credentials: 'omit',
    });
    const parsed: unknown = await res.json().catch(() => undefined);
    const retry = Number(res.headers.get('Retry-After'));
    return { status: res.status, body: parsed, ...(retry > 0 ? { retryAfter: retry } : {}) };
  }

  /** A visitor request of the assistant's endpoints (services/assistant.ts): the JSON answer, undefined for 204. */
  fetchJson(method: string, path: string, token: string, body?: unknown): Promise<unknown> {
    return this.request(method, path, { token, body });
  }

  /** A visitor request whose answer is not JSON (the transcript): the response, or an {@link ApiError}. */
  async fetchRaw(method: string, path: string, token: string): Promise<Response> {
    let res: Response;
    try {
      res = await this.fetchFn(`${this.base}${path}`, {
        method,
        headers: { Authorization: this.auth, [SESSION_HEADER]: token },
        credentials: 'omit',
      });
    } catch (err) {
      throw new ApiError(0, 'network', `Cannot reach ${this.base}: ${(err as Error).message}`);
    }
    if (!res.ok) throw errorFromAnswer(res.status, await res.json().catch(() => undefined), res.headers.get('Retry-After'));
    return res;
  }

  private async request(
    method: string,
    path: string,
    { token, body, signal }: { token?: string; body?: unknown; signal?: AbortSignal },
  ): Promise<unknown> {
    const headers: Record<string, string> = { Authorization: this.auth };
    if (token) headers[SESSION_HEADER] = token;
    if (body !== undefined) headers['Content-Type'] = 'application/json';
    let res: Response;
    try {
      res = await this.fetchFn(`${this.base}${path}`, {
        method,
        headers,
        body: body === undefined ? undefined : JSON.stringify(body),
        signal,
        credentials: 'omit',
      });
    } catch (err) {
      if (signal?.aborted) throw err;
      throw new ApiError(0, 'network', `Cannot reach ${this.base}: ${(err as Error).message}`);
    }
    if (res.status === 204) return undefined;
    const json: unknown = await res.json().catch(() => undefined);
    if (!res.ok) throw errorFromAnswer(res.status, json, res.headers.get('Retry-After'));
    if (json === undefined) throw new ApiError(res.status, 'bad_response', `${method} ${path} answered no JSON`);
    return json;
  }
}

function unwrap<T>(decoded: Decoded<T>): T {
  if (!decoded.ok) throw new ApiError(200, 'bad_response', `Server answer: ${decoded.reason}`);
  return decoded.value;
}
