// @ts-check
/**
 * HTTP in and out: listening, JSON request bodies, JSON answers and the protocol's error answer
 * (also to requests the HTTP parser refuses), and CORS. What a body or a parameter must hold is
 * validation.js's job; this module only moves bytes.
 */
import { createServer as createHttpServer } from 'node:http';
import { ApiError, badRequest, retryAfterOf } from './errors.js';
import { MAX_BODY_BYTES, parseJsonObject } from './validation.js';
import { isSeedScriptPath } from './seed-paths.js';

// Kept here for the modules that took them from the HTTP helpers (voice/, the tests).
export { ApiError, badRequest, notFound } from './errors.js';
export { MAX_BODY_BYTES } from './validation.js';

/**
 * Writes a JSON response (or an empty one for 204).
 * @param {import('node:http').ServerResponse} res
 * @param {number} status
 * @param {unknown} [body]
 */
export function sendJson(res, status, body) {
  if (res.headersSent || res.destroyed) return;
  // A request whose body is being discarded (refuseRestOfBody) ends its connection after this.
  if (/** @type {any} */ (res.socket)?.amoiqLingering) res.setHeader('Connection', 'close');
  if (status === 204 || body === undefined) {
    res.writeHead(status).end();
    return;
  }
  const json = JSON.stringify(body);
  res.writeHead(status, { 'Content-Type': 'application/json; charset=utf-8', 'Cache-Control': 'no-store' });
  res.end(json);
}

/**
 * Answers with the protocol error body; anything that is not an ApiError becomes `500 internal`.
 * @param {import('node:http').ServerResponse} res
 * @param {unknown} error
 */
export function sendError(res, error) {
  const apiError = error instanceof ApiError ? error : new ApiError(500, 'internal', 'Internal server error.');
  if (apiError.status === 429 && !res.headersSent) res.setHeader('Retry-After', String(retryAfterOf(apiError)));
  sendJson(res, apiError.status, { error: { code: apiError.code, message: apiError.message } });
}

/**
 * Who may read an answer from another origin (docs/security.md, "CORS"):
 * - `visitor`: the visitor API (`/api/chat/…`) and file URLs (`/files/…`), used by the widget on
 *   the tenants' sites: the requesting origin is reflected, and every visitor request is checked
 *   against its tenant's allowed origins (`403 origin_not_allowed`) before anything happens;
 * - `public`: the drop-in script and its chunks (`/amoiq-chat.js`, `/chunks/…`), which pages on
 *   other origins load with `<script>` and `import()` (a CORS request): `*`, no credentials;
 * - `console`: the agent API and the rest of `/api/`: only the origins listed in
 *   `AGENT_CONSOLE_ORIGINS` (none by default; the console is served from this origin);
 * - null: everything else (the agent console, the demo page, unknown paths): no CORS headers.
 * @param {string} pathname
 * @returns {'visitor' | 'public' | 'console' | null}
 */
export function corsKind(pathname) {
  if (pathname.startsWith('/api/chat/') || pathname.startsWith('/files/')) return 'visitor';
  if (pathname === '/amoiq-chat.js' || pathname === '/amoiq-chat.js.map' || pathname.startsWith('/chunks/')) return 'public';
  // The seeds' script paths (seed-paths.js) and widget configurations (routes/embed.js): public, like the drop-in.
  if (isSeedScriptPath(pathname) || pathname.startsWith('/embed/config/')) return 'public';
  if (pathname.startsWith('/api/')) return 'console';
  return null;
}

/**
 * Adds the CORS headers {@link corsKind} allows for this path and origin. Returns true when the
 * request was a preflight (`OPTIONS`) and has been answered (204; without CORS headers where
 * cross-origin use is not meant, so the browser refuses the real request).
 * @param {import('node:http').IncomingMessage} req
 * @param {import('node:http').ServerResponse} res
 * @param {string} pathname
 * @param {readonly string[]} [consoleOrigins] exact origins that may use the agent API
 */
