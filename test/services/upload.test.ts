import { expect } from '@open-wc/testing';
import { nanoid } from 'nanoid';
import { ApiError } from '../../src/services/api.js';
import { ChatService } from '../../src/services/chat-service.js';
import { ChatStore } from '../../src/services/store.js';
import { sendUpload } from '../../src/services/upload.js';
import { checkMessage, decodeServerFrame, decodeSession, type Attachment } from '../../src/protocol/v1.js';
import { FakeClock, FakeWebSocket, SESSION, fakeFetch, flush, wireMessage } from '../helpers/fakes.js';

/** An XMLHttpRequest double: records the request; the test plays the server. */
class FakeXHR {
  static instances: FakeXHR[] = [];
  method = '';
  url = '';
  headers: Record<string, string> = {};
  body?: Blob;
  status = 0;
  responseText = '';
  responseType = '';
  aborted = false;
  private readonly listeners: Record<string, Array<(e?: unknown) => void>> = {};
  private readonly uploadListeners: Array<(e: { loaded: number; total: number; lengthComputable: boolean }) => void> = [];
  readonly upload = {
    addEventListener: (_type: string, fn: (e: { loaded: number; total: number; lengthComputable: boolean }) => void) =>
      this.uploadListeners.push(fn),
  };

  constructor() {
    FakeXHR.instances.push(this);
  }
  static get last(): FakeXHR {
    return FakeXHR.instances[FakeXHR.instances.length - 1];
  }
  open(method: string, url: string): void {
    this.method = method;
    this.url = url;
  }
  setRequestHeader(name: string, value: string): void {
    this.headers[name] = value;
  }
  getResponseHeader(name: string): string | null {
    return name === 'Retry-After' && this.status === 429 ? '7' : null;
  }
  addEventListener(type: string, fn: (e?: unknown) => void): void {
    (this.listeners[type] ??= []).push(fn);
  }
  send(body: Blob): void {
    this.body = body;
  }
  abort(): void {
    this.aborted = true;
    this.fire('abort');
  }
  // Server side:
  progress(loaded: number, total: number): void {
    for (const fn of this.uploadListeners) fn({ loaded, total, lengthComputable: true });
  }
  respond(status: number, body: unknown): void {
    this.status = status;
    this.responseText = JSON.stringify(body);
    this.fire('load');
  }
  fail(): void {
    this.fire('error');
  }
  private fire(type: string): void {
    for (const fn of this.listeners[type] ?? []) fn();
  }
}

const XHR = FakeXHR as unknown as typeof XMLHttpRequest;

const ATTACHMENT: Attachment = {
  id: 'f_1',
  name: 'receipt.pdf',
  type: 'application/pdf',
  size: 5,
  url: 'http://backend.test/files/f_1/receipt.pdf',
};
const file = (name = 'receipt.pdf', type = 'application/pdf', text = 'hello') => new File([text], name, { type });

describe('attachment codecs', () => {
  it('accepts a message with well-formed attachments', () => {
    expect(checkMessage(wireMessage(1, { attachments: [ATTACHMENT] }))).to.equal(undefined);
    const frame = decodeServerFrame(JSON.stringify({ type: 'message', message: wireMessage(1, { text: '', attachments: [ATTACHMENT] }) }));
    expect(frame.ok).to.equal(true);
  });

  it('refuses attachments with a non-http(s) URL, a wrong field or too many of them', () => {
    for (const url of ['javascript:alert(1)', 'data:text/html,<b>x</b>', 'blob:http://x/1', '/files/relative', 'not a url']) {
      expect(checkMessage(wireMessage(1, { attachments: [{ ...ATTACHMENT, url }] })), url).to.match(/url is not an http\(s\) URL/);
    }
    expect(checkMessage(wireMessage(1, { attachments: [{ ...ATTACHMENT, size: -1 }] }))).to.match(/size/);
    expect(checkMessage(wireMessage(1, { attachments: [{ ...ATTACHMENT, name: 42 }] }))).to.match(/name/);
    expect(checkMessage(wireMessage(1, { attachments: [{ ...ATTACHMENT, id: '' }] }))).to.match(/id/);
    expect(checkMessage(wireMessage(1, { attachments: ATTACHMENT }))).to.match(/at most 5/);
    expect(checkMessage(wireMessage(1, { attachments: Array(6).fill(ATTACHMENT) }))).to.match(/at most 5/);
  });

  it('reads config.attachments from the session answer, and nothing from a malformed one', () => {
    const ok = decodeSession({ ...SESSION, config: { attachments: { maxSize: 1024, types: ['image/*', 7] } } });
    expect(ok.ok && ok.value.config.attachments).to.deep.equal({ maxSize: 1024, types: ['image/*'] });
    const bad = decodeSession({ ...SESSION, config: { attachments: { maxSize: 'big', types: [] } } });
    expect(bad.ok && bad.value.config.attachments).to.equal(undefined);
  });
});

