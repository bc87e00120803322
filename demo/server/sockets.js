// @ts-check
/**
 * The two WebSocket hubs: `/ws/chat` (one visitor connection per tab, subscribed to its
 * conversation) and `/ws/agent` (one per console, subscribed to the whole tenant).
 *
 * Upgrades are always accepted before authenticating, because a refused upgrade reaches the
 * browser as a bare 1006 and the client could not tell "get a new token" (4001) from "offline".
 */
import { WebSocketServer } from 'ws';
import { ApiError, MAX_BODY_BYTES, parseAttachmentIds, parseClientId, parseText } from './http-util.js';
import { isOriginAllowed } from './origins.js';
import { clientIp } from './rate-limit.js';
import { PROTOCOL_VERSION, originNotAllowed, publicAgent } from './routes.js';

/** Close codes of the protocol. */
export const CLOSE = { GOING_AWAY: 1001, UNAUTHORIZED: 4001, FORBIDDEN: 4003, PROTOCOL: 4400 };
/** Malformed frames tolerated per connection before closing with 4400. */
const MAX_MALFORMED_FRAMES = 20;
/** Transport-level ping interval; a socket that misses one round is terminated. */
const HEARTBEAT_MS = 30_000;
/** Largest page used when replaying history into a socket. */
const REPLAY_PAGE = 200;

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
      frame = JSON.parse(data.toString());
    } catch {
      return reject('Frame is not valid JSON.');
    }
    if (!frame || typeof frame !== 'object' || Array.isArray(frame) || typeof frame.type !== 'string') {
      return reject('Frame must be an object with a string `type`.');
    }
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
  try {
    conversation = await chat.visitorConversation(visitor, visitor.conversationId);
  } catch {
    ws.close(CLOSE.FORBIDDEN, 'forbidden');
    return;
  }
  if (ws.readyState !== ws.OPEN) return;

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

  /** @param {number} after */
  const replay = async (after) => {
    replaying++;
    let last = after;
    try {
      for (;;) {
        const page = await db.messages(conversation.id, { after: last, limit: REPLAY_PAGE });
        for (const message of page.messages) send(ws, { type: 'message', message });
        last = page.messages.at(-1)?.seq ?? last;
        if (!page.hasMore) break;
      }
    } finally {
      if (--replaying === 0) {
        const queued = pending;
        pending = [];
        for (const message of queued) if (message.seq > last) send(ws, { type: 'message', message });
      }
    }
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
  if (afterParam !== null) {
    if (/^\d+$/.test(afterParam)) await replay(Number(afterParam));
    else send(ws, { type: 'error', code: 'bad_request', message: '`after` must be a non-negative integer.' });
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
        await replay(Math.min(frame.after, 2 ** 31 - 1));
        break;
      case 'ping':
        send(ws, { type: 'pong', ts: frame.ts });
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
 */
async function agentConnection(ws, url, deps) {
  const { tokens, chat, db } = deps;
  const release = holdEarlyFrames(ws);
  let claims;
  try {
    claims = await tokens.verifyAgent(url.searchParams.get('token'));
  } catch (error) {
    ws.close(CLOSE.UNAUTHORIZED, error instanceof ApiError ? error.code : 'invalid_token');
    return;
  }
  const agent = await db.agentById(claims.agentId);
  if (!agent || agent.tenantId !== claims.tenantId) {
    ws.close(CLOSE.UNAUTHORIZED, 'invalid_token');
    return;
  }
  if (ws.readyState !== ws.OPEN) return;

  const unsubscribe = chat.hub.subscribeTenant(agent.tenantId, (event) => {
    if (event.type === 'message') send(ws, { type: 'message', message: event.message });
    else if (event.type === 'conversation') send(ws, { type: 'conversation', conversation: event.conversation });
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
        send(ws, { type: 'pong', ts: frame.ts });
        break;
      default:
        break;
    }
  });
  release();
}
