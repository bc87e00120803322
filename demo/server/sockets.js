// @ts-check
/**
 * The two WebSocket hubs: `/ws/chat` (one visitor connection per tab, subscribed to its
 * conversation) and `/ws/agent` (one per console, subscribed to the whole tenant).
 *
 * Upgrades are always accepted before authenticating, because a refused upgrade reaches the
 * browser as a bare 1006 and the client could not tell "get a new token" (4001) from "offline".
 */
import { WebSocketServer } from 'ws';
import { ApiError, MAX_BODY_BYTES, parseAttachmentIds, parseClientId, parseJsonObject, parseText } from './http-util.js';
import { isOriginAllowed } from './origins.js';
import { CLOSE_TOO_MANY } from './limits.js';
import { clientIp } from './rate-limit.js';
import { PROTOCOL_VERSION, authenticateAgent, originNotAllowed, publicAgent } from './routes.js';

/** Close codes of the protocol. */
export const CLOSE = { GOING_AWAY: 1001, UNAUTHORIZED: 4001, FORBIDDEN: 4003, PROTOCOL: 4400, TOO_MANY: CLOSE_TOO_MANY };
/** Malformed frames tolerated per connection before closing with 4400. */
const MAX_MALFORMED_FRAMES = 20;
/** Transport-level ping interval; a socket that misses one round is terminated. */
const HEARTBEAT_MS = 30_000;
/** Largest page used when replaying history into a socket. */
const REPLAY_PAGE = 200;
/** A socket whose unsent data passes this waits before the next replay page (back-pressure). */
const REPLAY_HIGH_WATER = 1024 * 1024;

/**
 * @typedef {import('./routes.js').Deps} Deps
 * @typedef {import('ws').WebSocket & { isAlive?: boolean }} Socket
 * @typedef {import('./db.js').Message} Message
 */

/**
 * Creates the WebSocket side of the server. Attach `handleUpgrade` to every http server's
 * `upgrade` event; call `close()` on shutdown.
 * @param {Deps} deps
 */
export function createSockets(deps) {
  const wss = new WebSocketServer({ noServer: true, maxPayload: MAX_BODY_BYTES });

  const heartbeat = setInterval(() => {
    for (const ws of /** @type {Set<Socket>} */ (wss.clients)) {
      if (ws.isAlive === false) {
        ws.terminate();
        continue;
      }
      ws.isAlive = false;
      ws.ping();
    }
  }, HEARTBEAT_MS);
  heartbeat.unref();

  return {
    /**
     * @param {import('node:http').IncomingMessage} req
     * @param {import('node:stream').Duplex} socket
     * @param {Buffer} head
     */
    handleUpgrade(req, socket, head) {
      const url = new URL(req.url ?? '/', 'http://localhost');
      const handler = url.pathname === '/ws/chat' ? visitorConnection : url.pathname === '/ws/agent' ? agentConnection : null;
      if (!handler || deps.shutdown.aborted) {
        socket.end(`HTTP/1.1 ${handler ? '503 Service Unavailable' : '404 Not Found'}\r\nConnection: close\r\n\r\n`);
        return;
      }
      void admitOrigin(req, url, deps).then((refusal) => {
        if (refusal) {
          const body = JSON.stringify({ error: { code: refusal.code, message: refusal.message } });
          socket.end(
            `HTTP/1.1 403 Forbidden\r\nContent-Type: application/json\r\nContent-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`,
          );
          return;
        }
        accept();
      });
      const accept = () => wss.handleUpgrade(req, socket, head, (ws) => {
        const live = /** @type {Socket} */ (ws);
        live.isAlive = true;
        live.on('pong', () => (live.isAlive = true));
        // An 'error' without a listener would crash the process (e.g. a frame over maxPayload).
        live.on('error', (error) => console.warn(`ws ${url.pathname}: ${error.message}`));
        handler(live, url, deps, req).catch((error) => {
          console.error('ws connection setup failed', error);
          live.close(1011, 'internal error');
        });
      });
    },
    /** Closes every socket with 1001 (server going away). */
    close() {
      clearInterval(heartbeat);
      for (const ws of wss.clients) ws.close(CLOSE.GOING_AWAY, 'server going away');
      wss.close();
    },
  };
}

