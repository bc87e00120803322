// @ts-check
/**
 * A local HTTP server on 127.0.0.1:0 whose answers each test scripts byte by byte, standing in
 * for a model provider: it records every request (method, path, headers, parsed JSON body) and
 * reports when the client's connection closed, so tests can prove a provider releases it.
 */
import { createServer } from 'node:http';

/**
 * @typedef {{ method: string, path: string, headers: import('node:http').IncomingHttpHeaders, body: any,
 *   closed: Promise<void> }} RecordedRequest
 * @typedef {(req: import('node:http').IncomingMessage, res: import('node:http').ServerResponse, record: RecordedRequest) => void | Promise<void>} Handler
 */

/**
 * @param {Handler} handler
 * @returns {Promise<{ url: string, requests: RecordedRequest[], close: () => Promise<void> }>}
 */
export async function startScriptedServer(handler) {
  /** @type {RecordedRequest[]} */
  const requests = [];
  const server = createServer((req, res) => {
    /** @type {Buffer[]} */
    const chunks = [];
    req.on('data', (c) => chunks.push(c));
    req.on('end', () => {
      const text = Buffer.concat(chunks).toString('utf8');
      /** @type {any} */
      let body = text;
      try {
        body = JSON.parse(text);
      } catch {
        // keep the raw text
      }
      const closed = new Promise((resolve) => res.on('close', () => resolve(undefined)));
      const record = { method: req.method ?? '', path: req.url ?? '', headers: req.headers, body, closed };
      requests.push(record);
      Promise.resolve(handler(req, res, record)).catch((error) => {
        if (!res.headersSent) res.writeHead(599);
        res.end(String(error));
      });
    });
  });
  await new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve(undefined)));
  const address = /** @type {import('node:net').AddressInfo} */ (server.address());
  return {
    url: `http://127.0.0.1:${address.port}`,
    requests,
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve(undefined));
      }),
  };
}

/** A promise the test opens by hand: the server script waits on it (no sleeps). */
export function gate() {
  /** @type {() => void} */
  let open = () => {};
  /** @type {Promise<void>} */
  const opened = new Promise((resolve) => {
    open = () => resolve();
  });
  return { opened, open };
}

/**
 * Writes bytes and resolves once they are handed to the socket.
 * @param {import('node:http').ServerResponse} res
 * @param {string | Buffer} chunk
 */
export function write(res, chunk) {
  return new Promise((resolve, reject) => res.write(chunk, (error) => (error ? reject(error) : resolve(undefined))));
}

/**
 * Collects a stream's events until it ends or throws.
 * @param {AsyncIterable<any>} stream
 * @returns {Promise<{ events: any[], error: any }>}
 */
export async function collect(stream) {
  /** @type {any[]} */
  const events = [];
  try {
    for await (const event of stream) events.push(event);
    return { events, error: null };
  } catch (error) {
    return { events, error };
  }
}

/**
 * A fetch that counts the response bytes the client has read, so a server script can wait until
 * one part was read before writing the next: each part is then a separate read on the client
 * (separate writes alone may be coalesced by TCP).
 */
export function observedFetch() {
  let received = 0;
  /** @type {{ bytes: number, resolve: () => void }[]} */
  let waiting = [];
  /** @type {typeof fetch} */
  const observed = async (input, init) => {
    const response = await fetch(input, init);
    if (!response.body) return response;
    const counted = response.body.pipeThrough(
      new TransformStream({
        transform(chunk, controller) {
          controller.enqueue(chunk);
          received += chunk.byteLength;
          waiting = waiting.filter((w) => (received >= w.bytes ? (w.resolve(), false) : true));
        },
      }),
    );
    return new Response(counted, { status: response.status, statusText: response.statusText, headers: response.headers });
  };
  return {
    fetch: observed,
    /** Resolves once the client has read at least `bytes` bytes of the response body. */
    read: (/** @type {number} */ bytes) =>
      new Promise((resolve) => (received >= bytes ? resolve(undefined) : waiting.push({ bytes, resolve: () => resolve(undefined) }))),
    reads: () => received,
  };
}

/**
 * Writes `parts` one by one, each only after the client has read everything before it.
 * @param {import('node:http').ServerResponse} res
 * @param {Buffer[]} parts
 * @param {ReturnType<typeof observedFetch>} observer
 */
export async function writeInSeparateReads(res, parts, observer) {
  let total = 0;
  for (const part of parts) {
    await write(res, part);
    total += part.byteLength;
    await observer.read(total);
  }
}
