// @ts-check
/**
 * Several server nodes on one PostgreSQL database (docs/scaling.md, "Several nodes"). Each node
 * holds its own sockets and long polls; what one node publishes on its hub reaches the listeners
 * of every other node through PostgreSQL's LISTEN/NOTIFY, so a load balancer can send any client
 * to any node (no sticky sessions) and a node can join or leave at any time.
 *
 * One channel, `amoiq_hub`, carries batches `{ n: node, e?: events, p?: presence, h?: hits,
 * l?: logins }`:
 * - `e`: hub events `[tenantId, conversationId, event]` in the order this node published them
 *   (a batch is sent per turn of the event loop, one at a time, so order holds per node); the
 *   sending connection is dropped (`origin` only skips a socket's own echo, on its own node).
 * - `p`: this node's open agent sockets per tenant, sent on every change and every 2 s; a node
 *   not heard from for 6 s (killed) counts as gone, so presence across nodes recovers by itself.
 * - `h`: rate-limiter hits per limiter and key, every 250 ms (rate-limit.js `addRemote`).
 * - `l`: decided agent logins (failures and successes) for the login throttle.
 * NOTIFY payloads are limited to 8000 bytes: a larger batch (a long message) is stored in
 * `cluster_events` and only its id is notified; receivers read the row (notify the id, fetch the
 * row). Rows are deleted after 5 minutes. Notifications a node misses while its LISTEN connection
 * is being re-established (database restart) are not replayed: the widget fills any gap from its
 * cursor on its next message or reconnect, as after any drop.
 */
import { randomUUID } from 'node:crypto';
import { MeteredHub } from './metrics.js';
import { Hub } from './hub.js';

const CHANNEL = 'amoiq_hub';
/** PostgreSQL refuses NOTIFY payloads of 8000 bytes or more. */
const MAX_PAYLOAD = 7900;
const PRESENCE_EVERY_MS = 2000;
const PRESENCE_EXPIRES_MS = 3 * PRESENCE_EVERY_MS;
const HITS_EVERY_MS = 250;
const SWEEP_EVERY_MS = 60_000;
const KEEP_EVENTS_SECONDS = 300;

/**
 * @typedef {import('./hub.js').HubEvent} HubEvent
 * @typedef {[string, string | null, HubEvent]} WireEvent tenant, conversation, event
 * @typedef {{ n: string, e?: WireEvent[], p?: Record<string, number>, bye?: true, h?: Record<string, Record<string, number>>, l?: [string, 'account' | 'ip', boolean][], ref?: number }} Batch
 */

/**
 * The hub of a node in a cluster: publishes locally and to the other nodes, and counts agents
 * online on any node as presence.
 */
export class ClusterHub extends MeteredHub {
  constructor() {
    super();
    this.nodeId = randomUUID();
    /** Set by {@link startCluster}: events for the other nodes. @type {((tenantId: string, conversationId: string | null, event: HubEvent) => void) | null} */
    this.relay = null;
    /** Set by {@link startCluster}: this node's agent presence changed. @type {(() => void) | null} */
    this.onLocalPresence = null;
    /** @private @type {Map<string, { tenants: Map<string, number>, expires: number }>} other nodes' agent sockets */
    this.remote = new Map();
  }

  /** @type {Hub['publish']} */
  publish(tenantId, conversationId, event) {
    super.publish(tenantId, conversationId, event);
    this.relay?.(tenantId, conversationId, event);
  }

  /**
   * Delivers an event another node published, to this node's listeners only.
   * @param {string} tenantId
   * @param {string | null} conversationId
   * @param {HubEvent} event
   */
  deliver(tenantId, conversationId, event) {
    Hub.prototype.publish.call(this, tenantId, conversationId, event);
  }

  /** @param {string} tenantId */
  agentsOnline(tenantId) {
    if (super.agentsOnline(tenantId)) return true;
    const now = Date.now();
    for (const node of this.remote.values()) if (node.expires > now && (node.tenants.get(tenantId) ?? 0) > 0) return true;
    return false;
  }

  /**
   * @param {string} tenantId
   * @param {string} [name]
   */
  agentConnected(tenantId, name) {
    const release = super.agentConnected(tenantId, name);
    this.onLocalPresence?.();
    return () => {
      release();
      this.onLocalPresence?.();
    };
  }

