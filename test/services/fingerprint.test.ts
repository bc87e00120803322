import { expect } from '@open-wc/testing';
import { nanoid } from 'nanoid';
import { ChatApi } from '../../src/services/api.js';
import { ChatService } from '../../src/services/chat-service.js';
import { coarseFingerprint, coarseTraits, type FingerprintSource } from '../../src/services/fingerprint.js';
import type { VisitorIdentity } from '../../src/services/identity.js';
import { SessionManager } from '../../src/services/session.js';
import { ChatStore } from '../../src/services/store.js';
import { FakeClock, SESSION, fakeFetch, flush } from '../helpers/fakes.js';
import { until } from '../helpers/until.js';

const source = (over: Partial<FingerprintSource['navigator']> & { width?: number } = {}): FingerprintSource => ({
  navigator: {
    userAgent: 'UA/1.0',
    languages: ['fr-CA', 'fr', 'en'],
    language: 'fr-CA',
    hardwareConcurrency: 8,
    platform: 'Linux x86_64',
    ...over,
  },
  screen: { width: over.width ?? 1920, height: 1080, colorDepth: 24 },
  devicePixelRatio: 2,
  timeZone: 'America/Toronto',
});

describe('coarse fingerprint', () => {
  it('is 64 lowercase hex characters, the same on every call', async () => {
    const a = await coarseFingerprint();
    const b = await coarseFingerprint();
    expect(a).to.match(/^[0-9a-f]{64}$/);
    expect(b).to.equal(a);
    expect(await coarseFingerprint(source())).to.equal(await coarseFingerprint(source()));
  });

  it('is the SHA-256 of exactly the listed coarse traits, in order', async () => {
    expect(coarseTraits(source())).to.deep.equal(['UA/1.0', 'fr-CA,fr,en', 'America/Toronto', 1920, 1080, 24, 2, 8, 'Linux x86_64']);
    const digest = await crypto.subtle.digest('SHA-256', new TextEncoder().encode(JSON.stringify(coarseTraits(source()))));
    const hex = Array.from(new Uint8Array(digest), (b) => b.toString(16).padStart(2, '0')).join('');
    expect(await coarseFingerprint(source())).to.equal(hex);
    // Each trait counts.
    expect(await coarseFingerprint(source({ width: 1280 }))).not.to.equal(hex);
    expect(await coarseFingerprint(source({ hardwareConcurrency: 4 }))).not.to.equal(hex);
    expect(await coarseFingerprint(source({ languages: ['en'] }))).not.to.equal(hex);
    // The browser's own traits are read from its globals.
    expect(coarseTraits()).to.deep.equal([
      navigator.userAgent,
      navigator.languages.join(','),
      Intl.DateTimeFormat().resolvedOptions().timeZone,
      screen.width,
      screen.height,
      screen.colorDepth,
      devicePixelRatio,
      navigator.hardwareConcurrency,
      navigator.platform,
    ]);
  });

  it('draws, renders and measures nothing (no canvas, WebGL, audio or font probing)', async () => {
    const touched: string[] = [];
    const restore: Array<() => void> = [];
    const trap = (target: object, key: string, name: string) => {
      const owner = target as Record<string, unknown>;
      const original = Object.getOwnPropertyDescriptor(owner, key);
      if (!original) return;
      Object.defineProperty(owner, key, {
        configurable: true,
        get() {
          touched.push(name);
          return original.value ?? original.get?.call(this);
        },
      });
      restore.push(() => Object.defineProperty(owner, key, original));
    };
    trap(HTMLCanvasElement.prototype, 'getContext', 'canvas.getContext');
    trap(HTMLCanvasElement.prototype, 'toDataURL', 'canvas.toDataURL');
    trap(CanvasRenderingContext2D.prototype, 'measureText', 'measureText');
    trap(CanvasRenderingContext2D.prototype, 'getImageData', 'getImageData');
    trap(WebGLRenderingContext.prototype, 'getParameter', 'webgl.getParameter');
    trap(WebGL2RenderingContext.prototype, 'getParameter', 'webgl2.getParameter');
    trap(globalThis, 'OffscreenCanvas', 'OffscreenCanvas');
    trap(globalThis, 'AudioContext', 'AudioContext');
    trap(globalThis, 'OfflineAudioContext', 'OfflineAudioContext');
    trap(Document.prototype, 'fonts', 'document.fonts');
    trap(Navigator.prototype, 'plugins', 'navigator.plugins');
    trap(Navigator.prototype, 'mediaDevices', 'navigator.mediaDevices');
    const createElement = document.createElement;
    document.createElement = function (this: Document, tag: string, options?: ElementCreationOptions) {
      touched.push(`createElement(${tag})`);
      return createElement.call(this, tag, options);
    } as typeof document.createElement;
    restore.push(() => (document.createElement = createElement));
    try {
      expect(touched).to.deep.equal([]); // the traps are quiet until used
      expect(await coarseFingerprint()).to.match(/^[0-9a-f]{64}$/);
    } finally {
      restore.forEach((r) => r());
    }
    expect(touched).to.deep.equal([]);

    // And the source names none of those APIs.
    const code = await (await fetch(new URL('../../src/services/fingerprint.ts', import.meta.url))).text();
    expect(code).not.to.match(
      /getContext|toDataURL|measureText|getImageData|getParameter|OffscreenCanvas|AudioContext|document\.fonts|\.plugins|mediaDevices|enumerateDevices/,
    );
  });
});