describe('sendUpload', () => {
  beforeEach(() => (FakeXHR.instances = []));

  it('posts the raw bytes with the session headers and reports progress', async () => {
    const progress: Array<[number, number]> = [];
    const result = sendUpload({
      url: 'http://backend.test/api/chat/uploads?conversationId=c1&name=receipt.pdf',
      headers: { Authorization: 'Bearer pk', 'X-Amoiq-Session': 'tok' },
      file: file(),
      onProgress: (loaded, total) => progress.push([loaded, total]),
      XMLHttpRequest: XHR,
    });
    const xhr = FakeXHR.last;
    expect(xhr.method).to.equal('POST');
    expect(xhr.headers).to.deep.equal({ Authorization: 'Bearer pk', 'X-Amoiq-Session': 'tok', 'Content-Type': 'application/pdf' });
    expect(await xhr.body!.text()).to.equal('hello');
    xhr.progress(2, 5);
    xhr.progress(5, 5);
    xhr.respond(201, { attachment: ATTACHMENT });
    expect(await result).to.deep.equal(ATTACHMENT);
    expect(progress).to.deep.equal([
      [2, 5],
      [5, 5],
    ]);
  });

  it('rejects with an ApiError carrying the protocol code', async () => {
    for (const [status, code] of [
      [413, 'payload_too_large'],
      [415, 'unsupported_type'],
      [429, 'rate_limited'],
    ] as const) {
      const result = sendUpload({ url: 'http://backend.test/u', headers: {}, file: file(), XMLHttpRequest: XHR });
      FakeXHR.last.respond(status, { error: { code, message: code } });
      const error = await result.catch((e: unknown) => e);
      expect(error).to.be.instanceOf(ApiError);
      expect(error).to.include({ status, code });
      if (status === 429) expect((error as ApiError).retryAfter).to.equal(7);
    }
  });

  it('rejects a network failure as network and an answer with a hostile URL as bad_response', async () => {
    const lost = sendUpload({ url: 'http://backend.test/u', headers: {}, file: file(), XMLHttpRequest: XHR });
    FakeXHR.last.fail();
    expect(await lost.catch((e: ApiError) => e.code)).to.equal('network');
    const hostile = sendUpload({ url: 'http://backend.test/u', headers: {}, file: file(), XMLHttpRequest: XHR });
    FakeXHR.last.respond(201, { attachment: { ...ATTACHMENT, url: 'javascript:alert(1)' } });
    expect(await hostile.catch((e: ApiError) => e.code)).to.equal('bad_response');
  });

  it('aborts the request when the signal aborts and rejects with AbortError', async () => {
    const controller = new AbortController();
    const result = sendUpload({ url: 'http://backend.test/u', headers: {}, file: file(), signal: controller.signal, XMLHttpRequest: XHR });
    controller.abort();
    const error = await result.catch((e: unknown) => e);
    expect(FakeXHR.last.aborted).to.equal(true);
    expect(error).to.be.instanceOf(DOMException);
    expect((error as DOMException).name).to.equal('AbortError');
  });
});

