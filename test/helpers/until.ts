/**
 * Waits until `check` holds, polling every `intervalMs` (real time) until `timeoutMs` has passed;
 * then fails naming `what`. The one way tests wait: on a state they can observe, never on a fixed
 * sleep. `check` may be async (a read of IndexedDB, say).
 *
 * @example
 * await until(() => service.state.connection === 'online', 'online');
 * await until(async () => (await store.getOutbox('c1')).length === 1, 'queued in the outbox');
 */
export async function until(check: () => boolean | Promise<boolean>, what: string, timeoutMs = 10_000, intervalMs = 10): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > end) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, intervalMs));
  }
}
