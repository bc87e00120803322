import { expect } from '@open-wc/testing';
import {
  RecordingSocket,
  acmeSession,
  agentSocket,
  agentToken,
  api,
  backend,
  fromNode,
  newId,
  newSession,
  uploadAgent,
  uploadProbe,
  uploadVisitor,
  visitorSocket,
  type Session,
} from './helpers.js';

// docs/protocol.md, Attachments: raw-body uploads, the tenant's type and size limits (checked
// while streaming), capability URLs served inert, and messages that reference uploaded files.

const sockets: RecordingSocket[] = [];
afterEach(() => sockets.splice(0).forEach((s) => s.close()));

/** A real 1×1 PNG: an upload declared as an image must be one (docs/security.md, Image metadata). */
const PNG = Uint8Array.from(atob('iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg=='), (c) =>
  c.charCodeAt(0),
);

async function send(session: Session, body: Record<string, unknown>) {
  const { apiKey } = await backend();
  return api('/api/chat/messages', {
    auth: apiKey,
    session: session.token,
    body: { conversationId: session.conversationId, clientId: newId(), ...body },
  });
}

describe('uploads', () => {
  it('stores a visitor file and serves it back with the same bytes and inert headers', async () => {
    const session = await newSession();
    const { url } = await backend();
    const res = await uploadVisitor(session, 'receipt.png', PNG, 'image/png');
    expect(res.status).to.equal(201);
    const { attachment } = res.body;
    expect(attachment).to.include({ name: 'receipt.png', type: 'image/png', size: PNG.length });
    expect(attachment.id).to.match(/^f_[A-Za-z0-9_-]{21}$/);
    expect(attachment.url).to.equal(`${url}/files/${attachment.id}/receipt.png`);

    const file = await fetch(attachment.url);
    expect(file.status).to.equal(200);
    expect(new Uint8Array(await file.arrayBuffer())).to.deep.equal(PNG);
    expect(file.headers.get('content-type')).to.equal('image/png');
    expect(file.headers.get('content-length')).to.equal(String(PNG.length));
    // The other headers are not exposed to a cross-origin fetch: read them from Node.
    const [raw] = await fromNode([{ path: new URL(attachment.url).pathname }]);
    expect(raw.headers['x-content-type-options']).to.equal('nosniff');
    expect(raw.headers['content-security-policy']).to.equal("default-src 'none'; sandbox");
    expect(raw.headers['content-disposition']).to.match(/^inline; filename="receipt\.png"/);
  });

  it('serves an HTML file as a download with the sandbox CSP, never as a page', async () => {
    const session = await newSession();
    const html = '<!doctype html><script>parent.pwned = true</script>';
    const res = await uploadVisitor(session, 'evil.html', html, 'text/plain');
    expect(res.status).to.equal(201);
    const [file] = await fromNode([{ path: new URL(res.body.attachment.url).pathname }]);
    expect(file.status).to.equal(200);
    expect(file.headers['content-type']).to.equal('text/plain');
    expect(file.headers['content-disposition']).to.match(/^attachment; filename="evil\.html"/);
    expect(file.headers['content-security-policy']).to.equal("default-src 'none'; sandbox");
    expect(file.headers['x-content-type-options']).to.equal('nosniff');
    expect(file.body).to.equal(html);
  });

  it('serves an SVG (allowed by image/*) as a download, never inline', async () => {
    const session = await newSession();
    const svg = '<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>';
    const res = await uploadVisitor(session, 'logo.svg', svg, 'image/svg+xml');
    expect(res.status).to.equal(201);
    const [file] = await fromNode([{ path: new URL(res.body.attachment.url).pathname }]);
    expect(file.headers['content-type']).to.equal('image/svg+xml');
    expect(file.headers['content-disposition']).to.match(/^attachment;/);
    expect(file.headers['content-security-policy']).to.equal("default-src 'none'; sandbox");
  });

  it('answers 404 for an unknown file id', async () => {
    const { url } = await backend();
    const res = await fetch(`${url}/files/f_${newId()}/x.png`);
    expect(res.status).to.equal(404);
    expect((await res.json()).error.code).to.equal('not_found');
  });

  it('sanitises file names: no path, no control or bidi characters, at most 200 characters', async () => {
    const session = await newSession();
    const cases: Array<[string, string]> = [
      ['../../etc/passwd.txt', 'passwd.txt'],
      ['C:\\Users\\me\\notes.txt', 'notes.txt'],
      ['a\u0000b\nc\u202Etxt.exe.txt', 'abctxt.exe.txt'],
      [`${'n'.repeat(300)}.txt`, `${'n'.repeat(196)}.txt`],
    ];
    for (const [raw, clean] of cases) {
      const res = await uploadVisitor(session, raw, 'hello', 'text/plain');
      expect(res.status, raw.slice(0, 40)).to.equal(201);
      expect(res.body.attachment.name).to.equal(clean);
      expect(res.body.attachment.url).to.match(/\/files\/f_[^/]+\/[^/]+$/);
    }
    for (const raw of ['', '..', 'dir/', '\u0001\u0002']) {
      const res = await uploadVisitor(session, raw, 'hello', 'text/plain');
      expect(res.status, JSON.stringify(raw)).to.equal(400);
    }
  });

  it('refuses types outside the allow-list with 415, and an empty body with 400', async () => {
    const session = await newSession();
    for (const type of ['text/html', 'application/x-msdownload', 'application/octet-stream', 'not a type']) {
      const res = await uploadVisitor(session, 'file.bin', 'x', type);
      expect(res.status, type).to.equal(415);
      expect(res.body.error.code).to.equal('unsupported_type');
    }
    expect((await uploadVisitor(session, 'ok.pdf', '%PDF-1.4', 'application/pdf')).status).to.equal(201);
    expect((await uploadVisitor(session, 'ok.txt', 'x', 'text/plain; charset=utf-8')).status).to.equal(201);
    const empty = await uploadVisitor(session, 'empty.txt', '', 'text/plain');
    expect(empty.status).to.equal(400);
  });

  it('applies the tenant’s own limits (acme: 1 MiB, png/jpeg/pdf)', async () => {
    const session = await acmeSession();
    expect(session.config.attachments).to.deep.equal({ maxSize: 1024 * 1024, types: ['image/png', 'image/jpeg', 'application/pdf'] });
    const { other } = await backend();
    const path = (name: string) => `/api/chat/uploads?conversationId=${session.conversationId}&name=${name}`;
    const headers = (type: string) => ({ 'Content-Type': type, 'X-Amoiq-Session': session.token });
    const [gif, pdf] = await fromNode([
      { path: path('a.gif'), auth: other.apiKey, origin: 'https://acme.example', headers: headers('image/gif'), body: 'GIF89a' },
      { path: path('a.pdf'), auth: other.apiKey, origin: 'https://acme.example', headers: headers('application/pdf'), body: '%PDF-1.4' },
    ]);
    expect(gif.status).to.equal(415);
    expect(pdf.status).to.equal(201);
    const big = await uploadProbe({
      path: path('big.png'),
      headers: { Authorization: `Bearer ${other.apiKey}`, ...headers('image/png') },
      sendBytes: 1024 * 1024 + 1,
    });
    expect(big.status).to.equal(413);
  });

  it('refuses a declared oversized upload with 413 before reading the body', async () => {
    const session = await newSession();
    const { apiKey } = await backend();
    const answer = await uploadProbe({
      path: `/api/chat/uploads?conversationId=${session.conversationId}&name=huge.png`,
      headers: { Authorization: `Bearer ${apiKey}`, 'X-Amoiq-Session': session.token, 'Content-Type': 'image/png' },
      declaredLength: 200 * 1024 * 1024,
      sendBytes: 200 * 1024 * 1024,
    });
    expect(answer.status).to.equal(413);
    expect(JSON.parse(answer.body).error.code).to.equal('payload_too_large');
    expect(answer.complete).to.equal(false);
    expect(answer.sent).to.be.lessThan(200 * 1024 * 1024);
  });

  it("a browser's oversized upload reads the 413 answer, never a reset connection", async function () {
    this.timeout(90_000); // three 16 MiB uploads from the page; on the old server the third hung
    // The server answers 413 as soon as the declared length is over the limit, while the browser
    // is still sending. It must then read and discard the rest before closing (a lingering
    // close): closing at once made the kernel send a RST, the browser dropped the answer it had
    // received and fetch() failed with a network error (status 0) — on a loaded machine, one
    // run in a few. Several rounds, each a fetch from this real browser.
    const session = await newSession();
    const body = new Uint8Array(16 * 1024 * 1024);
    for (let round = 0; round < 3; round++) {
      let answer: { status: number; body: any };
      try {
        answer = await uploadVisitor(session, `huge-${round}.png`, body, 'image/png');
      } catch (error) {
        throw new Error(`round ${round}: fetch failed instead of answering 413 (${String(error)})`);
      }
      expect(answer.status, `round ${round}`).to.equal(413);
      expect(answer.body.error.code).to.equal('payload_too_large');
    }
    // The server goes on serving uploads at the limit.
    expect((await uploadVisitor(session, 'small.png', PNG, 'image/png')).status).to.equal(201);
  });

  it('stops reading a chunked upload once it passes maxSize and answers 413 (the body never ends)', async () => {
    const session = await newSession();
    const { apiKey } = await backend();
    // 12 MiB sent chunked and never terminated: a server that waited for the whole body would
    // never answer (status 0).
    const answer = await uploadProbe({
      path: `/api/chat/uploads?conversationId=${session.conversationId}&name=big.png`,
      headers: { Authorization: `Bearer ${apiKey}`, 'X-Amoiq-Session': session.token, 'Content-Type': 'image/png' },
      chunked: true,
      sendBytes: 12 * 1024 * 1024,
    });
    expect(answer.status).to.equal(413);
    expect(JSON.parse(answer.body).error.code).to.equal('payload_too_large');
    // The server still works, and a file at the limit is accepted.
    const ok = await uploadVisitor(session, 'small.png', PNG, 'image/png');
    expect(ok.status).to.equal(201);
  });

  it('accepts uploads above the 64 KiB JSON body limit', async () => {
    const session = await newSession();
    const bytes = new Uint8Array(300 * 1024).fill(7);
    const res = await uploadVisitor(session, 'scan.pdf', bytes, 'application/pdf');
    expect(res.status).to.equal(201);
    expect(res.body.attachment.size).to.equal(bytes.length);
    const file = await fetch(res.body.attachment.url);
    expect(file.headers.get('content-length')).to.equal(String(bytes.length));
  });

  it('checks access: another visitor gets 403, another tenant 404, a closed conversation 409', async () => {
    const a = await newSession();
    const b = await newSession();
    const { apiKey } = await backend();
    const foreign = await fetch(`${(await backend()).url}/api/chat/uploads?conversationId=${a.conversationId}&name=x.txt`, {
      method: 'POST',
      headers: { Authorization: `Bearer ${apiKey}`, 'X-Amoiq-Session': b.token, 'Content-Type': 'text/plain' },
      body: 'x',
    });
    expect(foreign.status).to.equal(403);
    const acme = await acmeSession();
    const { other } = await backend();
    const [otherTenant] = await fromNode([
      {
        path: `/api/chat/uploads?conversationId=${a.conversationId}&name=x.png`,
        auth: other.apiKey,
        origin: 'https://acme.example',
        headers: { 'X-Amoiq-Session': acme.token, 'Content-Type': 'image/png' },
        body: 'PNG',
      },
    ]);
    expect(otherTenant.status).to.equal(404);

    const token = await agentToken();
    await api(`/api/agent/conversations/${a.conversationId}/close`, { auth: token, body: {} });
    const closed = await uploadVisitor(a, 'x.txt', 'x', 'text/plain');
    expect(closed.status).to.equal(409);
    expect(closed.body.error.code).to.equal('conversation_closed');
  });

  it('rate-limits uploads per client address (429 with Retry-After)', async () => {
    const session = await newSession();
    const { apiKey } = await backend();
    const ip = `10.77.${Math.floor(Math.random() * 250)}.${Math.floor(Math.random() * 250)}`;
    const request = {
      path: `/api/chat/uploads?conversationId=${session.conversationId}&name=n.txt`,
      auth: apiKey,
      ip,
      headers: { 'X-Amoiq-Session': session.token, 'Content-Type': 'text/plain' },
      body: 'x',
    };
    // Each request may wait its turn on a loaded machine: 20 s each rather than 3 (an upload that had
    // not answered in 3 s came back as status 0 and the count fell short).
    const answers = await fromNode(
      Array.from({ length: 61 }, () => request),
      'main',
      { timeoutMs: 20_000 },
    );
    // Each status and its first error code, to tell what refused an upload if this ever fails.
    const seen: Record<string, number> = {};
    for (const a of answers) {
      const key = `${a.status} ${a.body?.error?.code ?? ''}`.trim();
      seen[key] = (seen[key] ?? 0) + 1;
    }
    expect(
      answers.filter((a) => a.status === 201),
      JSON.stringify(seen),
    ).to.have.length(60);
    const limited = answers.find((a) => a.status === 429);
    expect(limited?.body.error.code).to.equal('rate_limited');
    expect(Number(limited?.headers['retry-after'])).to.be.greaterThan(0);
  });

  it('agents upload into their tenant’s conversations only', async () => {
    const session = await newSession();
    const token = await agentToken();
    const ok = await uploadAgent(token, session.conversationId, 'answer.pdf', '%PDF-1.4', 'application/pdf');
    expect(ok.status).to.equal(201);
    const { other } = await backend();
    const acme = await uploadAgent(await agentToken(other), session.conversationId, 'x.pdf', '%PDF', 'application/pdf');
    expect(acme.status).to.equal(404);
  });
});