/**
 * The origin check of a visitor upgrade (docs/protocol.md): a page whose origin the tenant does
 * not allow is refused with HTTP 403 `origin_not_allowed` before the upgrade. A token that does
 * not verify is left to the connection, which closes with 4001 so the client renews it.
 * @param {import('node:http').IncomingMessage} req
 * @param {URL} url
 * @param {Deps} deps
 * @returns {Promise<ApiError | null>}
 */
async function admitOrigin(req, url, deps) {
  if (url.pathname !== '/ws/chat' || req.headers.origin === undefined) return null;
  try {
    const visitor = await deps.tokens.verifyVisitor(url.searchParams.get('token'));
    const tenant = await deps.db.tenantById(visitor.tenantId);
    return tenant && !isOriginAllowed(tenant.allowedOrigins, req.headers.origin) ? originNotAllowed(req.headers.origin) : null;
  } catch {
    return null;
  }
}

/**
 * Resolves once the socket's unsent data is below {@link REPLAY_HIGH_WATER} (or it closed).
 * @param {Socket} ws
 */
async function drained(ws) {
  while (ws.readyState === ws.OPEN && ws.bufferedAmount > REPLAY_HIGH_WATER) await new Promise((resolve) => setTimeout(resolve, 20));
}

/**
 * @param {Socket} ws
 * @param {Record<string, unknown>} frame
 */
function send(ws, frame) {
  if (ws.readyState === ws.OPEN) ws.send(JSON.stringify(frame));
}

/**
 * @param {unknown} error
 * @returns {{ code: string, message: string }}
 */
function errorFields(error) {
  if (error instanceof ApiError) {
    const retryAfter = /** @type {{ retryAfter?: unknown }} */ (error).retryAfter;
    // A 429 says when to try again, as the HTTP Retry-After header does.
    return { code: error.code, message: error.message, ...(error.status === 429 ? { retryAfter: typeof retryAfter === 'number' ? retryAfter : 1 } : {}) };
  }
  console.error('ws frame failed', error);
  return { code: 'internal', message: 'Internal server error.' };
}

/**
 * What a `pong` echoes of a `ping`'s `ts`: a number or a short string; anything else (a deeply
 * nested object would make the answer itself fail) comes back as null.
 * @param {unknown} ts
 */
function pingStamp(ts) {
  return (typeof ts === 'number' && Number.isFinite(ts)) || (typeof ts === 'string' && ts.length <= 64) ? ts : null;
}

/**
 * Counts the connection against the per-address and per-token limits (limits.js); past them the
 * socket is closed with 4429 and the function returns false.
 * @param {Socket} ws
 * @param {Deps} deps
 * @param {string} ip
 * @param {string} subject
 */
function admitConnection(ws, deps, ip, subject) {
  try {
    ws.once('close', deps.guards.connections.acquire(ip, subject));
    return true;
  } catch (error) {
    ws.close(CLOSE.TOO_MANY, error instanceof ApiError ? error.code : 'rate_limited');
    return false;
  }
}

/**
 * Holds the frames that arrive while a connection authenticates; `release()` (after the real
 * handler is attached with {@link onFrames}) replays them in order, so none is lost.
 * @param {Socket} ws
 * @returns {() => void}
 */
function holdEarlyFrames(ws) {
  /** @type {Array<import('ws').RawData>} */
  const early = [];
  const hold = (/** @type {import('ws').RawData} */ data) => early.push(data);
  ws.on('message', hold);
  return () => {
    ws.off('message', hold);
    for (const data of early.splice(0)) ws.emit('message', data, false);
  };
}

/**
 * Runs each incoming frame through `handle` one after another (so a visitor's messages are stored
 * in the order sent), answering malformed frames with an `error` frame and closing with 4400 once
 * a connection has sent too many of them.
 * @param {Socket} ws
 * @param {(frame: Record<string, any>) => Promise<void>} handle
 */
