/**
 * `<amoiq-chat>` in Vitest + jsdom, as in an app's component tests: no `CSS` namespace, no
 * canvas, no IndexedDB, no WebSocket server. It must render its launcher, take every kind of
 * property, open with the boolean and call its methods without an error or an unhandled rejection.
 */
import { afterEach, expect, test, vi } from 'vitest';
import '../../src/define.js';
import type { AmoiqChat } from '../../src/index.js';

afterEach(() => {
  document.body.replaceChildren();
});

async function place(html: string): Promise<AmoiqChat> {
  document.body.insertAdjacentHTML('beforeend', html);
  const el = document.body.lastElementChild as AmoiqChat;
  await el.updateComplete;
  return el;
}

test('renders the launcher with attributes set, with the default (IndexedDB) storage jsdom lacks', async () => {
  const consoleError = vi.spyOn(console, 'error');
  const el = await place(
    '<amoiq-chat tenant-id="acme" gateway-url="http://127.0.0.1:9" theme-color="#ff0000" position="bottom-left"></amoiq-chat>',
  );
  expect(customElements.get('amoiq-chat')).toBeDefined();
  expect(el.shadowRoot?.querySelector('.launcher')).not.toBeNull();
  expect(el.position).toBe('bottom-left');
  expect(consoleError).not.toHaveBeenCalled();
});

test('takes properties: an array, a boolean, strings; opens with the boolean and with show()', async () => {
  const el = await place('<amoiq-chat tenant-id="acme" gateway-url="http://127.0.0.1:9" storage="memory"></amoiq-chat>');
  el.preChatFields = [{ name: 'email', required: true }];
  el.headerText = 'Help';
  el.open = true;
  await el.updateComplete;
  expect(el.hasAttribute('open')).toBe(true);
  expect(typeof el.show).toBe('function'); // the boolean did not replace a method
  el.hide();
  await el.updateComplete;
  expect(el.open).toBe(false);
  el.show();
  await el.updateComplete;
  expect(el.open).toBe(true);
});
