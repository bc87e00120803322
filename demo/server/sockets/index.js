// @ts-check
/**
 * The two WebSocket hubs: `/ws/chat` (one visitor connection per tab, subscribed to its
 * conversation; visitor.js) and `/ws/agent` (one per console, subscribed to the whole tenant;
 * agent.js). This module takes the upgrades, checks the page's origin and pings every socket.
 *
 * Upgrades are always accepted before authenticating, because a refused upgrade reaches the
 * browser as a bare 1006 and the client could not tell "get a new token" (4001) from "offline".
 */
import { WebSocketServer } from 'ws';
import { ApiError } from '../errors.js';
import { MAX_BODY_BYTES } from '../validation.js';
import { isOriginAllowed } from '../origins.js';
import { originNotAllowed } from '../routes/access.js';
import { checkConversationWidget } from '../routes/widget-access.js';
import { agentConnection } from './agent.js';
import { CLOSE } from './frames.js';
import { Heartbeat } from './heartbeat.js';
import { visitorConnection } from './visitor.js';

export { CLOSE } from './frames.js';

/** Transport-level ping interval; a socket that misses one round is terminated. */
const HEARTBEAT_MS = 30_000;

/**
 * @typedef {import('../routes/index.js').Deps} Deps
 * @typedef {import('./frames.js').Socket} Socket
 */

/**
 * Creates the WebSocket side of the server. Attach `handleUpgrade` to every http server's
 * `upgrade` event; call `close()` on shutdown.
 * @param {Deps} deps
 */
export function createSockets(deps) {
  const wss = new WebSocketServer({ noServer: true, maxPayload: MAX_BODY_BYTES });

  const heartbeat = new Heartbeat({ periodMs: HEARTBEAT_MS });

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
      const accept = () =>
        wss.handleUpgrade(req, socket, head, (ws) => {
          const live = /** @type {Socket} */ (ws);
          heartbeat.add(live);
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
      heartbeat.stop();
      for (const ws of wss.clients) ws.close(CLOSE.GOING_AWAY, 'server going away');
      wss.close();
    },
  };
}

/**
 * The origin check of a visitor upgrade (docs/protocol.md): a page whose origin the tenant does
 * not allow is refused with HTTP 403 `origin_not_allowed` before the upgrade; so is a conversation
 * started through a widget (the token's `widgetId`) on a page its widget does not allow, or whose
 * widget has been switched off (`widget_inactive`). A token that does not verify is left to the
 * connection, which closes with 4001 so the client renews it.
 * @param {import('node:http').IncomingMessage} req
 * @param {URL} url
 * @param {Deps} deps
 * @returns {Promise<ApiError | null>}
 */
async function admitOrigin(req, url, deps) {
  if (url.pathname !== '/ws/chat' || req.headers.origin === undefined) return null;
  try {
    const visitor = await deps.tokens.verifyVisitor(url.searchParams.get('token'));
    const tenant = await deps.store.tenants.byId(visitor.tenantId);
    if (!tenant) return null;
    // A widget's conversation: the widget's rules (a widget deleted since: the tenant's).
    if (await checkConversationWidget(deps, visitor.widgetId, tenant, req.headers.origin)) return null;
    return isOriginAllowed(tenant.allowedOrigins, req.headers.origin) ? null : originNotAllowed(req.headers.origin);
  } catch (error) {
    // A refusal of the widget's; anything else (a token that does not verify) is the connection's.
    return error instanceof ApiError && error.status === 403 ? error : null;
  }
}