describe('ChatService attachments', () => {
  function setup() {
    FakeWebSocket.reset();
    FakeXHR.instances = [];
    const clock = new FakeClock();
    let sessions = 0;
    const http = fakeFetch({
      'POST /api/chat/session': ({ body }) => ({
        status: 200,
        body: {
          ...SESSION,
          visitorId: body.visitorId,
          token: `tok${++sessions}`,
          expiresAt: new Date(clock.now() + 900_000).toISOString(),
        },
      }),
      'GET /api/chat/messages': () => ({ status: 200, body: { messages: [], hasMore: false, lastSeq: 0 } }),
    });
    const dbName = `amoiq-test-${nanoid(8)}`;
    const service = new ChatService({
      gatewayUrl: 'http://backend.test',
      apiKey: 'pk',
      tenantId: 't1',
      dbName,
      fetch: http.fetch,
      WebSocket: FakeWebSocket,
      XMLHttpRequest: XHR,
      clock,
    });
    return { service, http, dbName, sessions: () => sessions };
  }

  async function until(check: () => boolean, what: string): Promise<void> {
    const end = Date.now() + 10_000;
    while (!check()) {
      if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
      await flush();
    }
  }

  it('uploads to the conversation and renews an expired token once', async () => {
    const { service, sessions } = setup();
    const result = service.upload(file('a b.pdf'));
    await until(() => FakeXHR.instances.length === 1, 'first upload');
    expect(FakeXHR.last.url).to.equal('http://backend.test/api/chat/uploads?conversationId=c1&name=a+b.pdf');
    expect(FakeXHR.last.headers['X-Amoiq-Session']).to.equal('tok1');
    FakeXHR.last.respond(401, { error: { code: 'token_expired', message: 'expired' } });
    await until(() => FakeXHR.instances.length === 2, 'second upload');
    expect(sessions()).to.equal(2);
    expect(FakeXHR.last.headers['X-Amoiq-Session']).to.equal('tok2');
    FakeXHR.last.respond(201, { attachment: ATTACHMENT });
    expect(await result).to.deep.equal(ATTACHMENT);
    service.stop();
  });

  it('keeps attachments in the outbox entry and sends their ids in the message frame', async () => {
    const { service, dbName } = setup();
    await service.start();
    await until(() => FakeWebSocket.instances.length > 0, 'socket');
    const queued = service.send('', [ATTACHMENT]);
    expect(queued.attachments).to.deep.equal([ATTACHMENT]);
    await flush();
    const [entry] = await new ChatStore('t1', dbName).getOutbox('c1');
    expect(entry.attachments).to.deep.equal([ATTACHMENT]);
    const ws = FakeWebSocket.last;
    ws.accept();
    await until(() => ws.sent.some((f) => f.type === 'message'), 'message frame');
    expect(ws.sent.find((f) => f.type === 'message')).to.deep.equal({
      type: 'message',
      clientId: queued.clientId,
      text: '',
      attachments: ['f_1'],
    });
    ws.frame({
      type: 'ack',
      clientId: queued.clientId,
      message: wireMessage(1, { clientId: queued.clientId, text: '', sender: { type: 'visitor' }, attachments: [ATTACHMENT] }),
    });
    await until(() => service.state.messages.at(-1)?.status === 'delivered', 'delivered');
    expect(service.state.messages.at(-1)?.attachments).to.deep.equal([ATTACHMENT]);
    service.stop();
  });

  it('sends attachment ids over HTTP too', async () => {
    FakeWebSocket.reset();
    let posted: Record<string, unknown> | undefined;
    const http = fakeFetch({
      'POST /api/chat/session': () => ({ status: 200, body: { ...SESSION } }),
      'GET /api/chat/messages': () => ({ status: 200, body: { messages: [], hasMore: false, lastSeq: posted ? 1 : 0 } }),
      'POST /api/chat/messages': ({ body }) => {
        posted = body;
        return {
          status: 201,
          body: {
            message: wireMessage(1, { clientId: body.clientId, text: body.text, sender: { type: 'visitor' }, attachments: [ATTACHMENT] }),
          },
        };
      },
    });
    const service = new ChatService({
      gatewayUrl: 'http://backend.test',
      apiKey: 'pk',
      tenantId: 't1',
      dbName: `amoiq-test-${nanoid(8)}`,
      fetch: http.fetch,
      clock: new FakeClock(),
    });
    await service.start();
    service.send('see file', [ATTACHMENT]);
    await until(() => posted !== undefined, 'HTTP send');
    expect(posted).to.include({ text: 'see file' });
    expect(posted!.attachments).to.deep.equal(['f_1']);
    service.stop();
  });

  it('refuses a message with neither text nor attachments, or with more than 5', () => {
    const { service } = setup();
    expect(() => service.send('  ', [])).to.throw(RangeError);
    expect(() => service.send('x', Array(6).fill(ATTACHMENT))).to.throw(RangeError, /5/);
    expect(service.state.messages).to.have.length(0);
    service.stop();
  });
});
