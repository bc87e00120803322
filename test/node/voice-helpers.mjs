// @ts-check
// Shared by the voice-*.test.mjs files: a manual clock, and local HTTP servers that record what
// they were sent and answer what the test says.
import { createServer } from 'node:http';

/**
 * A clock whose timers run only when the test advances it, in time order (timers scheduled
 * by a running timer run too if they fall inside the advanced span).
 * @param {number} [start] ms since the epoch
 */
export function manualScheduler(start = Date.parse('2026-03-02T15:00:00Z')) {
  let now = start;
  let nextId = 1;
  /** @type {Map<number, { at: number, fn: () => void }>} */
  const timers = new Map();
  return {
    now: () => now,
    /** @param {() => void} fn @param {number} ms */
    setTimeout(fn, ms) {
      const id = nextId++;
      timers.set(id, { at: now + Math.max(0, ms), fn });
      return id;
    },
    /** @param {unknown} id */
    clearTimeout(id) {
      timers.delete(/** @type {number} */ (id));
    },
    /** Moves the clock forward by `ms`, running every timer that falls due. @param {number} ms */
    advance(ms) {
      const end = now + ms;
      for (;;) {
        // The earliest due timer; among equals, the one scheduled first (Map keeps insertion order).
        let dueId = -1;
        let dueAt = Infinity;
        for (const [id, timer] of timers) {
          if (timer.at <= end && timer.at < dueAt) {
            dueId = id;
            dueAt = timer.at;
          }
        }
        const due = timers.get(dueId);
        if (!due) break;
        timers.delete(dueId);
        now = due.at;
        due.fn();
      }
      now = end;
    },
    pending: () => timers.size,
  };
}

/**
 * @typedef {{ method: string, url: string, headers: import('node:http').IncomingHttpHeaders, body: string }} RecordedRequest
 * @typedef {(req: RecordedRequest, res: import('node:http').ServerResponse) => void | Promise<void>} Handler
 */

/**
 * Starts an HTTP server on 127.0.0.1 with a free port. Every request is recorded (with its full
 * body) before the handler runs.
 * @param {Handler} handler
 */
export async function startServer(handler) {
  /** @type {RecordedRequest[]} */
  const requests = [];
  const server = createServer(async (req, res) => {
    const chunks = [];
    for await (const chunk of req) chunks.push(chunk);
    const recorded = { method: req.method ?? '', url: req.url ?? '', headers: req.headers, body: Buffer.concat(chunks).toString('utf8') };
    requests.push(recorded);
    try {
      await handler(recorded, res);
    } catch (error) {
      if (!res.headersSent) res.writeHead(599).end(String(error));
      else throw error;
    }
  });
  await new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve(undefined)));
  const { port } = /** @type {import('node:net').AddressInfo} */ (server.address());
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    server,
    async close() {
      server.closeAllConnections();
      await new Promise((resolve) => server.close(() => resolve(undefined)));
    },
  };
}

/**
 * Sends a JSON answer.
 * @param {import('node:http').ServerResponse} res
 * @param {number} status
 * @param {unknown} body
 * @param {Record<string, string>} [headers]
 */
export function json(res, status, body, headers = {}) {
  res.writeHead(status, { 'Content-Type': 'application/json', ...headers }).end(JSON.stringify(body));
}

/**
 * Waits until `predicate` holds (polling), or fails after `timeoutMs`.
 * @param {() => boolean} predicate
 * @param {string} what
 * @param {number} [timeoutMs]
 */
export async function until(predicate, what, timeoutMs = 5000) {
  const deadline = Date.now() + timeoutMs;
  while (!predicate()) {
    if (Date.now() > deadline) throw new Error(`Timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}