export function handleCors(req, res, pathname, consoleOrigins = []) {
  const origin = req.headers.origin;
  const kind = corsKind(pathname);
  let allowed = false;
  if (kind === 'public') {
    res.setHeader('Access-Control-Allow-Origin', '*');
    allowed = true;
  } else if (kind === 'visitor' || kind === 'console') {
    // The answer depends on Origin: caches must keep them apart.
    res.setHeader('Vary', 'Origin');
    if (origin && (kind === 'visitor' || consoleOrigins.includes(origin))) {
      res.setHeader('Access-Control-Allow-Origin', origin);
      res.setHeader('Access-Control-Expose-Headers', 'Retry-After');
      allowed = true;
    }
  }
  if (req.method !== 'OPTIONS') return false;
  res.writeHead(
    204,
    allowed
      ? {
          'Access-Control-Allow-Methods':
            kind === 'public' ? 'GET, HEAD' : kind === 'console' ? 'GET, POST, PUT, DELETE, OPTIONS' : 'GET, POST, OPTIONS',
          'Access-Control-Allow-Headers': 'Authorization, Content-Type, X-Amoiq-Session',
          'Access-Control-Max-Age': '600',
        }
      : {},
  );
  res.end();
  return true;
}

/** How long, and how many more body bytes, {@link refuseRestOfBody} reads after its answer. */
export const LINGER_MS = 5_000;
export const LINGER_MAX_BYTES = 64 * 1024 * 1024;

/**
 * Prepares the answer to a request whose body is refused part-way (413 while the client is still
 * sending): the rest of the body is read and thrown away, for at most {@link LINGER_MS} and
 * {@link LINGER_MAX_BYTES}, and the connection is closed with a FIN after the answer ("lingering
 * close", as nginx and Apache do). Closing at once would leave unread bytes in the server's
 * receive buffer, so the kernel would send a RST, and a RST makes the client's kernel discard the
 * answer it had already received: browsers then report a network error (status 0) instead of
 * the 413.
 * @param {import('node:http').IncomingMessage} req
 * @param {import('node:http').ServerResponse} [res]
 */
export function refuseRestOfBody(req, res) {
  // Without `res` (readBody has only the request) sendJson adds the header to the answer.
  if (res && !res.headersSent) res.setHeader('Connection', 'close');
  const socket = req.socket;
  if (/** @type {any} */ (socket).amoiqLingering) return;
  /** @type {any} */ (socket).amoiqLingering = true;
  let discarded = 0;
  const stop = () => {
    clearTimeout(timer);
    socket.destroy();
  };
  const timer = setTimeout(stop, LINGER_MS);
  timer.unref();
  socket.once('close', () => clearTimeout(timer));
  req.on('data', (/** @type {Buffer} */ chunk) => {
    discarded += chunk.length;
    if (discarded > LINGER_MAX_BYTES) stop();
  });
  req.on('error', () => undefined);
  req.resume();
  // node:http ends an answer marked `Connection: close` with socket.destroySoon(): FIN, then
  // destroy as soon as it is written, with the client's bytes still arriving. Here the FIN is
  // sent and the socket stays readable (the server is half-open) until the client has sent the
  // rest or closed its side, or the limits above are reached.
  socket.destroySoon = function lingeringClose() {
    if (this.writable) this.end();
    if (req.complete || this.readableEnded) stop();
    else req.once('end', stop);
  };
}

/**
 * Reads a request body of at most {@link MAX_BODY_BYTES} as text (a JSON body, a webhook's raw
 * body). A body over it (declared by `Content-Length`, or counted while it arrives) is refused at
 * once with `413 payload_too_large`, whatever its size: nothing more is kept, the rest is read and
 * discarded ({@link refuseRestOfBody}: bounded), and the connection is closed after the answer,
 * so the client reads the 413 instead of a reset connection.
 * @param {import('node:http').IncomingMessage} req
 * @param {string} [what] names the body in the 413's message
 * @returns {Promise<string>}
 * @throws {ApiError} 413 when over {@link MAX_BODY_BYTES}, 400 when the client broke off
 */
