// @ts-check
// Operations endpoints (routes/health.js, metrics.js): liveness, readiness, Prometheus metrics and
// who may read them, and the graceful drain that SIGTERM runs (issue 16, item 4).
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { METRICS_TOKEN, startServer, until } from './chat-server.mjs';

/** @type {Awaited<ReturnType<typeof startServer>>} */
let server;
before(async () => {
  server = await startServer();
});
after(async () => {
  await server?.close();
});

/**
 * GET /metrics as text; `headers` decide who asks.
 * @param {Record<string, string>} [headers]
 */
async function metrics(headers = {}) {
  const res = await fetch(`${server.url}/metrics`, { headers });
  return { status: res.status, type: res.headers.get('content-type') ?? '', text: await res.text() };
}

/**
 * The value of one sample line (`name{labels} value`) of a metrics text, or undefined.
 * @param {string} text
 * @param {string} sample the name with its labels, exactly as printed
 */
function sample(text, sample) {
  const line = text.split('\n').find((l) => l.startsWith(`${sample} `));
  return line === undefined ? undefined : Number(line.slice(sample.length + 1));
}

test('/healthz and /readyz answer 200 on a serving server; other methods get 405', async () => {
  const health = await fetch(`${server.url}/healthz`);
  assert.equal(health.status, 200);
  assert.deepEqual(await health.json(), { status: 'ok' });
  assert.equal(health.headers.get('cache-control'), 'no-store');
  const ready = await fetch(`${server.url}/readyz`);
  assert.equal(ready.status, 200);
  assert.deepEqual(await ready.json(), { status: 'ready' });
  const post = await fetch(`${server.url}/readyz`, { method: 'POST' });
  assert.equal(post.status, 405);
  assert.equal((await post.json()).error.code, 'method_not_allowed');
});

test('/metrics speaks the Prometheus text format and counts messages, requests, connections and the database', async () => {
  const s = await server.session();
  assert.equal((await server.say(s, 'hello metrics')).status, 201);
  const socket = server.socket(`/ws/chat?token=${encodeURIComponent(s.token)}`);
  assert.equal(await socket.ready(), 'ready');
  /** @type {Awaited<ReturnType<typeof metrics>>} */
  let m = await metrics();
  await until(async () => {
    m = await metrics();
    return (sample(m.text, 'amoiq_connections') ?? 0) >= 1;
  }, 'the open WebSocket in amoiq_connections');
  assert.equal(m.status, 200);
  assert.match(m.type, /^text\/plain; version=0\.0\.4/);
  assert.ok((sample(m.text, 'amoiq_messages_total{sender="visitor"}') ?? 0) >= 1, 'the visitor message is counted');
  assert.ok(
    (sample(m.text, 'amoiq_http_request_duration_seconds_count{method="POST",route="postVisitorMessage",status="201"}') ?? 0) >= 1,
    'the message request is timed under its route name',
  );
  assert.ok((sample(m.text, 'amoiq_db_statements_total') ?? 0) > 0);
  const storing = sample(m.text, 'amoiq_message_store_statements_total') ?? 0;
  assert.ok(storing >= 1, 'the statement that stored the message is counted');
  assert.ok((sample(m.text, 'amoiq_message_store_messages_total') ?? 0) >= storing, 'each carried one message or more');
  assert.ok((sample(m.text, 'amoiq_db_statement_seconds_total') ?? 0) > 0);
  assert.equal(sample(m.text, 'amoiq_db_connections{state="total"}') !== undefined, true);
  assert.equal(sample(m.text, 'amoiq_password_hashes{state="queued"}'), 0);
  assert.ok((sample(m.text, 'amoiq_process_resident_memory_bytes') ?? 0) > 0, 'process metrics are there');
  socket.close();
  await until(async () => sample((await metrics()).text, 'amoiq_connections') === 0, 'the closed socket to leave the gauge');
});

test('/metrics is not for the public: relayed or remote requests need the bearer token', async () => {
  const relayed = await metrics({ 'X-Forwarded-For': '203.0.113.9' });
  assert.equal(relayed.status, 404, 'a request relayed by a proxy is not a loopback client');
  assert.doesNotMatch(relayed.text, /amoiq_/);
  assert.equal((await metrics({ 'X-Forwarded-For': '203.0.113.9', Authorization: 'Bearer wrong-token-of-length!!' })).status, 404);
  const withToken = await metrics({ 'X-Forwarded-For': '203.0.113.9', Authorization: `Bearer ${METRICS_TOKEN}` });
  assert.equal(withToken.status, 200);
  assert.match(withToken.text, /amoiq_connections/);
});

test('drain: /readyz turns 503 at once, then sockets close with 1001, nothing is accepted and the answer is complete', async () => {
  const own = await startServer();
  let drained = false;
  try {
    const s = await own.session();
    const socket = own.socket(`/ws/chat?token=${encodeURIComponent(s.token)}`);
    assert.equal(await socket.ready(), 'ready');
    // A long delay, so the test sees the draining window; nothing waits on it but the assertion.
    const draining = own.drain({ delayMs: 4000 }).then(() => (drained = true));
    /** @type {Response | undefined} */
    let ready;
    await until(async () => {
      ready = await fetch(`${own.url}/readyz`);
      return ready.status === 503;
    }, '/readyz to say draining');
    assert.deepEqual(await ready?.json(), { status: 'unavailable', reason: 'draining' });
    assert.equal((await fetch(`${own.url}/healthz`)).status, 200, 'still alive while draining');
    assert.equal(await socket.closed, 1001, 'the widget is told to reconnect elsewhere');
    await draining;
    await assert.rejects(fetch(`${own.url}/healthz`), 'no longer accepting');
  } finally {
    if (!drained) await own.close();
  }
});