/** A session answer: the server keeps the id it was given unless `relinkTo` names another visitor. */
function backend(relinkTo?: string) {
  let fail = false;
  const http = fakeFetch({
    'POST /api/chat/session': ({ body }) =>
      fail
        ? { status: 503, body: { error: { code: 'unavailable', message: 'down' } } }
        : {
            status: 200,
            body: {
              ...SESSION,
              visitorId: relinkTo ?? body.visitorId,
              conversationId: relinkTo ? 'c_old' : 'c_new',
              ...(relinkTo ? { relinked: true } : {}),
            },
          },
    'POST /api/chat/forget': () => ({ status: 204 }),
  });
  return {
    http,
    sessionBodies: () => http.calls.filter((c) => c.url.pathname === '/api/chat/session').map((c) => c.body),
    setFailing: (v: boolean) => (fail = v),
  };
}

const FP = 'ab'.repeat(32);

function manager(http: ReturnType<typeof fakeFetch>, fingerprint?: () => Promise<string | undefined>, identity?: VisitorIdentity) {
  const tenant = `t-${nanoid(6)}`;
  const store = new ChatStore(tenant, `amoiq-fp-${nanoid(8)}`);
  const api = new ChatApi({ gatewayUrl: 'http://backend.test', tenantId: tenant, fetch: http.fetch });
  return { store, session: new SessionManager({ api, store, clock: new FakeClock(), fingerprint, identity }) };
}