export async function readBody(req, what = 'Request body') {
  const tooLarge = () => {
    refuseRestOfBody(req);
    return new ApiError(413, 'payload_too_large', `${what} is larger than ${MAX_BODY_BYTES / 1024} KiB.`);
  };
  if (Number(req.headers['content-length']) > MAX_BODY_BYTES) throw tooLarge();
  /** @type {Buffer[]} */
  const chunks = [];
  // Listeners, not `for await`: leaving an async iterator early destroys the request, and with
  // it the socket (a reset the client sees instead of the 413).
  /** @type {'done' | 'too-large' | 'aborted'} */
  const outcome = await new Promise((resolve) => {
    let size = 0;
    const finish = (/** @type {'done' | 'too-large' | 'aborted'} */ result) => {
      req.off('data', onData);
      req.off('end', onEnd);
      req.off('error', onAborted);
      req.off('close', onAborted);
      resolve(result);
    };
    const onData = (/** @type {Buffer} */ chunk) => {
      size += chunk.length;
      if (size > MAX_BODY_BYTES) finish('too-large');
      else chunks.push(chunk);
    };
    const onEnd = () => finish('done');
    const onAborted = () => finish('aborted');
    req.on('data', onData);
    req.on('end', onEnd);
    req.on('error', onAborted);
    req.on('close', onAborted);
  });
  if (outcome === 'too-large') throw tooLarge();
  if (outcome === 'aborted') throw badRequest(`${what} was interrupted.`);
  return Buffer.concat(chunks).toString('utf8');
}

/**
 * Reads and parses a JSON object body ({@link readBody}: `413` over {@link MAX_BODY_BYTES}).
 * @param {import('node:http').IncomingMessage} req
 * @param {{ allowEmpty?: boolean }} [options] `allowEmpty`: an empty body reads as `{}`
 * @returns {Promise<Record<string, unknown>>}
 * @throws {ApiError} 413 when over {@link MAX_BODY_BYTES}, 400 when not a JSON object
 */
export async function readJson(req, { allowEmpty = false } = {}) {
  const raw = await readBody(req);
  if (allowEmpty && raw.trim() === '') return {};
  return parseJsonObject(raw, 'Body');
}

/**
 * Listens on `port` at `host`. For the loopback name `localhost` it binds 127.0.0.1 and, when the
 * machine has it, ::1 on the same port, so `http://localhost:PORT` works whichever address the
 * browser resolves first, without exposing the demo to the network.
 * @param {(server: import('node:http').Server) => void} setup
 * @param {number} port
 * @param {string} host
 */
export async function listen(setup, port, host) {
  const hosts = host === 'localhost' ? ['127.0.0.1', '::1'] : [host];
  /** @type {import('node:http').Server[]} */
  const servers = [];
  for (const [index, address] of hosts.entries()) {
    const server = createHttpServer();
    setup(server);
    const boundPort = index === 0 ? port : /** @type {import('node:net').AddressInfo} */ (servers[0].address()).port;
    try {
      await new Promise((resolveListen, rejectListen) => {
        server.once('error', rejectListen);
        server.listen(boundPort, address, () => {
          server.off('error', rejectListen);
          resolveListen(undefined);
        });
      });
      servers.push(server);
    } catch (error) {
      // The extra loopback (::1) is best effort; the first address must work.
      if (index === 0) throw error;
    }
  }
  return servers;
}

/**
 * Answers a request the HTTP parser refuses (the server's `clientError`) with the protocol's
 * error body when the socket can take one; a broken connection is the client's problem, not a
 * reason to crash.
 * @param {Error} error
 * @param {import('node:stream').Duplex} socket
 */
export function answerClientError(error, socket) {
  const code = /** @type {{ code?: string }} */ (error).code;
  if (!socket.writable || code === 'ECONNRESET') {
    socket.destroy();
    return;
  }
  const tooLarge = code === 'HPE_HEADER_OVERFLOW';
  const body = JSON.stringify({
    error: tooLarge
      ? { code: 'payload_too_large', message: 'Request headers are too large.' }
      : { code: 'bad_request', message: 'Malformed HTTP request.' },
  });
  socket.end(
    `HTTP/1.1 ${tooLarge ? '431 Request Header Fields Too Large' : '400 Bad Request'}\r\nContent-Type: application/json; charset=utf-8\r\n` +
      `Content-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`,
  );
}

/**
 * The URL of a request. The origin-form target as sent: `//host/path` is a path with an empty
 * segment here, not a host (as `new URL(target, base)` would read it).
 * @param {import('node:http').IncomingMessage} req
 * @throws {ApiError} 400 `bad_request` for a target the URL parser refuses
 */
export function requestUrl(req) {
  const target = req.url ?? '/';
  try {
    return target.startsWith('/') ? new URL(`http://localhost${target}`) : new URL(target, 'http://localhost');
  } catch {
    throw new ApiError(400, 'bad_request', 'Malformed request target.');
  }
}
