import { expect } from '@open-wc/testing';
import type { AmoiqChat } from '../../src/components/chat/chat.js';
import { until } from '../helpers/until.js';
import { backend, fromNode, serverJob } from '../server/helpers.js';
import { Agent, type BackendInfo } from './backend.js';

// Issue 13, item 2 and seed 003: widget configurations kept on the server. A snippet with only a
// widget id (seed 003's, verbatim but for the host and the id) gets the configured look before
// the launcher's first paint; what the page says wins over the server; a domain the widget does
// not list is refused with a console error naming the fix; GET /embed/config/:id has an ETag.

interface Sample {
  color: string;
  corner: string;
}

/**
 * A page of the test runner's origin (the backend is another) holding `body`, with a recorder
 * that runs before it: at every animation frame (rAF callbacks run before the frame is painted)
 * it notes the launcher's colour and corner once the launcher exists, and it keeps the page's
 * console errors and amoiq-error events.
 */
async function page(body: string) {
  const frame = document.createElement('iframe');
  frame.style.cssText = 'width:800px;height:700px;border:0';
  const recorder = `<script>
    window.frames_ = []; window.consoleErrors = []; window.errorCodes = [];
    const error = console.error.bind(console);
    console.error = (...a) => { consoleErrors.push(a.map(String).join(' ')); error(...a); };
    document.addEventListener('amoiq-error', (e) => errorCodes.push(e.detail.code));
    const sample = () => {
      const l = document.querySelector('amoiq-chat')?.shadowRoot?.querySelector('[part="launcher"]');
      if (l) {
        const r = l.getBoundingClientRect();
        frames_.push({ color: getComputedStyle(l).backgroundColor,
          corner: (r.top < innerHeight / 2 ? 'top' : 'bottom') + '-' + (r.left < innerWidth / 2 ? 'left' : 'right') });
      }
      if (frames_.length < 30) requestAnimationFrame(sample);
    };
    requestAnimationFrame(sample);
  </script>`;
  frame.srcdoc = `<!doctype html><html lang="en"><head><meta charset="utf-8"></head><body><h1>A site</h1>${recorder}${body}</body></html>`;
  const loaded = new Promise((resolve) => frame.addEventListener('load', resolve, { once: true }));
  document.body.append(frame);
  await loaded;
  return { win: frame.contentWindow as Window & Record<string, any>, doc: frame.contentDocument!, frame };
}

const chatIn = (doc: Document) => doc.querySelector<AmoiqChat>('amoiq-chat');
const title = (el: AmoiqChat) =>
  el.shadowRoot!.querySelector('amoiq-chat-header')?.shadowRoot?.querySelector('[part="title"]')?.textContent?.trim() ?? '';

/** shared/seeds/003_cdf6e71c22569687.txt, "Basic Embedding". */
const basicSnippet = (url: string, id: string) =>
  `<script src="https://api.retellai.com/embed/widget.js?id=YOUR_WIDGET_ID" async></script>`
    .replace('https://api.retellai.com', url)
    .replace('YOUR_WIDGET_ID', id);

