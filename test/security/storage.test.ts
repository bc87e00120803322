import { expect, fixture, html } from '@open-wc/testing';
import { createStore, get, keys } from 'idb-keyval';
import { nanoid } from 'nanoid';
import '../../src/define.js';
import type { AmoiqChat } from '../../src/components/chat/chat.js';
import { ChatStore } from '../../src/services/store.js';
import { serviceOf, until } from '../helpers/dom.js';
import { backend, type BackendInfo } from '../server/helpers.js';
import { renderedText } from './widget.js';

// storage="memory|session|persistent": nothing reaches IndexedDB before consent; switching to
// persistent moves the current chat there and it continues (and survives a "reload").

const idbKeys = async (dbName: string) => (await keys(createStore(dbName, 'state'))).map(String);

async function mount(info: BackendInfo, dbName: string, storage: string): Promise<AmoiqChat> {
  return fixture<AmoiqChat>(
    html`<amoiq-chat gateway-url=${info.url} api-key=${info.apiKey} tenant-id=${info.tenantId} db-name=${dbName} storage=${storage} open></amoiq-chat>`,
  );
}

async function sendAndWait(el: AmoiqChat, text: string) {
  const stored = new Promise<void>((resolve) =>
    el.addEventListener('amoiq-message', (e) => e.detail.direction === 'sent' && e.detail.message.text === text && resolve()),
  );
  el.send(text);
  await stored;
}

describe('security: storage consent', () => {
  let info: BackendInfo;
  before(async () => {
    info = await backend();
  });

  it('memory keeps nothing in IndexedDB; persistent later moves the chat there and it continues', async () => {
    const dbName = `amoiq-st-${nanoid(8)}`;
    const el = await mount(info, dbName, 'memory');
    await until(() => el.connectionState === 'online', 'online');
    const text = `before consent ${nanoid(5)}`;
    await sendAndWait(el, text);
    // The message cache is written (after 100 ms): to memory, nothing to IndexedDB.
    const memory = new ChatStore(info.tenantId, dbName, 'memory');
    await until(
      async () => (await memory.getMessages((await memory.getSession())!.conversationId)).some((m) => m.text === text),
      'the cache in memory',
    );
    await serviceOf(el).whenIdle();
    expect(await idbKeys(dbName)).to.deep.equal([]);

    el.storage = 'persistent';
    await el.updateComplete;
    await until(async () => (await idbKeys(dbName)).some((k) => k.endsWith(':session')), 'the session moved to IndexedDB');
    const stored = await idbKeys(dbName);
    expect(stored).to.include(`${info.tenantId}:visitor`).and.include(`${info.tenantId}:session`);
    const visitorId = await get(`${info.tenantId}:visitor`, createStore(dbName, 'state'));

    const after = `after consent ${nanoid(5)}`;
    await sendAndWait(el, after);
    el.remove();

    // A later page load with persistent storage is the same visitor with the same history.
    const again = await mount(info, dbName, 'persistent');
    await until(() => renderedText(again).includes(text) && renderedText(again).includes(after), 'the history after consent', 15_000);
    expect(await get(`${info.tenantId}:visitor`, createStore(dbName, 'state'))).to.equal(visitorId);
  });

  it('session keeps the state in this tab’s sessionStorage, not in IndexedDB', async () => {
    const dbName = `amoiq-st-${nanoid(8)}`;
    const el = await mount(info, dbName, 'session');
    await until(() => el.connectionState === 'online', 'online');
    await sendAndWait(el, 'tab only');
    const tab = new ChatStore(info.tenantId, dbName, 'session');
    await until(
      async () => (await tab.getMessages((await tab.getSession())!.conversationId)).some((m) => m.text === 'tab only'),
      'the cache in sessionStorage',
    );
    await serviceOf(el).whenIdle();
    expect(await idbKeys(dbName)).to.deep.equal([]);
    const ours = Object.keys(sessionStorage).filter((k) => k.startsWith(`amoiq:${dbName}:`));
    expect(ours).to.include(`amoiq:${dbName}:${info.tenantId}:visitor`);
    await el.reset();
    expect(Object.keys(sessionStorage).filter((k) => k.startsWith(`amoiq:${dbName}:${info.tenantId}:visitor`))).to.have.length.at.most(1);
    el.remove();
  });
});
