// @ts-check
// docs/security.md, "Upload storage" and "Image metadata": per-visitor and per-tenant storage
// quotas (413 `quota_exceeded`), the sweep of uploads no message took up within the hour (run
// with a moved clock, no waiting), and metadata stripped from images before anyone downloads them.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { API_KEY, freshIp, newId, startServer } from './chat-server.mjs';

/** @type {Awaited<ReturnType<typeof startServer>>} */
let server;

before(async () => {
  server = await startServer({
    limits: { visitorStorageBytes: 3000, tenantStorageBytes: 9000, unattachedFileSeconds: 3600, sweepIntervalSeconds: 0 },
  });
});
after(() => server.close());

/**
 * Uploads `body` as the session's visitor.
 * @param {any} s
 * @param {string | Uint8Array | ReadableStream} body
 * @param {{ type?: string, name?: string }} [o]
 */
async function upload(s, body, { type = 'text/plain', name = 'file.txt' } = {}) {
  const stream = body instanceof ReadableStream;
  const res = await fetch(`${server.url}/api/chat/uploads?conversationId=${s.conversationId}&name=${encodeURIComponent(name)}`, {
    method: 'POST',
    headers: { Authorization: `Bearer ${API_KEY}`, 'X-Amoiq-Session': s.token, 'Content-Type': type, 'X-Forwarded-For': freshIp() },
    body: /** @type {BodyInit} */ (/** @type {unknown} */ (body)),
    ...(stream ? { duplex: 'half' } : {}),
  });
  return { status: res.status, body: await res.json() };
}

/** A chunked body of `size` bytes (no Content-Length). @param {number} size */
const chunked = (size) =>
  new ReadableStream({
    start(controller) {
      controller.enqueue(new Uint8Array(size).fill(0x61));
      controller.close();
    },
  });

/** @param {number} size */
const bytes = (size) => new Uint8Array(size).fill(0x62);

describe('image metadata', () => {
  /** A JPEG whose EXIF has a GPS IFD (tag 0x8825) and a camera make, plus a comment. */
  const jpeg = () => {
    const enc = (/** @type {string} */ t) => [...new TextEncoder().encode(t)];
    const tiff = [
      ...enc('MM'),
      0,
      42,
      0,
      0,
      0,
      8,
      0,
      2,
      0x01,
      0x0f,
      0,
      2,
      0,
      0,
      0,
      8,
      0,
      0,
      0,
      38,
      0x88,
      0x25,
      0,
      4,
      0,
      0,
      0,
      1,
      0,
      0,
      0,
      46,
      0,
      0,
      0,
      0,
      ...enc('GPSCam\0\0'),
      0,
      0,
      0,
      0,
      0,
      0,
    ];
    const app1 = [...enc('Exif\0\0'), ...tiff];
    const com = enc('home address');
    return Uint8Array.from([
      0xff,
      0xd8,
      0xff,
      0xe1,
      (app1.length + 2) >> 8,
      (app1.length + 2) & 0xff,
      ...app1,
      0xff,
      0xfe,
      0,
      com.length + 2,
      ...com,
      0xff,
      0xdb,
      0,
      4,
      0,
      1,
      0xff,
      0xda,
      0,
      8,
      1,
      1,
      0,
      0,
      0x3f,
      0,
      0x12,
      0x34,
      0xff,
      0xd9,
    ]);
  };

  test('an uploaded JPEG is served without its EXIF (GPS) and comment; the stored size is the clean one', async () => {
    const s = await server.session();
    const original = jpeg();
    const res = await upload(s, original, { type: 'image/jpeg', name: 'photo.jpg' });
    assert.equal(res.status, 201, JSON.stringify(res.body));
    const served = new Uint8Array(await (await fetch(res.body.attachment.url)).arrayBuffer());
    const text = new TextDecoder('latin1').decode(served);
    assert.equal(text.includes('GPSCam') || text.includes('home address') || text.includes('Exif'), false);
    assert.equal(res.body.attachment.size, served.length);
    assert.ok(served.length < original.length);
    assert.deepEqual([...served.subarray(-4)], [0x12, 0x34, 0xff, 0xd9]);
  });

  test('an upload declared as an image that is not one is refused with 415 and not kept', async () => {
    const s = await server.session();
    for (const type of ['image/png', 'image/jpeg', 'image/webp']) {
      const res = await upload(s, 'PNG but not really', { type, name: 'fake' });
      assert.equal(res.status, 415, type);
      assert.equal(res.body.error.code, 'unsupported_type');
    }
  });
});

