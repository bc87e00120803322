import { expect, fixture, html } from '@open-wc/testing';
import { nanoid } from 'nanoid';
import '../../src/define.js';
import type { AmoiqChat } from '../../src/components/chat/chat.js';
import { ChatStore } from '../../src/services/store.js';
import { part, until } from '../helpers/dom.js';
import { fromNode, userToken } from '../server/helpers.js';
import { backendInfo, type BackendInfo } from './backend.js';

// End to end: the opt-in fingerprint relink (`fingerprint` attribute, docs/security.md) with the
// real element against the real reference backend. Nothing is mocked, except the clock of the
// conversation: a relink is offered only once the visitor's first message is 10 minutes old, so
// the test-only `POST /api/debug/backdate` ages it instead of waiting. "Clearing storage" deletes
// everything the widget keeps in IndexedDB, as the browser's "clear site data" does.
//
// Every test runs in the same browser from the same address, so their coarse fingerprints would
// all be equal, and the server relinks only on a unique match. Each test therefore stands for a
// browser of its own: it changes one coarse trait (the reported number of processors) to a value
// nobody else uses, before any widget exists, and restores it after.

const listText = (el: AmoiqChat) => part(el, 'amoiq-message-list').shadowRoot!.textContent ?? '';
const isOnline = (el: AmoiqChat) => el.connectionState === 'online';