describe('fingerprint in the session request', () => {
  it('goes with the first session of a visitor id made because storage was empty, and the relinked id is adopted', async () => {
    const server = backend('v_relinked');
    const { store, session } = manager(server.http, async () => FP);
    const s = await session.get();
    const [body] = server.sessionBodies();
    expect(body.fingerprint).to.equal(FP);
    expect(body.visitorId).to.be.a('string').and.not.equal('v_relinked');
    expect(s.relinked).to.equal(true);
    expect(s.visitorId).to.equal('v_relinked');
    expect(await store.getVisitorId()).to.equal('v_relinked');
    expect((await store.getSession())!.conversationId).to.equal('c_old');

    // Renewals of a known visitor never carry it.
    session.invalidate();
    await session.get();
    expect(server.sessionBodies()[1]).to.include({ visitorId: 'v_relinked' });
    expect(server.sessionBodies()[1]).not.to.have.property('fingerprint');
  });

  it('is still sent when the first attempt failed (the id stays fresh until the server answered)', async () => {
    const server = backend();
    const { session } = manager(server.http, async () => FP);
    server.setFailing(true);
    let failed = false;
    await session.get().catch(() => (failed = true));
    expect(failed).to.equal(true);
    server.setFailing(false);
    await session.get();
    const [first, second] = server.sessionBodies();
    expect(second.visitorId).to.equal(first.visitorId);
    expect([first.fingerprint, second.fingerprint]).to.deep.equal([FP, FP]);
  });

  it('is not sent for a visitor id found in storage (including the one reset() stores)', async () => {
    const server = backend();
    const { store, session } = manager(server.http, async () => FP);
    await store.setVisitorId('v_kept');
    await session.get();
    expect(server.sessionBodies()[0]).to.deep.include({ visitorId: 'v_kept' });
    expect(server.sessionBodies()[0]).not.to.have.property('fingerprint');
  });

  it('is not sent without the option', async () => {
    const server = backend();
    const { session } = manager(server.http);
    await session.get();
    expect(server.sessionBodies()[0]).not.to.have.property('fingerprint');
  });

  it('is never sent with a user identity', async () => {
    const server = backend();
    const { session } = manager(server.http, async () => FP, { userId: 'u1', userToken: 'a.b.c' });
    await session.get();
    const [body] = server.sessionBodies();
    expect(body.userToken).to.equal('a.b.c');
    expect(body).not.to.have.property('fingerprint');
    // The API refuses to combine them even when asked to.
    const api = new ChatApi({ gatewayUrl: 'http://backend.test', tenantId: 't', fetch: server.http.fetch });
    await api.createSession('v1', { userId: 'u1', userToken: 'a.b.c' }, undefined, undefined, FP);
    expect(server.sessionBodies()[1]).not.to.have.property('fingerprint');
  });

  it('a fingerprint that cannot be computed is left out, the session still opens', async () => {
    const server = backend();
    const { session } = manager(server.http, () => Promise.reject(new Error('no crypto')));
    await session.get();
    expect(server.sessionBodies()[0]).not.to.have.property('fingerprint');
  });
});

describe('ChatService.forget()', () => {
  it('asks the server to forget this visitor with its session, and does nothing for a browser without a visitor', async () => {
    const server = backend();
    const options = {
      gatewayUrl: 'http://backend.test',
      tenantId: `t-${nanoid(6)}`,
      dbName: `amoiq-fp-${nanoid(8)}`,
      fetch: server.http.fetch,
      tabs: false as const,
    };
    const empty = new ChatService(options);
    await empty.forget();
    expect(server.http.calls).to.have.length(0);
    empty.stop();

    await new ChatStore(options.tenantId, options.dbName).setVisitorId('v_known');
    const service = new ChatService({ ...options, fingerprint: true, fingerprintFn: async () => FP });
    await service.forget();
    const forget = server.http.calls.find((c) => c.url.pathname === '/api/chat/forget')!;
    expect(forget.method).to.equal('POST');
    expect(forget.headers.get('X-Amoiq-Session')).to.equal(SESSION.token);
    expect(server.sessionBodies()[0]).to.deep.include({ visitorId: 'v_known' });
    service.stop();
  });

  it('never rejects and gives up after its timeout when the server does not answer', async () => {
    const clock = new FakeClock();
    const hanging = fakeFetch({
      'POST /api/chat/session': () => new Promise(() => undefined),
    });
    const options = {
      gatewayUrl: 'http://backend.test',
      tenantId: `t-${nanoid(6)}`,
      dbName: `amoiq-fp-${nanoid(8)}`,
      fetch: hanging.fetch,
      tabs: false as const,
      clock,
    };
    await new ChatStore(options.tenantId, options.dbName).setVisitorId('v_known');
    const service = new ChatService(options);
    let done = false;
    const forgetting = service.forget(2_000).then(() => (done = true));
    await until(() => hanging.calls.length > 0, 'the session request forget() needs');
    await flush();
    expect(done).to.equal(false);
    await clock.advance(2_000);
    await forgetting;
    expect(done).to.equal(true);
    service.stop();
  });
});
