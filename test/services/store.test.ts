import { expect } from '@open-wc/testing';
import { nanoid } from 'nanoid';
import { CACHE_LIMIT, ChatStore } from '../../src/services/store.js';
import { SESSION, wireMessage } from '../helpers/fakes.js';

describe('ChatStore (real IndexedDB)', () => {
  let dbName: string;
  beforeEach(() => {
    dbName = `amoiq-test-${nanoid(8)}`;
  });

  it('keeps visitor id, session, messages and outbox across instances', async () => {
    const a = new ChatStore('tenant-a', dbName);
    await a.setVisitorId('visitor-1');
    await a.setSession({ ...SESSION });
    await a.setMessages('c1', [wireMessage(1), wireMessage(2)]);
    await a.setOutbox('c1', [{ clientId: 'k1', text: 'queued', createdAt: '2026-01-01T00:00:00.000Z', attempts: 0 }]);

    const b = new ChatStore('tenant-a', dbName);
    expect(await b.getVisitorId()).to.equal('visitor-1');
    expect((await b.getSession())?.conversationId).to.equal('c1');
    expect((await b.getMessages('c1')).map((m) => m.seq)).to.deep.equal([1, 2]);
    expect((await b.getOutbox('c1'))[0].text).to.equal('queued');
  });

  it('keeps tenants apart', async () => {
    await new ChatStore('tenant-a', dbName).setVisitorId('visitor-a');
    const other = new ChatStore('tenant-b', dbName);
    expect(await other.getVisitorId()).to.equal(undefined);
  });

  it(`caches only the newest ${CACHE_LIMIT} messages`, async () => {
    const store = new ChatStore('t', dbName);
    await store.setMessages(
      'c1',
      Array.from({ length: CACHE_LIMIT + 20 }, (_, i) => wireMessage(i + 1)),
    );
    const cached = await store.getMessages('c1');
    expect(cached).to.have.length(CACHE_LIMIT);
    expect(cached[0].seq).to.equal(21);
  });

  it('removes an emptied outbox', async () => {
    const store = new ChatStore('t', dbName);
    await store.setOutbox('c1', [{ clientId: 'k', text: 'x', createdAt: '', attempts: 1 }]);
    await store.setOutbox('c1', []);
    expect(await store.getOutbox('c1')).to.deep.equal([]);
  });
});