describe('messages with attachments', () => {
  it('a visitor sends files (text may be empty); both sides receive the Attachment objects', async () => {
    const session = await newSession();
    const token = await agentToken();
    const agents = await agentSocket(token);
    sockets.push(agents);
    const one = (await uploadVisitor(session, 'a.png', PNG, 'image/png')).body.attachment;
    const two = (await uploadVisitor(session, 'b.txt', 'notes', 'text/plain')).body.attachment;
    const res = await send(session, { text: '', attachments: [one.id, two.id] });
    expect(res.status).to.equal(201);
    expect(res.body.message.text).to.equal('');
    expect(res.body.message.attachments).to.deep.equal([one, two]);
    const pushed = await agents.next((f) => f.type === 'message' && f.message.id === res.body.message.id);
    expect(pushed.message.attachments).to.deep.equal([one, two]);
    const noText = await send(session, { attachments: [one.id] });
    expect(noText.status).to.equal(201);
  });

  it('over the WebSocket too, and an agent message may carry attachments', async () => {
    const session = await newSession();
    const socket = await visitorSocket(session);
    sockets.push(socket);
    const file = (await uploadVisitor(session, 'a.png', PNG, 'image/png')).body.attachment;
    const clientId = newId();
    socket.send({ type: 'message', clientId, text: 'see this', attachments: [file.id] });
    const ack = await socket.next((f) => f.type === 'ack' && f.clientId === clientId);
    expect(ack.message.attachments).to.deep.equal([file]);

    const token = await agentToken();
    const agentFile = (await uploadAgent(token, session.conversationId, 'reply.pdf', '%PDF', 'application/pdf')).body.attachment;
    const reply = await api(`/api/agent/conversations/${session.conversationId}/messages`, {
      auth: token,
      body: { clientId: newId(), text: 'here you go', attachments: [agentFile.id] },
    });
    expect(reply.status).to.equal(201);
    const pushed = await socket.next((f) => f.type === 'message' && f.message.text === 'here you go');
    expect(pushed.message.attachments).to.deep.equal([agentFile]);
  });

  it('refuses another visitor’s file id, unknown ids, more than 5, duplicates, and empty text without files', async () => {
    const a = await newSession();
    const b = await newSession();
    const fileOfA = (await uploadVisitor(a, 'private.png', PNG, 'image/png')).body.attachment;
    const stolen = await send(b, { text: 'look', attachments: [fileOfA.id] });
    expect(stolen.status).to.equal(400);
    expect(stolen.body.error.code).to.equal('bad_request');
    const socket = await visitorSocket(b);
    sockets.push(socket);
    const clientId = newId();
    socket.send({ type: 'message', clientId, text: 'look', attachments: [fileOfA.id] });
    expect((await socket.next((f) => f.type === 'error' && f.clientId === clientId)).code).to.equal('bad_request');

    const ids: string[] = [];
    for (let i = 0; i < 6; i++) ids.push((await uploadVisitor(b, `f${i}.txt`, 'x', 'text/plain')).body.attachment.id);
    const cases: unknown[] = [ids, [ids[0], ids[0]], [`f_${newId()}`], 'f_x', [42]];
    for (const attachments of cases) {
      const res = await send(b, { text: 'x', attachments });
      expect(res.status, JSON.stringify(attachments).slice(0, 60)).to.equal(400);
    }
    expect((await send(b, { text: ' ', attachments: [] })).status).to.equal(400);
    expect((await send(b, { text: 'five', attachments: ids.slice(0, 5) })).status).to.equal(201);
  });

  it('a message queued with files while its conversation was closed can go into the visitor’s next one', async () => {
    const first = await newSession();
    const file = (await uploadVisitor(first, 'queued.png', PNG, 'image/png')).body.attachment;
    const token = await agentToken();
    await api(`/api/agent/conversations/${first.conversationId}/close`, { auth: token, body: {} });
    expect((await send(first, { text: 'queued', attachments: [file.id] })).status).to.equal(409);

    const { apiKey, tenantId } = await backend();
    const next = (
      await api<Session>('/api/chat/session', { auth: apiKey, body: { tenantId, visitorId: first.visitorId, newConversation: true } })
    ).body;
    expect(next.conversationId).to.not.equal(first.conversationId);
    const moved = await send(next, { text: 'queued', attachments: [file.id] });
    expect(moved.status).to.equal(201);
    expect(moved.body.message.attachments.map((a: { id: string }) => a.id)).to.deep.equal([file.id]);
    // Still nobody else's.
    expect((await send(await newSession(), { text: 'x', attachments: [file.id] })).status).to.equal(400);
  });

  it('builds file URLs on the server’s own origin, never on a forged Host header', async () => {
    const session = await newSession();
    const { apiKey } = await backend();
    const [answer] = await fromNode([
      {
        path: `/api/chat/uploads?conversationId=${session.conversationId}&name=note.txt`,
        auth: apiKey,
        headers: { Host: 'evil.test', 'X-Amoiq-Session': session.token, 'Content-Type': 'text/plain' },
        body: 'hello',
      },
    ]);
    expect(answer.status).to.equal(201);
    const fileUrl = new URL(answer.body.attachment.url);
    expect(fileUrl.hostname).to.equal('localhost');
    expect(fileUrl.pathname).to.match(/^\/files\/f_[\w-]+\/note\.txt$/);
  });

  it('the session answer carries the attachment settings', async () => {
    const session = await newSession();
    expect(session.config.attachments).to.deep.equal({
      maxSize: 10 * 1024 * 1024,
      types: ['image/*', 'application/pdf', 'text/plain', 'audio/webm', 'audio/mp4', 'audio/ogg'],
    });
  });
});

