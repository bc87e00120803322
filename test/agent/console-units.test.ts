import { expect } from '@open-wc/testing';
import { SESSION_KEY, SessionStore } from '../../demo/agent/src/session-store.js';
import { shortcutFor, type KeyInput } from '../../demo/agent/src/shortcuts.js';
import { conversationSubtitle, conversationTitle, visitorName } from '../../demo/agent/src/titles.js';
import { handoffActions, handoffReason, handoffReasonLine } from '../../demo/agent/src/handoff-text.js';
import { agentSocketUrl } from '../../demo/agent/src/api.js';
import { ChatApi } from '../../src/services/api.js';
import { checkVisitorContext, currentVisitorContext, pageUrlOf } from '../../src/protocol/visitor-context.js';
import type { Conversation } from '../../demo/agent/src/types.js';

/** In-memory Storage for the session store. */
class MemoryStorage implements Storage {
  private map = new Map<string, string>();
  get length() {
    return this.map.size;
  }
  clear() {
    this.map.clear();
  }
  getItem(key: string) {
    return this.map.get(key) ?? null;
  }
  key(i: number) {
    return [...this.map.keys()][i] ?? null;
  }
  removeItem(key: string) {
    this.map.delete(key);
  }
  setItem(key: string, value: string) {
    this.map.set(key, value);
  }
}

const key = (k: string, mods: Partial<KeyInput> = {}): KeyInput => ({
  key: k,
  altKey: false,
  ctrlKey: false,
  metaKey: false,
  shiftKey: false,
  isComposing: false,
  ...mods,
});

