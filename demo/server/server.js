// @ts-check
/**
 * Assembles the reference backend: database, tenants, tokens, HTTP routes, WebSocket hubs and
 * static files, listening on one port. `main.js` is the CLI around {@link createServer}.
 */
import { createHmac, randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer as createHttpServer } from 'node:http';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { TokenService, hashPassword, verifyPassword } from './auth.js';
import { ChatService } from './chat.js';
import { openDatabase } from './db.js';
import { ApiError, handleCors, notFound, sendError } from './http-util.js';
import { Hub } from './hub.js';
import { createGuards } from './limits.js';
import { RateLimiter } from './rate-limit.js';
import { apiRoutes } from './routes.js';
import { createSockets } from './sockets.js';
import { serveStatic } from './static.js';

/** Default rate limits, per minute: generous for people, tight enough to stop a flood. */
export const DEFAULT_RATE_LIMITS = { sessionsPerIp: 300, sessionsPerVisitor: 30, sendsPerIp: 600, sendsPerSender: 120, uploads: 60 };

/** Absolute path of the repository (two levels above this file). */
export const REPO_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');

/**
 * @typedef {{ id: string, email: string, password: string, name: string }} TenantAgentConfig
 * @typedef {{
 *   id: string, name: string, apiKey: string, allowedOrigins: string[], keylessEmbed?: boolean, identitySecret?: string,
 *   widget?: import('./db.js').WidgetSettings,
 *   agents?: TenantAgentConfig[],
 * }} TenantConfig
 * @typedef {{
 *   port?: number,
 *   host?: string,
 *   dataDir: string,
 *   jwtSecret?: string,
 *   sessionTtlSeconds?: number,
 *   agentTtlSeconds?: number,
 *   tenants: TenantConfig[],
 *   repoRoot?: string,
 *   trustProxy?: boolean,
 *   publicUrl?: string,
 *   debugHooks?: boolean,
 *   rateLimits?: Partial<RateLimits>,
 *   limits?: Partial<import('./limits.js').Limits>,
 *   widgetDir?: string,
 * }} ServerOptions
 *   `limits`: connection, replay, typing, relink and upload-storage limits (limits.js, DEFAULT_LIMITS).
 *   `widgetDir`: where the built drop-in script is served from (default `dist/`).
 *   `trustProxy`: take the client IP from `X-Forwarded-For` and the scheme from `X-Forwarded-Proto`
 *   (only behind a proxy that sets them).
 *   `publicUrl`: the origin clients reach this server at (file URLs are built on it); without it,
 *   the request's `Host` is used only when it is this server on a loopback name.
 *   `debugHooks`: enable `POST /api/debug/frames` (tests only).
 * @typedef {{ sessionsPerIp: number, sessionsPerVisitor: number, sendsPerIp: number, sendsPerSender: number, uploads: number }} RateLimits
 *   per minute; `uploads` counts per client IP (visitors) or per agent
 */

/**
 * Reads a tenants file (`{ "tenants": [TenantConfig] }`).
 * @param {string} file
 * @returns {TenantConfig[]}
 */
export function loadTenants(file) {
  const parsed = JSON.parse(readFileSync(file, 'utf8'));
  if (!Array.isArray(parsed?.tenants)) throw new Error(`${file}: expected { "tenants": [...] }`);
  return parsed.tenants;
}

/**
 * The JWT secret kept in the data directory, created on first start, so tokens survive restarts.
 * @param {string} dataDir
 */
function persistentSecret(dataDir) {
  const file = join(dataDir, 'jwt-secret');
  if (existsSync(file)) return readFileSync(file, 'utf8').trim();
  const secret = randomBytes(32).toString('base64url');
  writeFileSync(file, `${secret}\n`, { mode: 0o600 });
  return secret;
}