// docs/security.md, Image metadata: what a phone writes into a photo (EXIF with GPS, XMP, comments)
// never reaches the agent; the picture itself still shows.
describe('image metadata', () => {
  /** A real picture drawn on a canvas, encoded by the browser. */
  async function picture(type: 'image/jpeg' | 'image/webp'): Promise<Uint8Array> {
    const canvas = document.createElement('canvas');
    canvas.width = 16;
    canvas.height = 8;
    const ctx = canvas.getContext('2d')!;
    ctx.fillStyle = '#c00';
    ctx.fillRect(0, 0, 16, 8);
    const blob = await new Promise<Blob>((resolve) => canvas.toBlob((b) => resolve(b!), type, 0.9));
    return new Uint8Array(await blob.arrayBuffer());
  }

  /** EXIF (big-endian TIFF): Make "SpyPhone", a GPS IFD with latitude 48°51'29" N. */
  function exif(): Uint8Array {
    const text = (t: string) => [...new TextEncoder().encode(t)];
    const u16 = (n: number) => [n >> 8, n & 0xff];
    const u32 = (n: number) => [(n >>> 24) & 0xff, (n >>> 16) & 0xff, (n >>> 8) & 0xff, n & 0xff];
    const entry = (tag: number, type: number, count: number, value: number[]) => [...u16(tag), ...u16(type), ...u32(count), ...value];
    // IFD0 at 8 (2 entries), "SpyPhone\0" at 38, GPS IFD at 47 (2 entries), rationals at 77.
    return Uint8Array.from([
      ...text('Exif\0\0'),
      ...text('MM'),
      ...u16(42),
      ...u32(8),
      ...u16(2),
      ...entry(0x010f, 2, 9, u32(38)),
      ...entry(0x8825, 4, 1, u32(47)),
      ...u32(0),
      ...text('SpyPhone\0'),
      ...u16(2),
      ...entry(0x0001, 2, 2, [0x4e, 0, 0, 0]),
      ...entry(0x0002, 5, 3, u32(77)),
      ...u32(0),
      ...[48, 1, 51, 1, 29, 1].flatMap(u32),
    ]);
  }

  const has = (bytes: Uint8Array, needle: string) => new TextDecoder('latin1').decode(bytes).includes(needle);

  async function roundTrip(bytes: Uint8Array, type: string, name: string) {
    const session = await newSession();
    const res = await uploadVisitor(session, name, new Blob([bytes as BlobPart]), type);
    expect(res.status, JSON.stringify(res.body)).to.equal(201);
    const served = await fetch(res.body.attachment.url);
    const clean = new Uint8Array(await served.arrayBuffer());
    expect(res.body.attachment.size).to.equal(clean.length);
    // Still a picture the browser can draw, of the same size.
    const bitmap = await createImageBitmap(new Blob([clean as BlobPart], { type }));
    expect([bitmap.width, bitmap.height]).to.deep.equal([16, 8]);
    return clean;
  }

  it('a JPEG with GPS EXIF and a comment is served without them', async () => {
    const jpeg = await picture('image/jpeg');
    const app1 = exif();
    const comment = new TextEncoder().encode('taken at 12 Rue Example');
    // SOI, then the EXIF APP1 segment and a COM segment, then the rest of the browser's JPEG.
    const withGps = Uint8Array.from([
      0xff,
      0xd8,
      0xff,
      0xe1,
      (app1.length + 2) >> 8,
      (app1.length + 2) & 0xff,
      ...app1,
      0xff,
      0xfe,
      (comment.length + 2) >> 8,
      (comment.length + 2) & 0xff,
      ...comment,
      ...jpeg.subarray(2),
    ]);
    expect(has(withGps, 'SpyPhone') && has(withGps, 'Rue Example')).to.equal(true);
    const clean = await roundTrip(withGps, 'image/jpeg', 'photo.jpg');
    expect(has(clean, 'SpyPhone') || has(clean, 'Rue Example') || has(clean, 'Exif')).to.equal(false);
  });

  it('a WebP with an EXIF chunk is served without it', async () => {
    const webp = await picture('image/webp');
    const app1 = exif().subarray(6);
    const chunk = [
      ...new TextEncoder().encode('EXIF'),
      app1.length & 0xff,
      (app1.length >> 8) & 0xff,
      0,
      0,
      ...app1,
      ...(app1.length % 2 ? [0] : []),
    ];
    const body = [...webp.subarray(12), ...chunk];
    const size = 4 + body.length;
    const withExif = Uint8Array.from([
      ...webp.subarray(0, 4),
      size & 0xff,
      (size >> 8) & 0xff,
      (size >> 16) & 0xff,
      size >>> 24,
      ...webp.subarray(8, 12),
      ...body,
    ]);
    expect(has(withExif, 'SpyPhone')).to.equal(true);
    const clean = await roundTrip(withExif, 'image/webp', 'photo.webp');
    expect(has(clean, 'SpyPhone') || has(clean, 'EXIF')).to.equal(false);
  });

  it('an upload declared as an image that is not one is refused with 415', async () => {
    const session = await newSession();
    for (const type of ['image/png', 'image/jpeg', 'image/webp']) {
      const res = await uploadVisitor(session, 'fake', 'not really a picture', type);
      expect(res.status, type).to.equal(415);
      expect(res.body.error.code).to.equal('unsupported_type');
    }
  });
});