describe('storage quotas', () => {
  test('a visitor may keep 3000 bytes: past that 413 quota_exceeded, declared or streamed', async () => {
    const s = await server.session();
    assert.equal((await upload(s, bytes(2000))).status, 201);
    const declared = await upload(s, bytes(1500));
    assert.equal(declared.status, 413);
    assert.equal(declared.body.error.code, 'quota_exceeded');
    const streamed = await upload(s, chunked(1500));
    assert.equal(streamed.status, 413);
    assert.equal(streamed.body.error.code, 'quota_exceeded');
    assert.equal((await upload(s, bytes(900))).status, 201);
    const full = await upload(s, bytes(200));
    assert.equal(full.status, 413);
    assert.equal(full.body.error.code, 'quota_exceeded');
    // The same visitor's next conversation shares the quota.
    const agent = await server.agentToken();
    await server.say(s, 'hi');
    await server.request(`/api/agent/conversations/${s.conversationId}/close`, { auth: agent, body: {} });
    const next = await server.session({ visitorId: s.visitorId, newConversation: true });
    assert.notEqual(next.conversationId, s.conversationId);
    assert.equal((await upload(next, bytes(200))).body.error.code, 'quota_exceeded');
    // Another visitor has a quota of its own.
    assert.equal((await upload(await server.session(), bytes(2000))).status, 201);
  });

  test('the tenant may keep 9000 bytes across visitors and agents', async () => {
    // 4900 bytes (and the small JPEG above) are in use from the tests above.
    const agent = await server.agentToken();
    const s = await server.session();
    await server.say(s, 'hello');
    const agentUpload = await fetch(`${server.url}/api/agent/conversations/${s.conversationId}/uploads?name=a.txt`, {
      method: 'POST',
      headers: { Authorization: `Bearer ${agent}`, 'Content-Type': 'text/plain' },
      body: bytes(2500),
    });
    assert.equal(agentUpload.status, 201);
    assert.equal((await upload(s, bytes(1500))).status, 201);
    const over = await upload(await server.session(), bytes(200));
    assert.equal(over.status, 413);
    assert.equal(over.body.error.code, 'quota_exceeded');
    assert.match(over.body.error.message, /quota of this site/);
  });
});

describe('unattached uploads', () => {
  test('are deleted an hour after upload by the sweep; files sent with a message stay', async () => {
    // A server of its own, so the quota test's files do not matter.
    const own = await startServer({ limits: { unattachedFileSeconds: 3600, sweepIntervalSeconds: 0 } });
    try {
      const s = await own.session();
      const put = async (/** @type {string} */ name) => {
        const res = await fetch(`${own.url}/api/chat/uploads?conversationId=${s.conversationId}&name=${name}`, {
          method: 'POST',
          headers: { Authorization: `Bearer ${API_KEY}`, 'X-Amoiq-Session': s.token, 'Content-Type': 'text/plain' },
          body: `contents of ${name}`,
        });
        assert.equal(res.status, 201);
        return (await res.json()).attachment;
      };
      const sent = await put('sent.txt');
      const orphan = await put('orphan.txt');
      const message = await own.request('/api/chat/messages', {
        auth: API_KEY,
        session: s.token,
        body: { conversationId: s.conversationId, clientId: newId(), text: 'see file', attachments: [sent.id] },
      });
      assert.equal(message.status, 201);
      const sweep = async (/** @type {number} */ minutes) =>
        (await own.request('/api/debug/sweep-uploads', { body: { now: new Date(Date.now() + minutes * 60_000).toISOString() } })).body
          .deleted;

      assert.deepEqual(await sweep(0), []);
      assert.deepEqual(await sweep(59), []);
      assert.deepEqual(await sweep(61), [orphan.id]);
      assert.equal((await fetch(orphan.url)).status, 404);
      assert.equal(existsSync(join(own.dataDir, 'files', orphan.id)), false);
      assert.equal(await (await fetch(sent.url)).text(), 'contents of sent.txt');
      assert.deepEqual(await sweep(24 * 60), []);
      // A deleted upload can no longer be sent.
      const late = await own.request('/api/chat/messages', {
        auth: API_KEY,
        session: s.token,
        body: { conversationId: s.conversationId, clientId: newId(), text: 'late', attachments: [orphan.id] },
      });
      assert.equal(late.status, 400);
    } finally {
      await own.close();
    }
  });
});
