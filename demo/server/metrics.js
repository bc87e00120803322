// @ts-check
/**
 * Prometheus metrics of one server (`GET /metrics`, routes/health.js), with prom-client: the
 * process (CPU, memory, event-loop lag, GC: prom-client's default metrics), open connections,
 * messages delivered per second by sender, HTTP latency per route, work waiting (requests in
 * flight, password hashes, database connections) and the database's statements and their time.
 * Every number is read from the running parts when Prometheus scrapes, except the counters and
 * the histogram, which the server feeds as things happen. Each server has a registry of its own,
 * so several servers in one process (the tests) never share or double-count a metric.
 */
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import { Hub } from './hub.js';

/**
 * @typedef {{
 *   store: import('./store/index.js').Store,
 *   guards: import('./limits.js').Guards,
 *   hasher: import('./auth.js').PasswordHasher,
 *   inflight: Set<unknown>,
 *   hub: Hub,
 * }} MetricSources
 */

/**
 * A {@link Hub} that counts the messages it delivers (stored messages, including the system
 * messages of joins and closes), by who sent them.
 */
export class MeteredHub extends Hub {
  constructor() {
    super();
    /** @type {((sender: string) => void) | null} set by {@link createMetrics} */
    this.onMessage = null;
  }

  /** @type {Hub['publish']} */
  publish(tenantId, conversationId, event) {
    if (event.type === 'message') this.onMessage?.(event.message.sender.type);
    super.publish(tenantId, conversationId, event);
  }
}

/**
 * Creates the registry of one server.
 * @param {MetricSources & { hub: MeteredHub }} sources
 */
export function createMetrics({ store, guards, hasher, inflight, hub }) {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry, prefix: 'amoiq_' });
  const registers = [registry];

  const messages = new Counter({
    name: 'amoiq_messages_total',
    help: 'Messages stored and delivered, by sender (visitor, agent, system)',
    labelNames: ['sender'],
    registers,
  });
  // A child per sender, made once: no label object per message.
  /** @type {Map<string, import('prom-client').Counter.Internal>} */
  const bySender = new Map();
  hub.onMessage = (sender) => {
    let child = bySender.get(sender);
    if (!child) bySender.set(sender, (child = messages.labels(sender)));
    child.inc();
  };

  const requests = new Histogram({
    name: 'amoiq_http_request_duration_seconds',
    help: 'HTTP requests from arrival to the end of the answer, by method, route and status',
    labelNames: ['method', 'route', 'status'],
    buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 10, 30],
    registers,
  });

  new Gauge({
    name: 'amoiq_connections',
    help: 'Open WebSockets (visitors and agents) and waiting long polls',
    registers,
    collect() {
      this.set(guards.connections.total());
    },
  });
  new Gauge({
    name: 'amoiq_http_requests_in_flight',
    help: 'HTTP requests being handled (long polls included)',
    registers,
    collect() {
      this.set(inflight.size);
    },
  });
  new Gauge({
    name: 'amoiq_password_hashes',
    help: 'Password hashes of agent logins, running and queued',
    labelNames: ['state'],
    registers,
    collect() {
      this.set({ state: 'running' }, hasher.running);
      this.set({ state: 'queued' }, hasher.queued);
    },
  });
  new Gauge({
    name: 'amoiq_db_connections',
    help: 'Database connections of the pool (total, idle) and requests waiting for one',
    labelNames: ['state'],
    registers,
    collect() {
      const stats = store.db.stats();
      this.set({ state: 'total' }, stats.total);
      this.set({ state: 'idle' }, stats.idle);
      this.set({ state: 'waiting' }, stats.waiting);
    },
  });
  // Totals kept by the store itself (store/sql.js); rate() of the two gives the mean statement time.
  new Counter({
    name: 'amoiq_db_statements_total',
    help: 'Statements sent to the database (each a round trip; BEGIN and COMMIT count)',
    registers,
    collect() {
      this.reset();
      this.inc(store.db.stats().statements);
    },
  });
  // Group commit (store/messages.js): messages per statement is the ratio of the two.
  new Counter({
    name: 'amoiq_message_store_statements_total',
    help: 'Statements that stored chat messages (several messages share one at saturation)',
    registers,
    collect() {
      this.reset();
      this.inc(store.messages.batches.statements);
    },
  });
  new Counter({
    name: 'amoiq_message_store_messages_total',
    help: 'Chat messages those statements stored or answered (resends included)',
    registers,
    collect() {
      this.reset();
      this.inc(store.messages.batches.messages);
    },
  });
  new Counter({
    name: 'amoiq_db_statement_seconds_total',
    help: 'Time the database statements took, from sending to the answer',
    registers,
    collect() {
      this.reset();
      this.inc(store.db.stats().seconds);
    },
  });

  return {
    registry,
    /**
     * Times one HTTP request: call at arrival, and the answer's end records it.
     * @param {import('node:http').IncomingMessage} req
     * @param {import('node:http').ServerResponse} res
     * @param {() => string} route the route's name, read when the answer ends
     */
    timeRequest(req, res, route) {
      const end = requests.startTimer();
      res.once('close', () => end({ method: req.method ?? 'GET', route: route(), status: String(res.statusCode) }));
    },
  };
}