/**
 * Writes the tenants into the database. Plaintext demo passwords become scrypt hashes.
 *
 * scrypt costs ~250 ms per agent here, so only agents that are new get hashed before the server
 * is ready (i.e. on the first start). For existing agents the returned function checks, after the
 * server is listening, that the stored hash still matches the file and rehashes if the password
 * was changed there; until then the previous password keeps working.
 * @param {import('./db.js').Database} db
 * @param {TenantConfig[]} tenants
 * @returns {Promise<() => Promise<void>>} the deferred password check
 */
async function seedTenants(db, tenants) {
  /** @type {Array<() => Promise<void>>} */
  const deferred = [];
  for (const tenant of tenants) {
    await db.upsertTenant(
      {
        id: tenant.id,
        name: tenant.name,
        apiKey: tenant.apiKey,
        allowedOrigins: tenant.allowedOrigins ?? [],
        keylessEmbed: tenant.keylessEmbed === true,
        identitySecret: tenant.identitySecret ?? null,
      },
      tenant.widget ?? {},
    );
    await Promise.all(
      (tenant.agents ?? []).map(async (agent) => {
        const row = { id: agent.id, tenantId: tenant.id, email: agent.email, name: agent.name };
        const existing = await db.agentById(agent.id);
        await db.upsertAgent({ ...row, passwordHash: existing ? null : await hashPassword(agent.password) });
        if (existing) {
          deferred.push(async () => {
            if (await verifyPassword(agent.password, existing.passwordHash)) return;
            await db.upsertAgent({ ...row, passwordHash: await hashPassword(agent.password) });
          });
        }
      }),
    );
  }
  return async () => {
    for (const check of deferred) await check();
  };
}

/**
 * Listens on `port` at `host`. For the loopback name `localhost` it binds 127.0.0.1 and, when the
 * machine has it, ::1 on the same port, so `http://localhost:PORT` works whichever address the
 * browser resolves first, without exposing the demo to the network.
 * @param {(server: import('node:http').Server) => void} setup
 * @param {number} port
 * @param {string} host
 */
