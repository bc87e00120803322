// @ts-check
/**
 * What both WebSocket hubs share: the close codes, sending a frame, the `error` frame of a failed
 * one, the connection limits, holding frames that arrive while a connection authenticates, and
 * running a connection's frames one after another.
 */
import { ApiError, retryAfterOf } from '../errors.js';
import { CLOSE_TOO_MANY } from '../limits.js';
import { parseJsonObject } from '../validation.js';

/** Close codes of the protocol. */
export const CLOSE = { GOING_AWAY: 1001, UNAUTHORIZED: 4001, FORBIDDEN: 4003, PROTOCOL: 4400, TOO_MANY: CLOSE_TOO_MANY };
/** Malformed frames tolerated per connection before closing with 4400. */
const MAX_MALFORMED_FRAMES = 20;
/** A socket whose unsent data passes this waits before the next replay page (back-pressure). */
const REPLAY_HIGH_WATER = 1024 * 1024;

/**
 * @typedef {import('../routes/index.js').Deps} Deps
 * @typedef {import('ws').WebSocket} Socket
 */

/**
 * Resolves once the socket's unsent data is below {@link REPLAY_HIGH_WATER} (or it closed).
 * @param {Socket} ws
 */
export async function drained(ws) {
  while (ws.readyState === ws.OPEN && ws.bufferedAmount > REPLAY_HIGH_WATER) await new Promise((resolve) => setTimeout(resolve, 20));
}

/**
 * @param {Socket} ws
 * @param {Record<string, unknown>} frame
 */
export function send(ws, frame) {
  if (ws.readyState === ws.OPEN) sendData(ws, JSON.stringify(frame));
}

/** @type {WeakMap<object, Map<string, string>>} a published event → its frames, serialized once */
const serialized = new WeakMap();

/**
 * Sends a frame made from a hub event that many sockets get alike (a message to the tenant's
 * agent consoles and the conversation's tabs): serialized once per event and `key`, not once per
 * socket.
 * @param {Socket} ws
 * @param {object} event the published event (the cache lives as long as it does)
 * @param {string} key which frame of the event
 * @param {() => Record<string, unknown>} frame builds it, the first time
 */
export function sendShared(ws, event, key, frame) {
  if (ws.readyState !== ws.OPEN) return;
  let frames = serialized.get(event);
  if (!frames) serialized.set(event, (frames = new Map()));
  let data = frames.get(key);
  if (data === undefined) frames.set(key, (data = JSON.stringify(frame())));
  sendData(ws, data);
}

/**
 * Sends a serialized frame. (Corking each socket for a turn, so that a group commit's frames leave
 * in one write, was tried and taken out: it held frames of the assistant handoff flow back, see
 * docs/scaling.md.)
 * @param {Socket} ws
 * @param {string} data
 */
function sendData(ws, data) {
  ws.send(data);
}

/**
 * @param {unknown} error
 * @returns {{ code: string, message: string }}
 */
export function errorFields(error) {
  if (error instanceof ApiError) {
    // A 429 says when to try again, as the HTTP Retry-After header does.
    return { code: error.code, message: error.message, ...(error.status === 429 ? { retryAfter: retryAfterOf(error) } : {}) };
  }
  console.error('ws frame failed', error);
  return { code: 'internal', message: 'Internal server error.' };
}

/**
 * What a `pong` echoes of a `ping`'s `ts`: a number or a short string; anything else (a deeply
 * nested object would make the answer itself fail) comes back as null.
 * @param {unknown} ts
 */
export function pingStamp(ts) {
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
export function admitConnection(ws, deps, ip, subject) {
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
export function holdEarlyFrames(ws) {
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
export function onFrames(ws, handle) {
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
      // Refuses deep nesting before parsing, as for HTTP bodies (validation.js).
      frame = parseJsonObject(data.toString(), 'Frame');
    } catch (error) {
      return reject(error instanceof ApiError ? error.message : 'Frame is not valid JSON.');
    }
    if (typeof frame.type !== 'string') return reject('Frame must be an object with a string `type`.');
    queue = queue.then(() =>
      handle(frame).catch((error) => {
        const fields = errorFields(error);
        if (fields.code === 'bad_request') reject(fields.message, frame.clientId);
        else
          send(ws, {
            type: 'error',
            ...fields,
            ...(typeof frame.clientId === 'string' ? { clientId: frame.clientId } : {}),
            // A refused rtc frame names its call (docs/protocol.md, Voice error codes).
            ...(frame.type === 'rtc' && typeof frame.callId === 'string' ? { callId: frame.callId } : {}),
          });
      }),
    );
  });
}
