import { expect, fixture, html } from '@open-wc/testing';
import { nanoid } from 'nanoid';
import '../../src/define.js';
import type { AmoiqChat } from '../../src/components/chat/chat.js';
import { ChatStore } from '../../src/services/store.js';
import { until } from '../helpers/dom.js';
import { command } from '../server/helpers.js';
import { renderedText } from './widget.js';

// Session tokens are short-lived and renewed: against a second real backend whose tokens live
// 3 seconds (test/plugins/backend.mjs), a message queued while the backend is down survives the
// expiry of the token it was written under, and is delivered once the backend is back.

describe('security: short-lived session tokens', () => {
  it('keeps a queued message through token expiry and delivers it with a renewed token', async function () {
    this.timeout(120_000);
    const info = await command('backend-short-info');
    const dbName = `amoiq-ttl-${nanoid(8)}`;
    const store = new ChatStore(info.tenantId, dbName);
    const el = await fixture<AmoiqChat>(
      html`<amoiq-chat gateway-url=${info.url} api-key=${info.apiKey} tenant-id=${info.tenantId} db-name=${dbName} open></amoiq-chat>`,
    );
    await until(() => el.connectionState === 'online', 'online', 20_000);
    const before = (await store.getSession())!;
    expect(Date.parse(before.expiresAt) - Date.now()).to.be.below(4_000);

    await command('backend-short-kill');
    await until(() => el.connectionState !== 'online', 'offline', 20_000);
    const text = `queued across expiry ${nanoid(6)}`;
    el.send(text);
    await until(() => renderedText(el).includes(text), 'the pending message');
    await until(async () => (await store.getOutbox(before.conversationId)).length > 0, 'the message in the outbox');
    expect((await store.getOutbox(before.conversationId)).map((e) => e.text)).to.deep.equal([text]);

    // Let the token expire for certain while nothing can be sent (the server counts whole seconds).
    await until(() => Date.now() > Date.parse(before.expiresAt) + 1500, 'the token to expire', 15_000);
    await command('backend-short-start');
    const stale = await fetch(`${info.url}/api/chat/messages?conversationId=${before.conversationId}`, {
      headers: { Authorization: `Bearer ${info.apiKey}`, 'X-Amoiq-Session': before.token },
    });
    expect([stale.status, (await stale.json()).error.code]).to.deep.equal([401, 'token_expired']);

    window.dispatchEvent(new Event('online'));
    await until(() => el.connectionState === 'online', 'online again', 30_000);
    await until(
      () => el.messages.some((m) => m.text === text && m.status !== 'pending' && m.status !== 'failed'),
      'the queued message to be stored',
      20_000,
    );
    const after = (await store.getSession())!;
    expect(after.token).not.to.equal(before.token);
    expect(after.conversationId).to.equal(before.conversationId);
    // The outbox entry is removed right after the ack is handled.
    await until(async () => (await store.getOutbox(before.conversationId)).length === 0, 'the outbox emptied');

    const login = await (
      await fetch(`${info.url}/api/agent/login`, {
        method: 'POST',
        body: JSON.stringify(info.agent),
        headers: { 'Content-Type': 'application/json' },
      })
    ).json();
    const messages = await (
      await fetch(`${info.url}/api/agent/conversations/${before.conversationId}/messages`, {
        headers: { Authorization: `Bearer ${login.token}` },
      })
    ).json();
    expect(messages.messages.map((m: { text: string }) => m.text)).to.deep.equal([text]);
  });
});