async function listen(setup, port, host) {
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
 * Starts the reference backend.
 * @param {ServerOptions} options
 * @returns {Promise<{ url: string, port: number, close: () => Promise<void> }>}
 * @example
 * const server = await createServer({ port: 0, dataDir: '/tmp/amoiq', tenants: loadTenants('demo/server/tenants.json') });
 * console.log(server.url); // http://127.0.0.1:40123
 * await server.close();
 */
export async function createServer(options) {
  const repoRoot = options.repoRoot ?? REPO_ROOT;
  mkdirSync(options.dataDir, { recursive: true });
  const db = await openDatabase(join(options.dataDir, 'pg'));
  /** @type {() => Promise<void>} */
  let checkPasswords;
  try {
    checkPasswords = await seedTenants(db, options.tenants);
  } catch (error) {
    await db.close();
    throw error;
  }

  const shutdownController = new AbortController();
  const secret = options.jwtSecret ?? persistentSecret(options.dataDir);
  const tokens = new TokenService({
    secret,
    sessionTtlSeconds: options.sessionTtlSeconds ?? 900,
    agentTtlSeconds: options.agentTtlSeconds ?? 8 * 3600,
  });
  const rates = { ...DEFAULT_RATE_LIMITS, ...options.rateLimits };
  const filesDir = join(options.dataDir, 'files');
  const chat = new ChatService(db, new Hub(), rates.sendsPerSender, {
    // Agents see an HMAC of the visitor id (docs/security.md, "Visitor reference"), keyed apart.
    refKey: createHmac('sha256', secret).update('amoiq-visitor-ref').digest('base64url'),
    typingIntervalMs: options.limits?.typingIntervalMs,
  });
  const guards = createGuards({ db, chat, filesDir, limits: options.limits });
  guards.uploads.start();
  const limits = {
    sessionsPerIp: new RateLimiter({ limit: rates.sessionsPerIp, what: 'new sessions from this address' }),
    sessionsPerVisitor: new RateLimiter({ limit: rates.sessionsPerVisitor, what: 'new sessions for this visitor' }),
    sendsPerIp: new RateLimiter({ limit: rates.sendsPerIp, what: 'messages from this address' }),
    uploads: new RateLimiter({ limit: rates.uploads, what: 'uploads' }),
  };
  /** @type {import('./routes.js').Deps} */
  const deps = {
    db,
    tokens,
    chat,
    shutdown: shutdownController.signal,
    limits,
    trustProxy: options.trustProxy === true,
    publicUrl: options.publicUrl ? new URL(options.publicUrl).origin : undefined,
    debugHooks: options.debugHooks === true,
    filesDir,
    guards,
    // A key of its own (derived from the server secret) for the IP hashes kept with fingerprints.
    ipHashKey: createHmac('sha256', secret).update('amoiq-ip-hash').digest('base64url'),
  };
  const sockets = createSockets(deps);
  /** Requests being handled; shutdown waits for them before closing the database. */
  const inflight = new Set();

  /** @type {import('node:http').RequestListener} */
  const onRequest = (req, res) => {
    const work = handleRequest(req, res).catch((error) => {
      if (!(error instanceof ApiError)) console.error(`${req.method} ${req.url} failed`, error);
      sendError(res, error);
    });
    inflight.add(work);
    work.finally(() => inflight.delete(work));
  };

  /**
   * @param {import('node:http').IncomingMessage} req
   * @param {import('node:http').ServerResponse} res
   */
  async function handleRequest(req, res) {
    const url = new URL(req.url ?? '/', 'http://localhost');
    if (handleCors(req, res)) return;
    const route = apiRoutes.find((r) => r.pattern.test(url.pathname) && (!r.debug || deps.debugHooks));
    if (route) {
      const handler = route.methods[req.method ?? 'GET'];
      if (!handler) {
        res.setHeader('Allow', [...Object.keys(route.methods), 'OPTIONS'].join(', '));
        throw new ApiError(405, 'method_not_allowed', `${req.method} is not allowed on ${url.pathname}.`);
      }
      const params = { ...(route.pattern.exec(url.pathname)?.groups ?? {}) };
      await handler({ req, res, url, params, deps });
      return;
    }
    if (url.pathname.startsWith('/api/') || !(await serveStatic(req, res, url.pathname, repoRoot, options.widgetDir))) {
      throw notFound(`No route for ${req.method} ${url.pathname}.`);
    }
  }

  let servers;
  try {
    servers = await listen(
      (server) => {
        server.on('request', onRequest);
        server.on('upgrade', sockets.handleUpgrade);
        // A request the HTTP parser refuses still gets the protocol's error body when the socket
        // can take one; a broken connection is the client's problem, not a reason to crash.
        server.on('clientError', (error, socket) => {
          const code = /** @type {{ code?: string }} */ (error).code;
          if (socket.writable && code !== 'ECONNRESET') {
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
          } else {
            socket.destroy();
          }
        });
      },
      options.port ?? 8787,
      options.host ?? 'localhost',
    );
  } catch (error) {
    sockets.close();
    await db.close();
    throw error;
  }

  const passwordsChecked = checkPasswords().catch((error) => console.error('agent password check failed', error));
  const port = /** @type {import('node:net').AddressInfo} */ (servers[0].address()).port;
  const host = options.host ?? 'localhost';
  const printable = host === 'localhost' || host === '0.0.0.0' || host === '::' ? '127.0.0.1' : host;

  let closing;
  return {
    url: `http://${printable.includes(':') ? `[${printable}]` : printable}:${port}`,
    port,
    close() {
      closing ??= (async () => {
        shutdownController.abort(); // long polls answer now
        guards.uploads.stop();
        chat.stop();
        await passwordsChecked;
        sockets.close();
        for (const server of servers) {
          server.close();
          server.closeIdleConnections();
        }
        // Give in-flight requests (a message being stored) a moment to finish before the DB goes.
        await Promise.race([Promise.allSettled([...inflight]), new Promise((r) => setTimeout(r, 2000))]);
        for (const server of servers) server.closeAllConnections();
        await db.close();
      })();
      return closing;
    },
  };
}
