// @ts-check
// TURN (docs/voice.md, "In-browser calls and TURN"): a locally started coturn, given to browsers
// through a tenant's `voice.webrtc.iceServers` (the session's `config.voice.iceServers`), relays a
// call's audio when `iceTransportPolicy: 'relay'` forbids any direct path. Two RTCPeerConnections
// in Chromium (fake microphone) connect only through coturn: the selected candidate pair is a relay
// pair on both sides and audio bytes flow both ways. Skipped when coturn is not installed
// (`apt-get install coturn`).
import { spawn, spawnSync } from 'node:child_process';
import { connect, createServer as createNetServer } from 'node:net';
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import puppeteer from 'puppeteer-core';
import { startServer } from './chat-server.mjs';

const hasTurn = spawnSync('sh', ['-c', 'command -v turnserver']).status === 0;

/** A free TCP/UDP port number on 127.0.0.1 (TCP checked; coturn listens on both). */
function freePort() {
  return new Promise((resolve) => {
    const s = createNetServer().listen(0, '127.0.0.1', () => {
      const { port } = /** @type {import('node:net').AddressInfo} */ (s.address());
      s.close(() => resolve(port));
    });
  });
}

/** @type {import('node:child_process').ChildProcess | undefined} */
let turn;
/** @type {Awaited<ReturnType<typeof startServer>> | undefined} */
let server;
/** @type {import('puppeteer-core').Browser | undefined} */
let browser;
let port = 0;

before(async () => {
  if (!hasTurn) return;
  port = /** @type {number} */ (await freePort());
  turn = spawn(
    'turnserver',
    [
      '-n',
      '--listening-ip=127.0.0.1',
      '--relay-ip=127.0.0.1',
      `--listening-port=${port}`,
      '--min-port=49300',
      '--max-port=49400',
      '--lt-cred-mech',
      '--user=amoiq:turn-test-secret',
      '--realm=amoiq.test',
      '--allow-loopback-peers',
      '--no-cli',
      '--no-tls',
      '--no-dtls',
      '--fingerprint',
      '--log-file=stdout',
      '--simple-log',
    ],
    { stdio: ['ignore', 'pipe', 'pipe'] },
  );
  // Ready when its TCP listener (same port as UDP) accepts a connection.
  let exited = false;
  turn.on('exit', () => (exited = true));
  for (const deadline = Date.now() + 10_000; ;) {
    const open = await new Promise((resolve) => {
      const socket = connect(port, '127.0.0.1', () => (socket.end(), resolve(true)));
      socket.on('error', () => resolve(false));
    });
    if (open) break;
    if (exited || Date.now() > deadline) throw new Error('coturn did not start');
    await new Promise((r) => setTimeout(r, 100));
  }
  server = await startServer({
    voice: {
      webrtc: {
        enabled: true,
        iceServers: [{ urls: `turn:127.0.0.1:${port}?transport=udp`, username: 'amoiq', credential: 'turn-test-secret' }],
      },
    },
  });
  browser = await puppeteer.launch({
    executablePath: process.env.CHROME_PATH ?? '/usr/bin/chromium',
    args: ['--no-sandbox', '--headless=new', '--use-fake-device-for-media-stream', '--use-fake-ui-for-media-stream'],
  });
});

after(async () => {
  await browser?.close();
  await server?.close();
  turn?.kill();
});

test(
  'a call relayed through coturn (iceTransportPolicy relay): relay pairs, audio both ways',
  { skip: !hasTurn && 'coturn is not installed' },
  async () => {
    const s = await /** @type {NonNullable<typeof server>} */ (server).session();
    const iceServers = s.config.voice.iceServers;
    assert.equal(iceServers[0].urls, `turn:127.0.0.1:${port}?transport=udp`);
    const page = await /** @type {NonNullable<typeof browser>} */ (browser).newPage();
    // A page of the server's origin: loopback is a secure context, so getUserMedia exists.
    await page.goto(`${server?.url}/voice-turn-test`);
    const result = await page.evaluate(async (servers) => {
      const config = { iceServers: servers, iceTransportPolicy: /** @type {RTCIceTransportPolicy} */ ('relay') };
      const a = new globalThis.RTCPeerConnection(config);
      const b = new globalThis.RTCPeerConnection(config);
      a.onicecandidate = (e) => e.candidate && b.addIceCandidate(e.candidate);
      b.onicecandidate = (e) => e.candidate && a.addIceCandidate(e.candidate);
      for (const pc of [a, b]) {
        const stream = await navigator.mediaDevices.getUserMedia({ audio: true });
        for (const track of stream.getTracks()) pc.addTrack(track, stream);
      }
      await a.setLocalDescription(await a.createOffer());
      await b.setRemoteDescription(/** @type {RTCSessionDescriptionInit} */ (a.localDescription));
      await b.setLocalDescription(await b.createAnswer());
      await a.setRemoteDescription(/** @type {RTCSessionDescriptionInit} */ (b.localDescription));
      const deadline = Date.now() + 20_000;
      /** @param {RTCPeerConnection} pc */
      const read = async (pc) => {
        let sent = 0;
        let received = 0;
        let local = '';
        let remote = '';
        const reports = await pc.getStats();
        reports.forEach((r) => {
          if (r.type === 'outbound-rtp' && r.kind === 'audio') sent += r.bytesSent;
          if (r.type === 'inbound-rtp' && r.kind === 'audio') received += r.bytesReceived;
          if (r.type === 'candidate-pair' && r.nominated && r.state === 'succeeded') {
            local = reports.get(r.localCandidateId)?.candidateType ?? '';
            remote = reports.get(r.remoteCandidateId)?.candidateType ?? '';
          }
        });
        return { sent, received, local, remote, state: pc.connectionState };
      };
      for (;;) {
        const [x, y] = [await read(a), await read(b)];
        if (x.received > 2000 && y.received > 2000 && x.local && y.local && x.state === 'connected' && y.state === 'connected')
          return { a: x, b: y };
        if (Date.now() > deadline) return { a: x, b: y, timedOut: true };
        await new Promise((r) => setTimeout(r, 100));
      }
    }, iceServers);
    assert.equal(result.timedOut, undefined, JSON.stringify(result));
    assert.equal(result.a.state, 'connected');
    assert.equal(result.a.local, 'relay');
    assert.equal(result.a.remote, 'relay');
    assert.equal(result.b.local, 'relay');
    assert.ok(result.a.received > 2000 && result.b.received > 2000, JSON.stringify(result));
  },
);
