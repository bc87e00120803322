// @ts-check
// Issue 11, quality bars: a refused microphone permission gives the documented message, for an
// in-browser call and for a voice message, in real Chromium (puppeteer-core) without the fake
// permission prompt: the site's microphone permission is denied through the browser's permission
// settings (CDP Browser.grantPermissions with nothing granted). And a browser with no microphone at
// all (no fake device; permission granted) says none was found. The widget is served from the
// sources and talks to the reference backend (test/node/voice-pages.mjs).
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import {
  PANEL,
  click,
  en,
  launch,
  openVoicePanel,
  origin,
  proxy,
  setup,
  teardown,
  until,
  visitorWithConversation,
} from './voice-pages.mjs';

before(setup);
after(teardown);

// The two run side by side: each has a browser of its own.
describe('microphone problems give the documented messages', { concurrency: 2 }, () => {
  test('refused permission: a call and a voice message both say so', async (t) => {
    // The fake device, but no fake prompt: the site's microphone permission is denied.
    const browser = await launch(['--use-fake-device-for-media-stream']);
    t.after(() => browser.close());
    await browser.defaultBrowserContext().overridePermissions(origin, []);
    const { page } = await visitorWithConversation(browser, proxy.url);
    assert.equal(
      await page.evaluate(async () => (await navigator.permissions.query({ name: /** @type {any} */ ('microphone') })).state),
      'denied',
    );

    await openVoicePanel(page);
    await click(page, ...PANEL, '.call-team');
    await until(
      page,
      'the refused-permission message in the panel',
      (/** @type {string} */ t) =>
        /** @type {any} */ (globalThis).__q('amoiq-chat', 'amoiq-voice-panel', '.detail')?.textContent.trim() === t,
      en.errors.permission_denied,
    );
    await click(page, ...PANEL, '.back');

    await until(
      page,
      'the record button',
      () => !!(/** @type {any} */ (globalThis).__q('amoiq-chat', 'amoiq-chat-input', 'amoiq-voice-recorder', '[part=record-button]')),
    );
    await click(page, 'amoiq-chat', 'amoiq-chat-input', 'amoiq-voice-recorder', '[part=record-button]');
    await until(
      page,
      'the refused-permission message in the recorder',
      (/** @type {string} */ t) =>
        /** @type {any} */ (globalThis).__q('amoiq-chat', 'amoiq-chat-input', 'amoiq-voice-recorder', '.problem')?.textContent.trim() === t,
      en.errors.permission_denied,
    );
  });

  test('no microphone: a call and a voice message say none was found', async (t) => {
    // No fake device: the container has no audio input. Permission granted, so only the device is missing.
    const browser = await launch([]);
    t.after(() => browser.close());
    await browser.defaultBrowserContext().overridePermissions(origin, ['microphone']);
    const { page } = await visitorWithConversation(browser, proxy.url);
    const inputs = await page.evaluate(
      async () => (await navigator.mediaDevices.enumerateDevices()).filter((d) => d.kind === 'audioinput').length,
    );
    if (inputs > 0) return t.skip(`this machine has ${inputs} audio input(s): "no microphone" cannot be staged`);

    await openVoicePanel(page);
    await click(page, ...PANEL, '.call-team');
    await until(
      page,
      'the no-microphone message in the panel',
      (/** @type {string} */ s) =>
        /** @type {any} */ (globalThis).__q('amoiq-chat', 'amoiq-voice-panel', '.detail')?.textContent.trim() === s,
      en.errors.no_microphone,
    );
    await click(page, ...PANEL, '.back');
    await until(
      page,
      'the record button',
      () => !!(/** @type {any} */ (globalThis).__q('amoiq-chat', 'amoiq-chat-input', 'amoiq-voice-recorder', '[part=record-button]')),
    );
    await click(page, 'amoiq-chat', 'amoiq-chat-input', 'amoiq-voice-recorder', '[part=record-button]');
    await until(
      page,
      'the no-microphone message in the recorder',
      (/** @type {string} */ s) =>
        /** @type {any} */ (globalThis).__q('amoiq-chat', 'amoiq-chat-input', 'amoiq-voice-recorder', '.problem')?.textContent.trim() === s,
      en.errors.no_microphone,
    );
  });
});