  /**
   * What another node says of its agent sockets (null: it left); announces every tenant whose
   * presence changed.
   * @param {string} nodeId
   * @param {Record<string, number> | null} tenants
   */
  setRemotePresence(nodeId, tenants) {
    const before = this.remote.get(nodeId);
    const touched = new Set([...(before?.tenants.keys() ?? []), ...Object.keys(tenants ?? {})]);
    const was = new Map([...touched].map((t) => [t, this.agentsOnline(t)]));
    if (tenants) this.remote.set(nodeId, { tenants: new Map(Object.entries(tenants)), expires: Date.now() + PRESENCE_EXPIRES_MS });
    else this.remote.delete(nodeId);
    for (const tenant of touched) if (this.agentsOnline(tenant) !== was.get(tenant)) this.announcePresence(tenant);
  }

  /** Forgets nodes not heard from in time (killed), announcing what changes. */
  expireRemote() {
    const now = Date.now();
    for (const [nodeId, node] of this.remote) {
      if (node.expires > now) continue;
      const tenants = [...node.tenants.keys()];
      const was = new Map(tenants.map((t) => [t, this.agentsOnline(t)]));
      this.remote.delete(nodeId);
      for (const tenant of tenants) if (this.agentsOnline(tenant) !== was.get(tenant)) this.announcePresence(tenant);
    }
  }
}

/**
 * Joins this node to the cluster of every node on the same PostgreSQL database.
 * @param {{
 *   databaseUrl: string,
 *   db: import('./store/sql.js').Database,
 *   hub: ClusterHub,
 *   limiters: Record<string, import('./rate-limit.js').RateLimiter>,
 *   loginGuard: import('./rate-limit.js').LoginGuard,
 * }} options
 * @returns {Promise<{ close: () => Promise<void> }>}
 */