describe('widget configurations: GET /embed/config/:id and seed 003 (built drop-in, real backend)', function () {
  this.timeout(60_000);
  let info: BackendInfo;
  let agent: Agent;
  let agentToken: string;
  let frames: HTMLIFrameElement[] = [];

  async function createWidget(body: Record<string, unknown>): Promise<{ id: string; version: number }> {
    const res = await fetch(`${info.url}/api/agent/widgets`, {
      method: 'POST',
      headers: { Authorization: `Bearer ${agentToken}`, 'Content-Type': 'application/json' },
      body: JSON.stringify(body),
    });
    expect(res.status, JSON.stringify(await res.clone().json())).to.equal(201);
    return res.json();
  }

  const look = {
    name: 'Shop, orange',
    themeColor: '#D9480F',
    position: 'top-left',
    headerText: 'Shop help',
    welcomeMessage: 'Welcome from the server',
    texts: { de: { headerText: 'Hilfe im Shop' } },
    features: { emoji: false },
  };

  before(async function () {
    this.timeout(200_000);
    await serverJob('backend-build-widget', {}, 190_000);
    info = (await backend()) as unknown as BackendInfo;
    agent = await Agent.login(info);
    const login = await fetch(`${info.url}/api/agent/login`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify(info.agent),
    });
    agentToken = (await login.json()).token;
  });

  beforeEach(async () => {
    await new Promise((resolve) => {
      const req = indexedDB.deleteDatabase('amoiq-chat');
      req.onsuccess = req.onerror = req.onblocked = resolve;
    });
  });

  afterEach(() => {
    for (const f of frames) f.remove();
    frames = [];
  });

  it('answers the configuration with CORS and an ETag (304 while unchanged); refuses unknown, inactive, other domains', async () => {
    const { id } = await createWidget({ ...look, allowedDomains: ['https://shop.example'] });
    const off = await createWidget({ name: 'off', active: false });
    const [ok, again, evil, unknown, inactive] = await fromNode([
      { path: `/embed/config/${id}`, origin: 'https://shop.example' },
      { path: `/embed/config/${id}`, origin: 'https://shop.example', headers: { 'If-None-Match': 'PLACEHOLDER' } },
      { path: `/embed/config/${id}`, origin: 'https://evil.example' },
      { path: '/embed/config/w_doesnotexist00', origin: 'https://shop.example' },
      { path: `/embed/config/${off.id}` },
    ]);
    expect(ok.status).to.equal(200);
    expect(ok.body).to.deep.include({ id, themeColor: '#D9480F', position: 'top-left', headerText: 'Shop help' });
    expect(ok.headers['access-control-allow-origin']).to.equal('*');
    expect(ok.headers.etag).to.match(/^"w_.+"$/);
    expect(again.status).to.equal(200); // a wrong If-None-Match gets the body
    const [revalidated] = await fromNode([
      { path: `/embed/config/${id}`, origin: 'https://shop.example', headers: { 'If-None-Match': ok.headers.etag } },
    ]);
    expect(revalidated.status).to.equal(304);
    expect([evil.status, evil.body.error.code]).to.deep.equal([403, 'origin_not_allowed']);
    expect(evil.body.error.message).to.include('Fix:');
    expect([unknown.status, unknown.body.error.code]).to.deep.equal([404, 'unknown_widget']);
    expect([inactive.status, inactive.body.error.code]).to.deep.equal([403, 'widget_inactive']);
    // A change is a new version: the old ETag no longer matches.
    const put = await fetch(`${info.url}/api/agent/widgets/${id}`, {
      method: 'PUT',
      headers: { Authorization: `Bearer ${agentToken}`, 'Content-Type': 'application/json' },
      body: JSON.stringify({ ...look, themeColor: '#123456', allowedDomains: ['https://shop.example'] }),
    });
    expect(put.status).to.equal(200);
    const [changed] = await fromNode([
      { path: `/embed/config/${id}`, origin: 'https://shop.example', headers: { 'If-None-Match': ok.headers.etag } },
    ]);
    expect([changed.status, changed.body.themeColor]).to.deep.equal([200, '#123456']);
    // The keyless form widget:<id> is checked like the configuration.
    const [session] = await fromNode([
      {
        method: 'POST',
        path: '/api/chat/session',
        origin: 'https://evil.example',
        headers: { Authorization: `Bearer widget:${id}` },
        body: {},
      },
    ]);
    expect([session.status, session.body.error.code]).to.deep.equal([403, 'origin_not_allowed']);
    // Bad input is one 400 with a code.
    const bad = await fetch(`${info.url}/api/agent/widgets`, {
      method: 'POST',
      headers: { Authorization: `Bearer ${agentToken}`, 'Content-Type': 'application/json' },
      body: JSON.stringify({ name: 'x', position: 'middle' }),
    });
    expect([bad.status, (await bad.json()).error.code]).to.deep.equal([400, 'bad_request']);
  });

  it('seed 003 basic snippet, only an id: the configured look from the first painted frame, a message goes through, open/close/toggle', async () => {
    const { id } = await createWidget({ ...look, allowedDomains: [location.origin] });
    // shared/seeds/003, "Programmatic Control": the snippet and the page's button.
    const snippet = `${basicSnippet(info.url, id)}
  <button id="open-chat">Chat with us</button>
  <script>
    document.getElementById('open-chat').addEventListener('click', function() {
      if (window.rtlChatWidget && window.rtlChatWidget.open) {
        window.rtlChatWidget.open();
      }
    });
  </script>`;
    const { win, doc, frame } = await page(snippet);
    frames.push(frame);
    await until(() => win.frames_.length >= 5, 'five painted frames with the launcher');
    const samples: Sample[] = win.frames_;
    // Every frame since the launcher first appeared: the server's colour, in its corner.
    expect(
      samples.every((s) => s.color === 'rgb(217, 72, 15)' && s.corner === 'top-left'),
      JSON.stringify(samples.slice(0, 3)),
    ).to.equal(true);
    const el = chatIn(doc)!;
    expect(el.hasAttribute('no-emoji')).to.equal(true);
    expect(el.getAttribute('api-key')).to.equal(`widget:${id}`);

    doc.getElementById('open-chat')!.click();
    await until(() => el.open, 'rtlChatWidget.open() from the page button');
    await until(() => title(el) === 'Shop help', 'the header text from the server');
    win.rtlChatWidget!.close!();
    await until(() => !el.open, 'close()');
    win.rtlChatWidget!.toggle!();
    await until(() => el.open, 'toggle() opens');
    win.rtlChatWidget!.toggle!();
    await until(() => !el.open, 'toggle() closes');

    const text = `seed 003 ${Date.now()}`;
    win.AmoiqChat!.send(text);
    await until(
      async () => {
        for (const c of (await agent.conversations()).slice(0, 5))
          if ((await agent.messages(c.id)).some((m) => m.text === text)) return true;
        return false;
      },
      'the agent to see the message',
      15_000,
      200,
    );
  });

  it("seed 003 advanced configuration: the page's config wins over the server's (precedence)", async () => {
    const { id } = await createWidget({ ...look, allowedDomains: [location.origin] });
    // shared/seeds/003, "Advanced Configuration".
    const snippet = `<script>
  window.rtlChatWidget = {
    widgetId: 'YOUR_WIDGET_ID',
    config: {
      position: 'bottom-right',
      themeColor: '#0088FF',
      headerText: 'Chat with us',
      welcomeMessage: 'Hello! How can I help you today?',
      autoOpen: false
    }
  };
</script>
<script src="https://api.retellai.com/embed/widget.js" async></script>`
      .replace('YOUR_WIDGET_ID', id)
      .replace('https://api.retellai.com', info.url);
    const { win, doc, frame } = await page(snippet);
    frames.push(frame);
    await until(() => win.frames_.length >= 3, 'painted frames with the launcher');
    const samples: Sample[] = win.frames_;
    expect(
      samples.every((s) => s.color === 'rgb(0, 136, 255)' && s.corner === 'bottom-right'),
      JSON.stringify(samples.slice(0, 3)),
    ).to.equal(true);
    const el = chatIn(doc)!;
    el.show();
    await until(() => title(el) === 'Chat with us', "the page's header text");
    // What the page did not set still comes from the server.
    expect(el.hasAttribute('no-emoji')).to.equal(true);
  });

  it('each feature flag changes the widget: emoji, attachments and voice off hide their buttons, pre-chat fields ask, sound is on; the defaults keep them', async () => {
    /** A part of the element's inner components, by the component's tag and the part. */
    const inner = (el: AmoiqChat, tag: string, part: string) =>
      el.shadowRoot!.querySelector(tag)?.shadowRoot?.querySelector(`[part="${part}"]`) ?? null;
    const has = (el: AmoiqChat, tag: string, part: string) => inner(el, tag, part) !== null;
    const open = async (features: Record<string, unknown> | undefined) => {
      const { id } = await createWidget({ name: 'features', allowedDomains: [location.origin], ...(features ? { features } : {}) });
      const { win, doc, frame } = await page(basicSnippet(info.url, id));
      frames.push(frame);
      await until(() => win.frames_.length >= 1, 'the launcher');
      const el = chatIn(doc)!;
      el.show();
      await until(() => el.connectionState === 'online', 'online', 20_000);
      return el;
    };
    // The defaults: the tenant offers voice (the session's config) and attachments; emoji on.
    const on = await open(undefined);
    await until(() => has(on, 'amoiq-chat-header', 'voice-button'), 'the voice button', 20_000);
    await until(
      () => has(on, 'amoiq-chat-input', 'emoji-button') && has(on, 'amoiq-chat-input', 'attach-button'),
      'emoji and attach buttons',
      20_000,
    );
    expect(on.sound).to.equal(false);

    const off = await open({ emoji: false, attachments: false, voice: false, assistant: false, sound: true });
    await until(() => has(off, 'amoiq-chat-input', 'textarea'), 'the message box', 20_000);
    // Online: the session's answer (limits, config) is in, after which the other widget had its buttons.
    expect(inner(off, 'amoiq-chat-input', 'emoji-button'), 'emoji button').to.equal(null);
    expect(inner(off, 'amoiq-chat-input', 'attach-button'), 'attach button').to.equal(null);
    expect(inner(off, 'amoiq-chat-header', 'voice-button'), 'voice button').to.equal(null);
    expect([off.getAttribute('attachment-types'), off.hasAttribute('no-emoji'), off.sound]).to.deep.equal(['none', true, true]);

    const asks = await open({ preChatFields: 'name,email*' });
    await until(
      () => !!asks.shadowRoot!.querySelector('amoiq-pre-chat-form')?.shadowRoot?.querySelector('input'),
      'the pre-chat form',
      20_000,
    );
    const inputs = [...asks.shadowRoot!.querySelector('amoiq-pre-chat-form')!.shadowRoot!.querySelectorAll('input')];
    // name (optional) and email (required, the `*`).
    expect(inputs.map((i) => [i.type, i.required])).to.deep.equal([
      ['text', false],
      ['email', true],
    ]);
  });

  it('a page in German gets the German texts of the widget', async () => {
    const { id } = await createWidget({ ...look, allowedDomains: [location.origin] });
    const { win, doc, frame } = await page(`<script>document.documentElement.lang = 'de';</script>${basicSnippet(info.url, id)}`);
    frames.push(frame);
    await until(() => win.frames_.length >= 1, 'the launcher');
    const el = chatIn(doc)!;
    el.show();
    await until(() => title(el) === 'Hilfe im Shop', 'the German header text');
  });

  it('a domain the widget does not list: no widget, one console error naming the fix, amoiq-error with the code', async () => {
    const { id } = await createWidget({ ...look, allowedDomains: ['https://shop.example'] });
    const { win, doc, frame } = await page(basicSnippet(info.url, id));
    frames.push(frame);
    await until(() => win.errorCodes.length > 0, 'amoiq-error');
    expect(win.errorCodes).to.deep.equal(['origin_not_allowed']);
    const errors = (win.consoleErrors as string[]).filter((e) => e.includes('[amoiq-chat]'));
    expect(errors).to.have.length(1);
    expect(errors[0]).to.include('origin_not_allowed').and.include("Fix: add it to the widget's allowed domains");
    expect(chatIn(doc)).to.equal(null);
  });
});
