// @ts-check
/**
 * @web/test-runner plugin for the reliability (chaos) tests. Server commands:
 *
 * - `proxy-start` `{ target }` → `{ url }`: an HTTP + WebSocket pass-through proxy on a random
 *   loopback port in front of `target` (the Host header is kept, so the backend's `wsUrl` points
 *   back at the proxy). One proxy per test run; a second call returns the same one.
 * - `proxy-refuse-ws` `{ refuse }`: while true, WebSocket upgrades are answered `403` like a
 *   proxy that does not allow them; existing tunnels are cut when refusing starts.
 * - `proxy-stats` → `{ webSockets, refusedUpgrades }`: open WebSocket tunnels right now.
 * - `network-offline` `{ afterMs, forMs }`: Chrome DevTools network emulation of the test page
 *   (and its iframes): offline from `afterMs` for `forMs` ms, then online again by itself.
 * - `chaos-log` `{ line }`: progress, printed at once when AMOIQ_CHAOS_VERBOSE is set.
 * - `chaos-report` `{ name, figures }`: writes `test-results/<name>.json` and prints the figures
 *   as a table, so a run shows them without digging through browser logs.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { createServer, request } from 'node:http';
import { connect } from 'node:net';

/** @returns {import('@web/test-runner').TestRunnerPlugin} */
export function chaosPlugin() {
  /** @type {{ url: string, close: () => void } | null} */
  let proxy = null;
  let refuse = false;
  let refusedUpgrades = 0;
  /** @type {Set<import('node:net').Socket>} */
  const tunnels = new Set();

  /**
   * @param {string} target
   * @returns {Promise<{ url: string, close: () => void }>}
   */
  function startProxy(target) {
    const { hostname, port } = new URL(target);
    const server = createServer((req, res) => {
      const upstream = request({ host: hostname, port, method: req.method, path: req.url, headers: req.headers }, (up) => {
        res.writeHead(up.statusCode ?? 502, up.headers);
        up.pipe(res);
      });
      upstream.on('error', () => {
        if (!res.headersSent) res.writeHead(502, { 'Content-Type': 'application/json' });
        res.end('{"error":{"code":"bad_gateway","message":"backend unreachable"}}');
      });
      req.pipe(upstream);
    });
    server.on('upgrade', (req, socket, head) => {
      if (refuse) {
        refusedUpgrades++;
        socket.end('HTTP/1.1 403 Forbidden\r\nConnection: close\r\nContent-Length: 0\r\n\r\n');
        return;
      }
      const upstream = connect(Number(port), hostname, () => {
        const lines = [`${req.method} ${req.url} HTTP/1.1`];
        for (let i = 0; i < req.rawHeaders.length; i += 2) lines.push(`${req.rawHeaders[i]}: ${req.rawHeaders[i + 1]}`);
        upstream.write(`${lines.join('\r\n')}\r\n\r\n`);
        if (head.length) upstream.write(head);
        socket.pipe(upstream).pipe(socket);
      });
      tunnels.add(upstream);
      const end = () => {
        tunnels.delete(upstream);
        upstream.destroy();
        socket.destroy();
      };
      upstream.on('close', end).on('error', end);
      socket.on('close', end).on('error', end);
    });
    return new Promise((resolve) => {
      server.listen(0, '127.0.0.1', () => {
        const address = /** @type {import('node:net').AddressInfo} */ (server.address());
        resolve({
          url: `http://127.0.0.1:${address.port}`,
          close: () => {
            for (const t of tunnels) t.destroy();
            server.close();
          },
        });
      });
    });
  }

  return {
    name: 'amoiq-chaos',
    async executeCommand({ command, payload, session }) {
      const args = /** @type {any} */ (payload ?? {});
      switch (command) {
        case 'proxy-start': {
          const running = (proxy ??= await startProxy(args.target));
          refuse = false;
          return { url: running.url };
        }
        case 'proxy-refuse-ws':
          refuse = !!args.refuse;
          if (refuse) for (const t of tunnels) t.destroy();
          return true;
        case 'proxy-stats':
          return { webSockets: tunnels.size, refusedUpgrades };
        case 'network-offline': {
          // The test page talks to this runner over the same network it takes offline, so the
          // command answers first, goes offline `afterMs` later and comes back by itself after
          // `forMs`: a page cannot ask to be put back online while it is offline.
          const page = /** @type {any} */ (session.browser).getPage(session.id);
          const cdp = await page.createCDPSession();
          await cdp.send('Network.enable');
          const emulate = (/** @type {boolean} */ offline) =>
            cdp
              .send('Network.emulateNetworkConditions', { offline, latency: 0, downloadThroughput: -1, uploadThroughput: -1 })
              .catch(() => undefined);
          setTimeout(() => {
            void emulate(true);
            setTimeout(() => void emulate(false).then(() => cdp.detach().catch(() => undefined)), args.forMs ?? 5000);
          }, args.afterMs ?? 200);
          return true;
        }
        case 'chaos-log':
          // Progress of a long scenario, printed as it happens (browser logs only appear at the end).
          if (process.env.AMOIQ_CHAOS_VERBOSE) process.stderr.write(`[chaos] ${args.line}\n`);
          return true;
        case 'chaos-report': {
          mkdirSync('test-results', { recursive: true });
          writeFileSync(`test-results/${args.name}.json`, JSON.stringify(args.figures, null, 2));
          const rows = Object.entries(args.figures).map(([k, v]) => `  ${k.padEnd(28)} ${v}`);
          process.stdout.write(`\n${args.name}\n${rows.join('\n')}\n`);
          return true;
        }
        default:
          return undefined;
      }
    },
    serverStop() {
      proxy?.close();
    },
  };
}