function onFrames(ws, handle) {
  let malformed = 0;
  let queue = Promise.resolve();
  /** @param {string} message @param {unknown} [clientId] named in the error so the client can fail that send */
  const reject = (message, clientId) => {
    send(ws, { type: 'error', code: 'bad_request', message, ...(typeof clientId === 'string' ? { clientId } : {}) });
    if (++malformed >= MAX_MALFORMED_FRAMES) ws.close(CLOSE.PROTOCOL, 'too many malformed frames');
  };
  ws.on('message', (data, isBinary) => {
    if (isBinary) return reject('Frames must be JSON text.');
    let frame;
    try {
      // Refuses deep nesting before parsing, as for HTTP bodies (http-util.js).
      frame = parseJsonObject(data.toString(), 'Frame');
    } catch (error) {
      return reject(error instanceof ApiError ? error.message : 'Frame is not valid JSON.');
    }
    if (typeof frame.type !== 'string') return reject('Frame must be an object with a string `type`.');
    queue = queue.then(() =>
      handle(frame).catch((error) => {
        const fields = errorFields(error);
        if (fields.code === 'bad_request') reject(fields.message, frame.clientId);
        else send(ws, { type: 'error', ...fields, ...(typeof frame.clientId === 'string' ? { clientId: frame.clientId } : {}) });
      }),
    );
  });
}

/**
 * `/ws/chat?token=…&after=…`: a visitor tab.
 * @param {Socket} ws
 * @param {URL} url
 * @param {Deps} deps
 * @param {import('node:http').IncomingMessage} req
 */