describe('agent console units: shortcuts, session store, titles, visitor context', () => {
  it('maps keys to actions; letters are text inside fields, Alt+↑/↓ and Esc work everywhere', () => {
    expect(shortcutFor(key('j'), false)).to.equal('next');
    expect(shortcutFor(key('k'), false)).to.equal('previous');
    expect(shortcutFor(key('/'), false)).to.equal('search');
    expect(shortcutFor(key('?', { shiftKey: true }), false)).to.equal('help');
    expect(shortcutFor(key('r'), false)).to.equal('reply');
    for (const k of ['j', 'k', '/', '?', 'r']) expect(shortcutFor(key(k), true), k).to.equal(null);
    expect(shortcutFor(key('ArrowDown', { altKey: true }), true)).to.equal('next');
    expect(shortcutFor(key('ArrowUp', { altKey: true }), true)).to.equal('previous');
    expect(shortcutFor(key('Escape'), true)).to.equal('back');
    expect(shortcutFor(key('j', { ctrlKey: true }), false), 'Ctrl+J is the browser’s').to.equal(null);
    expect(shortcutFor(key('j', { isComposing: true }), false)).to.equal(null);
    expect(shortcutFor(key('ArrowDown'), false), 'plain arrows scroll').to.equal(null);
  });

  it('keeps the session in localStorage when asked (else only in the tab), drops expired ones, forgets both', () => {
    const persistent = new MemoryStorage();
    const tab = new MemoryStorage();
    let now = Date.parse('2026-12-02T08:00:00Z');
    const store = new SessionStore(persistent, tab, () => now);
    const login = { token: 't1', expiresAt: '2026-12-02T16:00:00Z', agent: { id: 'a1', name: 'Ada', email: 'a@x', tenantId: 'demo' } };
    store.write(login, true);
    expect(persistent.getItem(SESSION_KEY)).to.be.a('string');
    expect(tab.getItem(SESSION_KEY)).to.equal(null);
    expect(new SessionStore(persistent, new MemoryStorage(), () => now).read()?.token, 'a new tab').to.equal('t1');
    store.write({ ...login, token: 't2' }, false);
    expect(persistent.getItem(SESSION_KEY), 'a tab-only login replaces the stored one').to.equal(null);
    expect(store.read()?.token).to.equal('t2');
    store.write(login, true);
    now = Date.parse('2026-12-02T16:00:01Z');
    expect(store.read(), 'expired').to.equal(null);
    expect(persistent.getItem(SESSION_KEY), 'an expired session is removed').to.equal(null);
    persistent.setItem(SESSION_KEY, '{"token": 1}');
    expect(store.read(), 'malformed').to.equal(null);
    store.write({ ...login, expiresAt: '2027-01-01T00:00:00Z' }, true);
    store.clear();
    expect(persistent.length + tab.length).to.equal(0);
  });

  it('tells a visitor’s conversations apart by start and number', () => {
    const base = {
      visitorRef: 'v_abcdef123',
      status: 'open',
      lastSeq: 1,
      lastMessage: null,
      createdAt: '2026-12-01T09:00:00Z',
      updatedAt: '2026-12-01T09:00:00Z',
    };
    const a = { ...base, id: 'c_AAAA1111', startedAt: '2026-12-01T09:00:00Z', contact: { name: 'Ada' } } as Conversation;
    const b = { ...base, id: 'c_BBBB2222', startedAt: '2026-12-02T10:30:00Z', contact: { name: 'Ada' } } as Conversation;
    expect(conversationTitle(a)).to.equal(conversationTitle(b));
    const now = new Date('2026-12-02T12:00:00Z');
    expect(conversationSubtitle(a, now)).to.match(/^Started .+ · #AAAA$/);
    expect(conversationSubtitle(b, now)).to.match(/^Started .+ · #BBBB$/);
    expect(conversationSubtitle(a, now)).to.not.equal(conversationSubtitle(b, now));
  });

  it('builds the visitor context from the page (address without query or fragment) and checks it', () => {
    const context = currentVisitorContext({ href: 'https://shop.example/a/b?reset=secret#x', language: 'fr-fr' });
    expect(context.pageUrl).to.equal('https://shop.example/a/b');
    expect(context.locale).to.equal('fr-FR');
    expect(context.timezone).to.equal(Intl.DateTimeFormat().resolvedOptions().timeZone);
    expect(currentVisitorContext({ href: 'about:blank', language: '' }).pageUrl).to.equal(undefined);
    expect(pageUrlOf('file:///etc/passwd')).to.equal(undefined);
    expect(checkVisitorContext(context)).to.deep.equal({ ok: true, context });
    expect(checkVisitorContext({ timezone: 'Nowhere/Land' }).ok).to.equal(false);
    expect(checkVisitorContext({ extra: 1 }).ok).to.equal(false);
  });

  it('the widget sends its context with the session request', async () => {
    const bodies: unknown[] = [];
    const fetchFn = (async (_url: string, init: RequestInit) => {
      bodies.push(JSON.parse(String(init.body)));
      return new Response(JSON.stringify({}), { status: 500, headers: { 'Content-Type': 'application/json' } });
    }) as unknown as typeof fetch;
    const chatApi = new ChatApi({ gatewayUrl: 'https://api.example', apiKey: 'k', tenantId: 'demo', fetch: fetchFn });
    await chatApi.createSession('v1').catch(() => undefined);
    expect(bodies[0]).to.have.property('context');
    expect((bodies[0] as { context: { pageUrl: string } }).context.pageUrl).to.equal(`${location.origin}${location.pathname}`);
  });
  it('says why a conversation was handed over in words, never as a reason code', () => {
    const codes: Array<[string, string, string]> = [
      ['requested', 'assistant', 'The visitor asked for a person'],
      ['requested by the visitor', 'visitor', 'The visitor asked for a person'],
      ['low_confidence', 'assistant', 'The assistant was not confident'],
      ['unhelpful', 'assistant', 'The visitor found the assistant’s answers unhelpful'],
      ['provider_error', 'assistant', 'The assistant could not answer (its AI service failed)'],
      ['filtered', 'assistant', 'The assistant’s answer was blocked by its content filter'],
      ['put back in the queue by an agent', 'agent', 'An agent put it back in the queue'],
    ];
    for (const [reason, by, text] of codes) expect(handoffReason(reason, by), reason).to.deep.equal({ text });
    // What a visitor or an agent typed stays theirs, quoted after who asked.
    expect(handoffReason('Refund for order 1234', 'visitor')).to.deep.equal({
      text: 'The visitor asked for a person',
      quote: 'Refund for order 1234',
    });
    expect(handoffReasonLine('VIP customer', 'agent')).to.equal('An agent put it in the queue: “VIP customer”');
    expect(handoffReason(undefined, 'visitor')).to.deep.equal({ text: 'The visitor asked for a person' });
  });

  it('offers the handoff actions the state allows, and none on a closed conversation', () => {
    const me = { closed: false, agentId: 'a1', otherAgents: 1 };
    const offered = (h: Parameters<typeof handoffActions>[0], o = me) =>
      Object.entries(handoffActions(h, o))
        .filter(([, on]) => on)
        .map(([name]) => name);
    expect(offered({ state: 'assistant', assistant: true })).to.deep.equal(['takeOver']);
    expect(offered({ state: 'queued', assistant: true })).to.deep.equal(['accept', 'returnToAssistant']);
    expect(offered({ state: 'assigned', agent: { id: 'a1' }, assistant: true })).to.deep.equal(['returnToAssistant', 'transfer']);
    expect(offered({ state: 'assigned', agent: { id: 'a2' }, assistant: true })).to.deep.equal([
      'takeFromAgent',
      'returnToAssistant',
      'transfer',
    ]);
    expect(offered({ state: 'assigned', agent: { id: 'a1' }, assistant: true }, { ...me, otherAgents: 0 })).to.deep.equal([
      'returnToAssistant',
    ]);
    for (const state of ['assistant', 'queued', 'assigned', 'none']) {
      expect(offered({ state, agent: { id: 'a2' }, assistant: true }, { ...me, closed: true }), state).to.deep.equal([]);
    }
  });

  it('offers no "Return to assistant" where the conversation has no assistant (the server answers 409 assistant_disabled)', () => {
    const me = { closed: false, agentId: 'a1', otherAgents: 1 };
    const offered = (h: Parameters<typeof handoffActions>[0]) =>
      Object.entries(handoffActions(h, me))
        .filter(([, on]) => on)
        .map(([name]) => name);
    // Nobody has it on a site without the assistant: an agent takes it, as from the inbox.
    expect(offered({ state: 'none', assistant: false })).to.deep.equal(['takeOver']);
    expect(offered({ state: 'queued', assistant: false })).to.deep.equal(['accept']);
    expect(offered({ state: 'assigned', agent: { id: 'a1' }, assistant: false })).to.deep.equal(['transfer']);
    expect(offered({ state: 'assigned', agent: { id: 'a2' }, assistant: false })).to.deep.equal(['takeFromAgent', 'transfer']);
  });

  it('names a queued visitor as the conversation list does', () => {
    const c = { id: 'c_k3Fq9', visitorRef: 'v_ipUvuMx8', status: 'open', lastSeq: 1, lastMessage: null, createdAt: '', updatedAt: '' };
    expect(visitorName({ visitorRef: 'v_ipUvuMx8' })).to.equal('Visitor ipUvuM…');
    expect(visitorName({ visitorRef: 'v_ipUvuMx8' })).to.equal(conversationTitle(c));
    expect(visitorName({ visitorRef: 'v_x', contact: { name: 'Ada' } })).to.equal('Ada');
  });

  it('reaches the agent WebSocket on the console’s own origin when the API base is empty', () => {
    expect(agentSocketUrl('', 'https://chat.example.com')).to.equal('wss://chat.example.com/ws/agent');
    expect(agentSocketUrl('')).to.equal(`${location.origin.replace(/^http/, 'ws')}/ws/agent`);
    expect(agentSocketUrl('http://127.0.0.1:8787', 'https://chat.example.com')).to.equal('ws://127.0.0.1:8787/ws/agent');
  });
});