export async function startCluster({ databaseUrl, db, hub, limiters, loginGuard }) {
  const { default: pg } = await import('pg');
  const node = hub.nodeId;
  /** @type {WireEvent[]} */
  let events = [];
  /** @type {Map<string, Map<string, number>>} limiter → key → hits not yet told */
  let hits = new Map();
  /** @type {[string, 'account' | 'ip', boolean][]} */
  let logins = [];
  let presenceDue = true;
  let closed = false;
  /** One batch on the wire at a time: the order of a node's events is the order they arrive in. */
  let sending = Promise.resolve();
  let flushQueued = false;

  /** @param {Batch} batch */
  async function send(batch) {
    let payload = JSON.stringify(batch);
    if (Buffer.byteLength(payload) > MAX_PAYLOAD) {
      const row = await db.row('INSERT INTO cluster_events (payload) VALUES ($1) RETURNING id', [payload]);
      payload = JSON.stringify({ n: node, ref: Number(/** @type {{ id: unknown }} */ (row).id) });
    }
    await db.query('SELECT pg_notify($1, $2)', [CHANNEL, payload]);
  }

  function flush() {
    flushQueued = false;
    if (closed && !events.length) return;
    /** @type {Batch} */
    const batch = { n: node };
    if (events.length) [batch.e, events] = [events, []];
    if (presenceDue) {
      presenceDue = false;
      batch.p = Object.fromEntries(hub.localAgentSockets());
    }
    if (logins.length) [batch.l, logins] = [logins, []];
    if (!batch.e && !batch.p && !batch.l) return;
    sending = sending.then(() => send(batch)).catch((error) => console.error(`cluster: could not tell the other nodes: ${error.message}`));
  }
  function soon() {
    if (flushQueued) return;
    flushQueued = true;
    setImmediate(flush);
  }

  hub.relay = (tenantId, conversationId, event) => {
    const { origin: _origin, ...plain } = event;
    events.push([tenantId, conversationId, /** @type {HubEvent} */ (plain)]);
    soon();
  };
  hub.onLocalPresence = () => {
    presenceDue = true;
    soon();
  };
  for (const [name, limiter] of Object.entries(limiters)) {
    limiter.onHit = (key) => {
      let keys = hits.get(name);
      if (!keys) hits.set(name, (keys = new Map()));
      keys.set(key, (keys.get(key) ?? 0) + 1);
    };
  }
  loginGuard.onOutcome = (key, kind, ok) => {
    logins.push([key, kind, ok]);
    soon();
  };

  /** @param {Batch} batch */
  function apply(batch) {
    for (const [tenantId, conversationId, event] of batch.e ?? []) hub.deliver(tenantId, conversationId, event);
    if (batch.bye) hub.setRemotePresence(batch.n, null);
    else if (batch.p) hub.setRemotePresence(batch.n, batch.p);
    for (const [name, keys] of Object.entries(batch.h ?? {})) {
      const limiter = limiters[name];
      if (limiter) for (const [key, count] of Object.entries(keys)) limiter.addRemote(key, count);
    }
    for (const [key, kind, ok] of batch.l ?? []) loginGuard.addRemote(key, kind, ok);
  }

  /** Notifications in arrival order, a stored batch read before the next is applied. */
  let receiving = Promise.resolve();
  /** @param {string} payload */
  function receive(payload) {
    /** @type {Batch} */
    let batch;
    try {
      batch = JSON.parse(payload);
    } catch {
      return;
    }
    if (batch.n === node) return;
    receiving = receiving
      .then(async () => {
        if (batch.ref !== undefined) {
          const row = await db.row('SELECT payload FROM cluster_events WHERE id = $1', [batch.ref]);
          if (!row) return;
          batch = JSON.parse(/** @type {{ payload: string }} */ (row).payload);
        }
        apply(batch);
      })
      .catch((error) => console.error(`cluster: a batch from node ${batch.n} failed: ${error.message}`));
  }

  /** @type {import('pg').Client | null} */
  let listener = null;
  let retryMs = 250;
  async function listen() {
    const client = new pg.Client({ connectionString: databaseUrl, application_name: 'amoiq-chat-cluster' });
    client.on('notification', (msg) => msg.channel === CHANNEL && msg.payload !== undefined && receive(msg.payload));
    client.on('error', (error) => {
      console.error(`cluster: LISTEN connection lost (${error.message}); reconnecting`);
      reconnect(client);
    });
    client.on('end', () => reconnect(client));
    await client.connect();
    await client.query(`LISTEN ${CHANNEL}`);
    listener = client;
    retryMs = 250;
    presenceDue = true; // the others may have forgotten this node meanwhile
    soon();
  }
  /** @param {import('pg').Client} client */
  function reconnect(client) {
    if (closed || listener !== client) return;
    listener = null;
    client.removeAllListeners('end');
    void client.end().catch(() => undefined);
    setTimeout(function retry() {
      if (closed) return;
      listen().catch((error) => {
        console.error(`cluster: LISTEN failed (${error.message}); retrying in ${retryMs} ms`);
        retryMs = Math.min(retryMs * 2, 5000);
        setTimeout(retry, retryMs);
      });
    }, retryMs);
  }
  // The overflow table is a transport buffer, not the chat's data: unlogged (no WAL, not in
  // backups or replicas, emptied by a crash of the database — as a lost notification would be),
  // made here rather than by a numbered migration because PGlite never runs a cluster.
  try {
    await db.exec(
      'CREATE UNLOGGED TABLE IF NOT EXISTS cluster_events (id BIGSERIAL PRIMARY KEY, payload TEXT NOT NULL, created_at TIMESTAMPTZ NOT NULL DEFAULT now())',
    );
  } catch (error) {
    // Two nodes starting together race on IF NOT EXISTS (unique_violation on the type): one made it.
    if (/** @type {{ code?: string }} */ (error).code !== '23505') throw error;
  }
  await listen();

  const presenceTimer = setInterval(() => {
    presenceDue = true;
    soon();
    hub.expireRemote();
  }, PRESENCE_EVERY_MS);
  const hitsTimer = setInterval(() => {
    if (!hits.size) return;
    /** @type {Batch} */
    const batch = { n: node, h: {} };
    for (const [name, keys] of hits) /** @type {NonNullable<Batch['h']>} */ (batch.h)[name] = Object.fromEntries(keys);
    hits = new Map();
    sending = sending.then(() => send(batch)).catch((error) => console.error(`cluster: could not share rate limits: ${error.message}`));
  }, HITS_EVERY_MS);
  const sweepTimer = setInterval(() => {
    db.query(`DELETE FROM cluster_events WHERE created_at < now() - interval '${KEEP_EVENTS_SECONDS} seconds'`).catch(() => undefined);
  }, SWEEP_EVERY_MS);
  for (const timer of [presenceTimer, hitsTimer, sweepTimer]) timer.unref();

  return {
    async close() {
      if (closed) return;
      flush();
      closed = true;
      for (const timer of [presenceTimer, hitsTimer, sweepTimer]) clearInterval(timer);
      // The others forget this node's agents at once instead of in 6 s.
      sending = sending.then(() => send({ n: node, bye: true })).catch(() => undefined);
      await sending;
      hub.relay = null;
      const client = listener;
      listener = null;
      await client?.end().catch(() => undefined);
    },
  };
}