async function visitorConnection(ws, url, deps, req) {
  const { tokens, chat, db } = deps;
  const ip = clientIp(req, deps.trustProxy);
  const release = holdEarlyFrames(ws);

  let visitor;
  let conversation;
  try {
    visitor = await tokens.verifyVisitor(url.searchParams.get('token'));
  } catch (error) {
    ws.close(CLOSE.UNAUTHORIZED, error instanceof ApiError ? error.code : 'invalid_token');
    return;
  }
  // A tenant removed from the tenants file: its session tokens stop working too.
  if ((await db.tenantById(visitor.tenantId))?.disabled !== false) {
    ws.close(CLOSE.UNAUTHORIZED, 'invalid_token');
    return;
  }
  try {
    conversation = await chat.visitorConversation(visitor, visitor.conversationId);
  } catch {
    ws.close(CLOSE.FORBIDDEN, 'forbidden');
    return;
  }
  if (ws.readyState !== ws.OPEN) return;
  if (!admitConnection(ws, deps, ip, `${visitor.tenantId}:visitor:${visitor.visitorId}`)) return;

  // Live messages are queued while a replay is running, then sent if the replay did not cover them.
  let replaying = 0;
  /** @type {Message[]} */
  let pending = [];
  const unsubscribe = chat.hub.subscribeConversation(conversation.id, (event) => {
    if (event.type === 'message' && event.origin !== ws) {
      if (replaying) pending.push(event.message);
      else send(ws, { type: 'message', message: event.message });
    } else if (event.type === 'typing' && event.sender.type !== 'visitor') {
      send(ws, { type: 'typing', conversationId: event.conversationId, sender: event.sender, typing: event.typing });
    } else if (event.type === 'status') {
      send(ws, { type: 'status', conversationId: event.conversationId, status: event.status });
    } else if (event.type === 'read') {
      send(ws, { type: 'read', conversationId: event.conversationId, reader: event.reader, seq: event.seq });
    } else if (event.type === 'revoked' && event.visitorId === visitor.visitorId) {
      // Relinked to another visitor id: this id's token no longer opens the conversation.
      ws.close(CLOSE.UNAUTHORIZED, 'revoked');
    } else if (event.type === 'raw' && ws.readyState === ws.OPEN) {
      ws.send(event.data); // test-only debug hook (POST /api/debug/frames)
    }
  });
  ws.on('close', unsubscribe);
  // Presence is sent after `ready` (below); changes before that are covered by it.
  let readySent = false;
  const unsubscribePresence = chat.hub.subscribePresence(visitor.tenantId, (agentsOnline) => {
    if (readySent) send(ws, { type: 'presence', agentsOnline });
  });
  ws.on('close', unsubscribePresence);

  /**
   * This socket has been sent every message with seq > sentFrom (live or replayed); null until
   * that is known. A `sync` asking for no more than that has nothing to replay.
   * @type {number | null}
   */
  let sentFrom = null;

  /**
   * Replays messages with seq > after, at most `replayMaxMessages` of them, page by page, waiting
   * for the socket to drain between pages.
   * @param {number} after
   */
  const replay = async (after) => {
    replaying++;
    let last = after;
    let sent = 0;
    let capped = false;
    try {
      const max = deps.guards.limits.replayMaxMessages;
      while (ws.readyState === ws.OPEN) {
        const page = await db.messages(conversation.id, { after: last, limit: Math.max(1, Math.min(REPLAY_PAGE, max - sent)) });
        const messages = page.messages.slice(0, Math.max(0, max - sent));
        for (const message of messages) send(ws, { type: 'message', message });
        sent += messages.length;
        last = messages.at(-1)?.seq ?? last;
        if (!page.hasMore && messages.length === page.messages.length) break;
        if (sent >= max) {
          capped = true;
          break;
        }
        await drained(ws);
      }
    } finally {
      if (--replaying === 0) {
        const queued = pending;
        pending = [];
        for (const message of queued) if (message.seq > last) send(ws, { type: 'message', message });
      }
    }
    // Complete: everything after `after` went out (later ones live). Capped: only up to `last`,
    // which joins what was known only if that reached down to `last`.
    if (!capped || (sentFrom !== null && sentFrom <= last)) sentFrom = Math.min(sentFrom ?? after, after);
  };

  // `sync` frames: one replay at a time per socket, none for what this socket was already sent.
  // Frames that arrive during a replay are merged into one follow-up from the lowest `after`
  // asked; so a flood of sync frames costs one replay, not one each (docs/protocol.md).
  let running = false;
  /** @type {number | null} */
  let wanted = null;
  /** @param {number} after */
  const requestReplay = (after) => {
    if (sentFrom !== null && after >= sentFrom) return;
    if (running) {
      wanted = Math.min(wanted ?? after, after);
      return;
    }
    running = true;
    replay(after)
      .catch((error) => console.error('ws replay failed', error))
      .finally(() => {
        running = false;
        const next = wanted;
        wanted = null;
        if (next !== null) requestReplay(next);
      });
  };

  const fresh = await db.conversation(conversation.id);
  send(ws, {
    type: 'ready',
    protocol: PROTOCOL_VERSION,
    conversationId: conversation.id,
    visitorId: visitor.visitorId,
    lastSeq: fresh?.lastSeq ?? conversation.lastSeq,
  });
  // Right after ready: presence, the status and any read marks, so a reconnecting client is current.
  readySent = true;
  send(ws, { type: 'presence', agentsOnline: chat.hub.agentsOnline(visitor.tenantId) });
  send(ws, { type: 'status', conversationId: conversation.id, status: fresh?.status ?? conversation.status });
  for (const reader of /** @type {const} */ (['agent', 'visitor'])) {
    const seq = fresh ? (reader === 'agent' ? fresh.agentReadSeq : fresh.visitorReadSeq) : 0;
    if (seq > 0) send(ws, { type: 'read', conversationId: conversation.id, reader, seq });
  }
  const afterParam = url.searchParams.get('after');
  if (afterParam !== null && /^\d+$/.test(afterParam)) await replay(Math.min(Number(afterParam), 2 ** 31 - 1));
  else {
    // Everything stored after `ready` reaches this socket live.
    sentFrom = fresh?.lastSeq ?? conversation.lastSeq;
    if (afterParam !== null) send(ws, { type: 'error', code: 'bad_request', message: '`after` must be a non-negative integer.' });
  }

  const current = /** @type {import('./db.js').Conversation} */ (conversation);
  onFrames(ws, async (frame) => {
    switch (frame.type) {
      case 'message': {
        // clientId first, so an error frame about the text can still name the message.
        const clientId = parseClientId(frame.clientId);
        const attachmentIds = parseAttachmentIds(frame.attachments);
        const text = parseText(frame.text, { allowEmpty: attachmentIds.length > 0 });
        deps.limits.sendsPerIp.hit(`${visitor.tenantId}:${ip}`);
        const { message } = await chat.postMessage({ conversation: current, clientId, sender: { type: 'visitor' }, text, origin: ws, attachmentIds });
        send(ws, { type: 'ack', clientId, message });
        break;
      }
      case 'read':
        await chat.markRead(current, 'visitor', frame.seq);
        break;
      case 'typing':
        if (typeof frame.typing !== 'boolean') throw new ApiError(400, 'bad_request', '`typing` must be a boolean.');
        chat.typing(current, { type: 'visitor' }, frame.typing, ws);
        break;
      case 'sync':
        if (!Number.isInteger(frame.after) || frame.after < 0) throw new ApiError(400, 'bad_request', '`after` must be a non-negative integer.');
        // Beyond Postgres' integer there is nothing to replay anyway.
        requestReplay(Math.min(frame.after, 2 ** 31 - 1));
        break;
      case 'ping':
        send(ws, { type: 'pong', ts: pingStamp(frame.ts) });
        break;
      default:
        // Unknown types are ignored by contract (forward compatibility).
        break;
    }
  });
  release();
}