describe('e2e: fingerprint relink (opt-in)', () => {
  let info: BackendInfo;
  let dbName: string;
  let store: ChatStore;
  const realCores = Object.getOwnPropertyDescriptor(navigator, 'hardwareConcurrency');

  before(async function () {
    this.timeout(90_000);
    info = await backendInfo();
  });

  beforeEach(() => {
    const cores = 1000 + Math.floor(Math.random() * 1_000_000_000);
    Object.defineProperty(navigator, 'hardwareConcurrency', { configurable: true, get: () => cores });
    dbName = `amoiq-fp-${nanoid(8)}`;
    store = new ChatStore(info.tenantId, dbName);
  });

  afterEach(() => {
    if (realCores) Object.defineProperty(navigator, 'hardwareConcurrency', realCores);
    else delete (navigator as unknown as Record<string, unknown>).hardwareConcurrency;
  });

  async function mount(fingerprint: boolean): Promise<AmoiqChat> {
    const el = await fixture<AmoiqChat>(
      html`<amoiq-chat
        gateway-url=${info.url}
        api-key=${info.apiKey}
        tenant-id=${info.tenantId}
        db-name=${dbName}
        lang="en"
        ?fingerprint=${fingerprint}
        open
      ></amoiq-chat>`,
    );
    await until(() => isOnline(el), 'online', 20_000);
    return el;
  }

  async function sendAndWait(el: AmoiqChat, text: string): Promise<void> {
    el.send(text);
    await until(() => el.messages.some((m) => m.text === text && m.status === 'delivered'), `"${text}" to be stored`, 15_000);
  }

  /** Ages the widget's current conversation past the relink's minimum age (10 minutes). */
  async function ageConversation(): Promise<string> {
    const conversationId = (await store.getSession())!.conversationId;
    const [res] = await fromNode([{ path: '/api/debug/backdate', body: { conversationId, seconds: 11 * 60 } }]);
    expect(res.status).to.equal(204);
    return conversationId;
  }

  /** The page goes away and the browser's storage for the site is cleared. */
  async function clearStorage(el: AmoiqChat): Promise<void> {
    el.remove();
    await store.clear();
    expect(await store.getVisitorId()).to.equal(undefined);
  }

  /** A visitor with the attribute on, one (aged) message, then storage cleared. */
  async function visitorThenClear(): Promise<{ visitorId: string; text: string; conversationId: string }> {
    const el = await mount(true);
    const text = `before the clear ${nanoid(6)}`;
    await sendAndWait(el, text);
    const visitorId = (await store.getVisitorId())!;
    const conversationId = await ageConversation();
    await clearStorage(el);
    return { visitorId, text, conversationId };
  }

  it('with the attribute, a visitor whose storage was cleared gets the history back under a new visitor id', async function () {
    this.timeout(60_000);
    const { visitorId, text, conversationId } = await visitorThenClear();

    const el = await mount(true);
    await until(() => listText(el).includes(text), 'the history to come back', 15_000).catch(async (err: Error) => {
      // Seen once in CI under load (2026-12-03), not reproduced alone: say where it stopped.
      const session = await store.getSession();
      const where = !session
        ? 'no session stored'
        : session.conversationId === conversationId
          ? 'relinked (the old conversation) but its text is not shown'
          : `not relinked (a new conversation, visitor ${session.visitorId === visitorId ? 'the old id' : 'a new id'})`;
      throw new Error(`${err.message}: ${where}; connection ${el.connectionState}`);
    });
    // The conversation moved to the new browser's own id; the old id (a credential) is never sent back.
    const adopted = (await store.getVisitorId())!;
    expect(adopted).to.be.a('string').and.not.equal(visitorId);
    expect((await store.getSession())!.visitorId).to.equal(adopted);
    expect((await store.getSession())!.conversationId).to.equal(conversationId);
    // And the conversation goes on.
    await sendAndWait(el, `after the relink ${nanoid(6)}`);
    expect(el.messages.filter((m) => m.sender.type === 'visitor')).to.have.length(2);
  });

  it('without the attribute, the same browser after a clear is a new visitor with no history', async function () {
    this.timeout(60_000);
    const { visitorId, text } = await visitorThenClear();

    const el = await mount(false);
    const fresh = (await store.getVisitorId())!;
    expect(fresh).to.be.a('string').and.not.equal(visitorId);
    expect(listText(el)).not.to.contain(text);
    expect(el.messages).to.have.length(0);
  });

  it('after reset(), the server forgot the visitor: a later clear gives a new visitor, not the old one nor the reset one', async function () {
    this.timeout(90_000);
    const el = await mount(true);
    const text = `before the reset ${nanoid(6)}`;
    await sendAndWait(el, text);
    const first = (await store.getVisitorId())!;
    await ageConversation();

    expect(await el.reset()).to.equal(true);
    await until(() => isOnline(el), 'online as a new visitor', 20_000);
    const afterReset = (await store.getVisitorId())!;
    expect(afterReset).not.to.equal(first);
    expect(listText(el)).not.to.contain(text);
    await sendAndWait(el, `after the reset ${nanoid(6)}`);
    await ageConversation();

    await clearStorage(el);
    const again = await mount(true);
    const third = (await store.getVisitorId())!;
    expect(third).not.to.equal(first); // the old visitor's fingerprint was forgotten
    expect(third).not.to.equal(afterReset); // the id reset() made was never fingerprinted
    expect(again.messages).to.have.length(0);
    expect(listText(again)).not.to.contain(text);
  });

  it('a visitor who logged in is never relinked', async function () {
    this.timeout(90_000);
    const el = await mount(true);
    const text = `before login ${nanoid(6)}`;
    await sendAndWait(el, text);
    const anonymous = (await store.getVisitorId())!;
    await ageConversation();

    const userId = `user-${nanoid(8)}`;
    el.identify({ userId, name: 'Grace', userToken: await userToken({ sub: userId }) });
    await until(() => isOnline(el), 'online as the user', 20_000);
    const isUsers = async () => ((await store.getSession()) as { user?: { id: string } } | undefined)?.user?.id === userId;
    await until(isUsers, 'the session to be the user’s');
    await sendAndWait(el, `as the user ${nanoid(6)}`);

    // Storage cleared, the page no longer identifies anyone (logged out without reset()).
    await clearStorage(el);
    const again = await mount(true);
    expect(await store.getVisitorId()).not.to.equal(anonymous);
    expect(again.messages).to.have.length(0);
    expect(listText(again)).not.to.contain(text);
  });
});
