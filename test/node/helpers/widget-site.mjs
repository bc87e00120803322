// @ts-check
/**
 * The whole stack a site owner's visitor meets, for the Node tests that load the drop-in in real
 * Chromium (offline-reload, remote-config-first-paint): the drop-in built from the sources, the
 * reference backend in this process serving it (a fresh store), a host page on an origin of its
 * own, and Chromium with a profile of the test's own (its HTTP cache survives a reload).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createServer } from '../../../demo/server/server.js';
import { freshStore } from '../test-store.mjs';
import { launchChromium, serveSite } from './browser.mjs';
import { buildDropIn } from './build.mjs';

/**
 * Starts the stack; `close()` stops it all and removes its files (whatever a test stopped itself
 * already, such as the backend, may be closed again).
 * @param {{ name: string, jwtSecret: string, tenants: Parameters<typeof createServer>[0]['tenants'], pages: Record<string, string>, cacheControl?: string, server?: Partial<Parameters<typeof createServer>[0]> }} o
 *   `pages`: the host's pages by path, read at each request (a test may fill them once it knows
 *   the backend's URL); `server`: more options of the backend (its environment: `assistantEnv`, …)
 */
export async function startWidgetSite({ name, jwtSecret, tenants, pages, cacheControl, server }) {
  const work = mkdtempSync(join(tmpdir(), `amoiq-${name}-`));
  /** @type {Array<() => Promise<unknown> | unknown>} in the order they stop */
  const stops = [];
  const close = async () => {
    for (const stop of stops.reverse()) await stop();
    rmSync(work, { recursive: true, force: true });
  };
  try {
    const widgetDir = join(work, 'dist');
    buildDropIn(widgetDir);
    const store = await freshStore();
    stops.push(() => store.dispose());
    const backend = await createServer({
      port: 0,
      host: '127.0.0.1',
      dataDir: store.dataDir,
      databaseUrl: store.databaseUrl,
      jwtSecret,
      widgetDir,
      tenants,
      ...server,
    });
    stops.push(() => backend.close());
    const host = await serveSite({ pages, cacheControl });
    stops.push(() => host.close());
    const browser = await launchChromium({ userDataDir: join(work, 'profile') });
    stops.push(() => browser.close());
    return { backend, host, browser, close };
  } catch (error) {
    await close();
    throw error;
  }
}
