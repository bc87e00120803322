// @ts-check
/**
 * @web/test-runner plugin: the browser's accessibility tree as assistive technology sees it.
 *
 * - `a11y-live-regions` → every node of the page's full accessibility tree (CDP
 *   `Accessibility.getFullAXTree`, shadow DOM included) that carries a live-region property:
 *   `{ role, name, live, relevant, text }`, where `text` joins the static text inside it.
 *
 * - `a11y-forced-colors` `{ active: boolean }` → emulates `forced-colors: active` (Windows High
 *   Contrast), which the stock `emulateMedia` command does not pass on to puppeteer.
 *
 * Needs the Chrome launcher (its sessions have a puppeteer Page).
 */

/**
 * @param {Array<{ name: string; value: { value?: unknown } }> | undefined} properties
 * @param {string} name
 */
const prop = (properties, name) => properties?.find((p) => p.name === name)?.value?.value;

/** @returns {import('@web/test-runner').TestRunnerPlugin} */
export function a11yTreePlugin() {
  // Emulation lasts as long as the CDP session that set it, so each page keeps one.
  /** @type {WeakMap<object, Promise<any>>} */
  const sessions = new WeakMap();
  /** @param {any} page */
  const cdpOf = (page) => {
    if (!sessions.has(page)) sessions.set(page, page.createCDPSession());
    return /** @type {Promise<any>} */ (sessions.get(page));
  };

  return {
    name: 'amoiq-a11y-tree',
    async executeCommand({ command, session, payload }) {
      if (command !== 'a11y-live-regions' && command !== 'a11y-forced-colors') return undefined;
      /** @type {any} */
      const browser = session.browser;
      const page = browser.getPage(session.id);
      if (command === 'a11y-forced-colors') {
        const active = /** @type {{ active?: boolean }} */ (payload)?.active;
        const cdp = await cdpOf(page);
        await cdp.send('Emulation.setEmulatedMedia', { features: [{ name: 'forced-colors', value: active ? 'active' : 'none' }] });
        return true;
      }
      const cdp = await cdpOf(page);
      await cdp.send('Accessibility.enable');
      /** @type {{ nodes: any[] }} */
      const { nodes } = await cdp.send('Accessibility.getFullAXTree');
      const byId = new Map(nodes.map((n) => [n.nodeId, n]));
      /** @param {any} node @returns {string[]} */
      const texts = (node) =>
        node.role?.value === 'StaticText'
          ? [String(node.name?.value ?? '')]
          : (node.childIds ?? []).flatMap((/** @type {string} */ id) => (byId.has(id) ? texts(byId.get(id)) : []));
      return nodes
        .filter(
          (n) =>
            !n.ignored && prop(n.properties, 'live') !== undefined && n.role?.value !== 'StaticText' && n.role?.value !== 'InlineTextBox',
        )
        .map((n) => ({
          role: n.role?.value,
          name: n.name?.value ?? '',
          live: prop(n.properties, 'live'),
          relevant: prop(n.properties, 'relevant'),
          text: texts(n).join(' ').replace(/\s+/g, ' ').trim(),
        }));
    },
  };
}
