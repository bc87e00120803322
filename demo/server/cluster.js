// @ts-check
/**
 * Several server nodes on one PostgreSQL database (docs/scaling.md, "Several nodes"). Each node
 * holds its own sockets and long polls; what one node publishes on its hub reaches the listeners
 * of every other node through PostgreSQL's LISTEN/NOTIFY, so a load balancer can send any client
 * to any node (no sticky sessions) and a node can join or leave at any time.
 *
 * One channel, `amoiq_hub`, carries batches `{ n: node, c: chunk, e?: events, p?: presence,
 * h?: hits, l?: logins }`:
 * - `e`: hub events `[tenantId, conversationId, event]` in the order this node published them;
 *   the sending connection is dropped (`origin` only skips a socket's own echo, on its own node).
 * - `p`: this node's open agent sockets per tenant, sent on every change and every 2 s; a node
 *   not heard from for 6 s (killed) counts as gone, so presence across nodes recovers by itself.
 * - `h`: rate-limiter hits per limiter and key, every 250 ms (rate-limit.js `addRemote`).
 * - `l`: decided agent logins (failures and successes) for the login throttle.
 *
 * Sending is a group commit: one send on the wire at a time, each carrying everything gathered
 * while the one before it ran, in one round trip and one transaction (so a node's events arrive in
 * the order it published them, and a busy node sends few, large sends rather than one per event).
 * NOTIFY payloads are limited to 8000 bytes: the events are split over as many notifications as
 * they need (delivered in order, together, at the commit); a single event larger than that (a
 * long message) is stored in `cluster_events` in the same transaction and only its id is
 * notified; receivers read such rows, those that arrived together in one query. Rows are deleted
 * after 5 minutes. The transaction does not wait for its WAL flush (`synchronous_commit` off):
 * notifications are not durable in any case. Notifications a node misses while its LISTEN
 * connection is being re-established (database restart) are not replayed: the widget fills any
 * gap from its cursor on its next message or reconnect, as after any drop.
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
 * Notifies each payload of $1, in order, in one statement (one transaction) that does not wait for
 * its commit to be flushed to disk.
 */
const NOTIFY_ALL = `SELECT pg_notify('${CHANNEL}', t.payload) FROM (SELECT set_config('synchronous_commit', 'off', true)) s, unnest($1::text[]) WITH ORDINALITY AS t(payload, i) ORDER BY t.i`;

