// @ts-check
/**
 * Operations endpoints, outside the chat API (no CORS, no API key):
 * - `GET /healthz`: liveness — 200 while the process serves requests.
 * - `GET /readyz`: readiness — 200 when the database answers within 2 s and the server is not
 *   draining; 503 otherwise, so a load balancer stops sending new clients (docs/scaling.md).
 * - `GET /metrics`: Prometheus text format (metrics.js). Metrics describe the service's load and
 *   are not for the public: they are answered to requests that come straight from the loopback
 *   interface (no `X-Forwarded-For`, i.e. not relayed by a proxy) or that carry
 *   `Authorization: Bearer <METRICS_TOKEN>`; anything else gets 404, as if the path did not exist.
 */
import { timingSafeEqual } from 'node:crypto';
import { isIP } from 'node:net';
import { sendJson } from '../http-util.js';

/** How long a readiness check waits for the database. */
const READY_TIMEOUT_MS = 2000;

/**
 * @typedef {{
 *   store: import('../store/index.js').Store,
 *   metrics: ReturnType<typeof import('../metrics.js').createMetrics>,
 *   draining: () => boolean,
 *   metricsToken?: string,
 * }} HealthDeps
 */

/**
 * Answers the operations endpoints; false for any other path.
 * @param {import('node:http').IncomingMessage} req
 * @param {import('node:http').ServerResponse} res
 * @param {string} pathname
 * @param {HealthDeps} deps
 * @returns {Promise<boolean>}
 */
export async function routeHealth(req, res, pathname, deps) {
  if (pathname !== '/healthz' && pathname !== '/readyz' && pathname !== '/metrics') return false;
  if (req.method !== 'GET' && req.method !== 'HEAD') {
    res.setHeader('Allow', 'GET, HEAD');
    sendJson(res, 405, { error: { code: 'method_not_allowed', message: `${req.method} is not allowed on ${pathname}.` } });
    return true;
  }
  res.setHeader('Cache-Control', 'no-store');
  if (pathname === '/healthz') {
    sendJson(res, 200, { status: 'ok' });
  } else if (pathname === '/readyz') {
    const reason = deps.draining() ? 'draining' : await databaseProblem(deps.store);
    sendJson(res, reason ? 503 : 200, reason ? { status: 'unavailable', reason } : { status: 'ready' });
  } else if (!metricsAllowed(req, deps.metricsToken)) {
    sendJson(res, 404, { error: { code: 'not_found', message: `No route for ${req.method} ${pathname}.` } });
  } else {
    const body = await deps.metrics.registry.metrics();
    res.writeHead(200, { 'Content-Type': deps.metrics.registry.contentType });
    res.end(req.method === 'HEAD' ? undefined : body);
  }
  return true;
}

/**
 * Null when the database answers a trivial statement in time, else what is wrong.
 * @param {import('../store/index.js').Store} store
 * @returns {Promise<string | null>}
 */
async function databaseProblem(store) {
  /** @type {ReturnType<typeof setTimeout> | undefined} */
  let timer;
  const late = new Promise((resolve) => (timer = setTimeout(() => resolve('database_timeout'), READY_TIMEOUT_MS)));
  try {
    return await Promise.race([store.db.query('SELECT 1').then(() => null), late]);
  } catch {
    return 'database_error';
  } finally {
    clearTimeout(timer);
  }
}

/**
 * @param {import('node:http').IncomingMessage} req
 * @param {string | undefined} token
 */
function metricsAllowed(req, token) {
  const auth = req.headers.authorization ?? '';
  if (token && auth.startsWith('Bearer ')) {
    const given = Buffer.from(auth.slice(7));
    const wanted = Buffer.from(token);
    return given.length === wanted.length && timingSafeEqual(given, wanted);
  }
  const address = req.socket.remoteAddress ?? '';
  const loopback = isIP(address) !== 0 && (address === '::1' || address.startsWith('127.') || address.startsWith('::ffff:127.'));
  return loopback && req.headers['x-forwarded-for'] === undefined && req.headers.forwarded === undefined;
}