/**
 * `/ws/agent?token=…`: an agent console, receiving everything that happens in its tenant.
 * @param {Socket} ws
 * @param {URL} url
 * @param {Deps} deps
 * @param {import('node:http').IncomingMessage} req
 */
async function agentConnection(ws, url, deps, req) {
  const { chat } = deps;
  const release = holdEarlyFrames(ws);
  let claims;
  let agent;
  try {
    ({ claims, agent } = await authenticateAgent(deps, url.searchParams.get('token')));
  } catch (error) {
    ws.close(CLOSE.UNAUTHORIZED, error instanceof ApiError ? error.code : 'invalid_token');
    return;
  }
  if (ws.readyState !== ws.OPEN) return;
  if (!admitConnection(ws, deps, clientIp(req, deps.trustProxy), `${agent.tenantId}:agent:${agent.id}`)) return;

  const unsubscribe = chat.hub.subscribeTenant(agent.tenantId, (event) => {
    // Logout, a password change or removal from the tenants file ended this agent's tokens.
    if (event.type === 'agent-revoked' && event.agentId === agent.id) ws.close(CLOSE.UNAUTHORIZED, 'invalid_token');
    else if (event.type === 'message') send(ws, { type: 'message', message: event.message });
    else if (event.type === 'conversation') send(ws, { type: 'conversation', conversation: chat.agentView(event.conversation) });
    else if (event.type === 'read') send(ws, { type: 'read', conversationId: event.conversationId, reader: event.reader, seq: event.seq });
    else if (event.type === 'typing' && event.origin !== ws && !(event.sender.type === 'agent' && event.sender.id === agent.id)) {
      send(ws, { type: 'typing', conversationId: event.conversationId, sender: event.sender, typing: event.typing });
    }
  });
  ws.on('close', unsubscribe);
  // Presence: this socket counts as an online agent of the tenant until it closes.
  ws.on('close', chat.hub.agentConnected(agent.tenantId));
  send(ws, { type: 'ready', agent: publicAgent(agent) });

  const sender = /** @type {const} */ ({ type: 'agent', id: agent.id, name: agent.name });
  onFrames(ws, async (frame) => {
    switch (frame.type) {
      case 'typing': {
        if (typeof frame.typing !== 'boolean' || typeof frame.conversationId !== 'string') {
          throw new ApiError(400, 'bad_request', '`conversationId` (string) and `typing` (boolean) are required.');
        }
        const conversation = await chat.agentConversation(claims, frame.conversationId);
        chat.typing(conversation, sender, frame.typing, ws);
        break;
      }
      case 'read': {
        if (typeof frame.conversationId !== 'string') throw new ApiError(400, 'bad_request', '`conversationId` (string) and `seq` are required.');
        const conversation = await chat.agentConversation(claims, frame.conversationId);
        await chat.markRead(conversation, 'agent', frame.seq);
        break;
      }
      case 'ping':
        send(ws, { type: 'pong', ts: pingStamp(frame.ts) });
        break;
      default:
        break;
    }
  });
  release();
}