/**
 * @typedef {import('./hub.js').HubEvent} HubEvent
 * @typedef {[string, string | null, HubEvent]} WireEvent tenant, conversation, event
 * @typedef {{ n: string, c?: number, e?: WireEvent[], p?: Record<string, number>, bye?: true, h?: Record<string, Record<string, number>>, l?: [string, 'account' | 'ip', boolean][], ref?: number }} Batch
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
    Hub.prototype.publish.call(this, tenantId, conversationId, event, false);
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
  /** How this node's own notifications start (JSON.stringify keeps `n` first): skipped unparsed. */
  const ownPrefix = JSON.stringify({ n: node }).slice(0, -1);
  /** @type {WireEvent[]} */
  let events = [];
  /** @type {Map<string, Map<string, number>>} limiter → key → hits not yet told */
  let hits = new Map();
  /** @type {Batch[]} batches with no events (rate-limit hits) waiting for the next send */
  let extras = [];
  /** @type {[string, 'account' | 'ip', boolean][]} */
  let logins = [];
  let presenceDue = true;
  let closed = false;
  /** The send on the wire, if any: one at a time, so a node's events arrive in the order published. */
  /** @type {Promise<void> | null} */
  let sending = null;
  let flushQueued = false;

  /**
   * One round trip for everything gathered since the last one: one transaction of NOTIFYs of at
   * most {@link MAX_PAYLOAD} bytes each (delivered in order, together, at its commit), with
   * `synchronous_commit` off: a notification is not durable anyway, and a commit that waits for
   * the WAL flush (about 6 ms on a plain disk) per batch made the path between nodes serial on
   * the disk. A single event bigger than a notification is stored in `cluster_events` within the
   * same transaction and notified by id.
   * @param {Batch[]} batches
   */
  async function send(batches) {
    /** @type {string[]} notification payloads, in order ('' where a stored one goes) */
    const notifies = [];
    /** @type {string[]} */
    const stored = [];
    let chunk = 0;
    /** @param {string} payload */
    const add = (payload) => {
      if (payload.length > MAX_PAYLOAD / 3 && Buffer.byteLength(payload) > MAX_PAYLOAD) {
        stored.push(payload);
        notifies.push('');
      } else notifies.push(payload);
    };
    for (const batch of batches) {
      const { e: list, ...rest } = batch;
      if (!list?.length) {
        add(JSON.stringify({ ...rest, c: chunk++ }));
        continue;
      }
      // Each event serialized once; notifications of at most MAX_PAYLOAD bytes put together from
      // them, in order ({"n":…,"c":…,"e":[…]}).
      const head = JSON.stringify({ ...rest, c: 0 }).slice(0, -1);
      const headBytes = Buffer.byteLength(head);
      const json = list.map((event) => JSON.stringify(event));
      let start = 0;
      let bytes = 0;
      for (let i = 0; i <= json.length; i++) {
        const size = i < json.length ? Buffer.byteLength(json[i]) + 1 : 0;
        if (i === json.length || (i > start && headBytes + 40 + bytes + size > MAX_PAYLOAD)) {
          const prefix = start === 0 ? head.slice(0, head.lastIndexOf('"c":')) : `{"n":${JSON.stringify(node)},`;
          add(`${prefix}"c":${chunk++},"e":[${json.slice(start, i).join(',')}]}`);
          start = i;
          bytes = 0;
        }
        bytes += size;
      }
    }
    if (!stored.length) {
      // The usual case: one statement, its payloads a parameter, notified in the array's order.
      await db.query(NOTIFY_ALL, [notifies]);
      return;
    }
    // With an event too large for a notification: several statements in one simple query, one
    // implicit transaction (rolled back as a whole if a statement fails), in which SET LOCAL holds.
    let sql = 'SET LOCAL synchronous_commit TO off;';
    let s = 0;
    for (const payload of notifies) {
      if (payload) sql += ` SELECT pg_notify('${CHANNEL}', ${pg.escapeLiteral(payload)});`;
      else
        sql +=
          ` WITH r AS (INSERT INTO cluster_events (payload) VALUES (${pg.escapeLiteral(stored[s++])}) RETURNING id)` +
          ` SELECT pg_notify('${CHANNEL}', '{"n":"${node}","ref":' || r.id || '}') FROM r;`;
    }
    await db.exec(sql);
  }

  /** Sends what is gathered unless a send is on the wire (then it goes right after that one). */
  function flush() {
    flushQueued = false;
    if (sending) return;
    /** @type {Batch} */
    const batch = { n: node };
    if (events.length) [batch.e, events] = [events, []];
    if (presenceDue && !closed) {
      presenceDue = false;
      batch.p = Object.fromEntries(hub.localAgentSockets());
    }
    if (logins.length) [batch.l, logins] = [logins, []];
    const batches = batch.e || batch.p || batch.l ? [batch, ...extras] : extras;
    extras = [];
    if (!batches.length) return;
    sending = send(batches)
      .catch((error) => console.error(`cluster: could not tell the other nodes: ${error.message}`))
      .finally(() => {
        sending = null;
        if (events.length || logins.length || extras.length || presenceDue) flush();
      });
  }
  function soon() {
    if (flushQueued || sending) return;
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

  /** Notifications not applied yet, in arrival order. @type {Batch[]} */
  const inbox = [];
  let draining = false;
  /**
   * Applies the inbox in order. Without stored batches this runs to the end at once; stored ones
   * (`ref`) that arrived together are read in one query.
   */
  async function drain() {
    draining = true;
    try {
      while (inbox.length) {
        const batches = inbox.splice(0);
        const refs = batches.filter((b) => b.ref !== undefined).map((b) => b.ref);
        /** @type {Map<number, string>} */
        const stored = new Map();
        if (refs.length) {
          /** @type {{ id: string, payload: string }[]} */
          const rows = await db.rows('SELECT id, payload FROM cluster_events WHERE id = ANY($1::bigint[])', [refs]);
          for (const row of rows) stored.set(Number(row.id), row.payload);
        }
        for (let batch of batches) {
          try {
            if (batch.ref !== undefined) {
              const payload = stored.get(batch.ref);
              if (payload === undefined) continue;
              batch = JSON.parse(payload);
            }
            apply(batch);
          } catch (error) {
            console.error(`cluster: a batch from node ${batch.n} failed: ${/** @type {Error} */ (error).message}`);
          }
        }
      }
    } catch (error) {
      console.error(`cluster: could not read stored batches: ${/** @type {Error} */ (error).message}`);
    } finally {
      draining = false;
    }
  }
  /** @param {string} payload */
  function receive(payload) {
    if (payload.startsWith(ownPrefix)) return;
    /** @type {Batch} */
    let batch;
    try {
      batch = JSON.parse(payload);
    } catch {
      return;
    }
    if (batch.n === node) return;
    inbox.push(batch);
    if (!draining) void drain();
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
    extras.push(batch);
    soon();
  }, HITS_EVERY_MS);
  const sweepTimer = setInterval(() => {
    db.query(`DELETE FROM cluster_events WHERE created_at < now() - interval '${KEEP_EVENTS_SECONDS} seconds'`).catch(() => undefined);
  }, SWEEP_EVERY_MS);
  for (const timer of [presenceTimer, hitsTimer, sweepTimer]) timer.unref();

  return {
    async close() {
      if (closed) return;
      closed = true;
      for (const timer of [presenceTimer, hitsTimer, sweepTimer]) clearInterval(timer);
      // What is gathered goes first, then the goodbye: the others forget this node's agents at
      // once instead of in 6 s.
      while (sending) await sending;
      extras.push({ n: node, bye: true });
      flush();
      while (sending) await sending;
      hub.relay = null;
      const client = listener;
      listener = null;
      await client?.end().catch(() => undefined);
    },
  };
}
