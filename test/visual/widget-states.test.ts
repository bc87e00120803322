/**
 * Visual regression tests: each state of the widget is drawn from fixed data (no backend, a fixed
 * date, UTC, animations off) and its screenshot compared with test/visual/baselines/<name>.png.
 * A change of the look fails here until the baselines are written again on purpose:
 * `AMOIQ_UPDATE_SCREENSHOTS=1 npx web-test-runner test/visual/widget-states.test.ts`, then review
 * and commit the PNGs (docs/theming.md, "Visual regression tests").
 */
import { expect, fixture, html } from '@open-wc/testing';
import { emulateMedia, executeServerCommand, setViewport } from '@web/test-runner-commands';
import { nanoid } from 'nanoid';
import '../../src/define.js';
import type { AmoiqChat } from '../../src/components/chat/chat.js';
import type { ChatMessage, ChatState } from '../../src/services/chat-service.js';
import { serviceOf, until } from '../helpers/dom.js';

// Nothing listens on port 9: the element never reaches a server; the tests hand it its state.
const OFFLINE = 'http://127.0.0.1:9';
/** Share of differing pixels a screenshot may have (font hinting, anti-aliasing). */
const TOLERANCE = 0.005;
/** Messages of a fixed day in the past: the date separator and times never depend on today. */
const DAY = '2024-03-14T';

const agent = { type: 'agent' as const, id: 'a1', name: 'Ada (demo agent)' };
const visitor = { type: 'visitor' as const, id: 'v1' };

function msg(key: string, sender: ChatMessage['sender'], time: string, text: string, extra: Partial<ChatMessage> = {}): ChatMessage {
  return { key, id: key, sender, text, createdAt: `${DAY}${time}Z`, ...extra };
}

const conversation: ChatMessage[] = [
  msg('m1', agent, '09:02:05', 'Hi there! I can help with orders, returns and delivery.'),
  msg('m2', agent, '09:02:20', 'What can I do for you today?'),
  msg('m3', visitor, '09:03:01', 'Hello, I would like to return a jacket I bought last week.', { status: 'read' }),
  msg('m4', visitor, '09:03:40', 'It is too small. Order **#4521**.', { status: 'read' }),
  msg('m5', agent, '09:05:12', 'No problem! Our returns page is at https://example.com/returns — you have 30 days.'),
  msg('m6', visitor, '09:06:02', 'Great, thank you!', { status: 'delivered' }),
];

interface Scene {
  attrs?: Record<string, string>;
  state?: Partial<ChatState>;
  open?: boolean;
  width?: number;
  height?: number;
  dark?: boolean;
}

const config: ChatState['remoteConfig'] = {
  headerText: 'Acme Support',
  welcomeMessage: 'Hi there! Ask us anything about orders, returns or delivery.',
  team: { name: 'The Acme team', replyTime: 'minutes', agents: [{ name: 'Ada (demo agent)' }, { name: 'Ben Carter' }] },
};

async function mount(scene: Scene): Promise<AmoiqChat> {
  await setViewport({ width: scene.width ?? 760, height: scene.height ?? 720 });
  await emulateMedia({ colorScheme: scene.dark ? 'dark' : 'light', reducedMotion: 'reduce' });
  const el = await fixture<AmoiqChat>(
    html`<amoiq-chat tenant-id="t" gateway-url=${OFFLINE} db-name=${`amoiq-visual-${nanoid(8)}`}></amoiq-chat>`,
  );
  el.setAttribute('lang', 'en');
  for (const [k, v] of Object.entries(scene.attrs ?? {})) el.setAttribute(k, v);
  el.open = scene.open ?? true;
  await el.updateComplete;
  if (!el.open) return el;
  await until(() => !!(el as unknown as { chat?: { service?: unknown } }).chat?.service, 'the chat service');
  const service = serviceOf(el);
  await service.whenIdle();
  // The test plays the server: no transport, no timers; the state is the scene's.
  const inner = service as unknown as {
    transport: { stop(): void };
    snapshot: { state: ChatState; listeners: Set<(s: ChatState) => void>; patch(): void; publish(): void };
  };
  inner.transport.stop();
  // Nothing the service does later (a session retry, a store read) changes the scene.
  Object.assign(inner.snapshot, { patch: () => undefined, publish: () => undefined });
  const state: ChatState = {
    ...inner.snapshot.state,
    connection: 'online',
    transport: 'websocket',
    agentsOnline: true,
    conversationId: 'c1',
    visitorId: 'v1',
    messages: [],
    hasOlder: false,
    ...scene.state,
    remoteConfig: { ...config, ...scene.state?.remoteConfig },
  };
  inner.snapshot.state = state;
  for (const fn of inner.snapshot.listeners) fn(state);
  await settle(el);
  return el;
}

/** Every element in the tree (through shadow roots). */
function deepElements(root: Element | ShadowRoot, out: Element[] = []): Element[] {
  for (const node of root.querySelectorAll('*')) {
    out.push(node);
    if (node.shadowRoot) deepElements(node.shadowRoot, out);
  }
  return out;
}

/** Waits until lazy parts are defined and rendered, images loaded, animations finished, nothing focused. */
async function settle(el: AmoiqChat): Promise<void> {
  const pending = () => deepElements(el.shadowRoot!).filter((n) => n.localName.startsWith('amoiq-') && !customElements.get(n.localName));
  await until(() => pending().length === 0, 'the lazy parts');
  for (let i = 0; i < 3; i++) {
    await el.updateComplete;
    for (const n of deepElements(el.shadowRoot!)) await (n as Partial<{ updateComplete: Promise<unknown> }>).updateComplete;
    await new Promise((r) => requestAnimationFrame(r));
  }
  await until(
    () => deepElements(el.shadowRoot!).every((n) => !(n instanceof HTMLImageElement) || (n.complete && n.naturalWidth > 0)),
    'the images',
  );
  // The conversation at its newest message, as a visitor sees it on opening.
  const list = el.shadowRoot!.querySelector('amoiq-message-list')?.shadowRoot?.querySelector<HTMLElement>('.base');
  for (let i = 0; list && i < 5; i++) {
    list.scrollTop = list.scrollHeight;
    list.dispatchEvent(new Event('scroll'));
    await new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r)));
  }
  await document.fonts.ready;
  for (const n of [el, ...deepElements(el.shadowRoot!)]) {
    n.getAnimations().forEach((a) => (a.effect?.getComputedTiming().endTime === Infinity ? a.cancel() : a.finish()));
  }
  let active: Element | null = document.activeElement;
  while (active?.shadowRoot?.activeElement) active = active.shadowRoot.activeElement;
  (active as HTMLElement | null)?.blur?.();
  await new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r)));
}

/** Screenshots the widget (launcher and panel, with a margin) and compares it with its baseline. */
async function expectLooks(el: AmoiqChat, name: string): Promise<void> {
  const boxes = [el.shadowRoot!.querySelector('.launcher'), el.shadowRoot!.querySelector('.panel')]
    .filter((n): n is Element => !!n && !(n as HTMLElement).hidden)
    .map((n) => n.getBoundingClientRect())
    .filter((r) => r.width > 0);
  const pad = 12;
  const x = Math.max(0, Math.min(...boxes.map((b) => b.left)) - pad);
  const y = Math.max(0, Math.min(...boxes.map((b) => b.top)) - pad);
  const right = Math.min(innerWidth, Math.max(...boxes.map((b) => b.right)) + pad);
  const bottom = Math.min(innerHeight, Math.max(...boxes.map((b) => b.bottom)) + pad);
  const result = (await executeServerCommand('visual-compare', { name, clip: { x, y, width: right - x, height: bottom - y } })) as {
    diffPixels: number;
    ratio: number;
    baseline: boolean;
  };
  expect(result.baseline, `a baseline for ${name} (write it with AMOIQ_UPDATE_SCREENSHOTS=1)`).to.equal(true);
  expect(result.ratio, `${name}: ${result.diffPixels} pixels differ (test-results/visual/${name}.diff.png)`).to.be.at.most(TOLERANCE);
}

describe('visual regression: the widget looks as in test/visual/baselines', () => {
  before(async () => {
    await executeServerCommand('visual-setup');
  });
  afterEach(async () => {
    await setViewport({ width: 800, height: 600 });
    await emulateMedia({ colorScheme: 'light', reducedMotion: 'no-preference' });
    document.documentElement.removeAttribute('dir');
  });

  it('closed: the launcher', async () => {
    const el = await mount({ open: false });
    await settle(el);
    await expectLooks(el, 'closed');
  });

  it('open and empty: header, team, greeting, composer', async () => {
    await expectLooks(await mount({}), 'open-empty');
  });

  it('a conversation: grouped bubbles, one time per group, status on the last', async () => {
    await expectLooks(await mount({ state: { messages: conversation } }), 'conversation');
  });

  it('away: no agent online', async () => {
    const el = await mount({
      state: { agentsOnline: false, remoteConfig: { awayMessage: 'We are away right now. Leave your e-mail and we will write back.' } },
    });
    await expectLooks(el, 'away');
  });

  it('pre-chat form', async () => {
    await expectLooks(await mount({ attrs: { 'pre-chat-fields': 'name,email*' } }), 'pre-chat');
  });

  it('closed conversation', async () => {
    const closed = msg('m7', { type: 'system', id: 's', name: 'Ada (demo agent)' }, '09:10:00', 'Conversation closed', { event: 'closed' });
    await expectLooks(await mount({ state: { messages: [...conversation, closed], conversationStatus: 'closed' } }), 'closed-conversation');
  });

  it('attachments: an image and a PDF', async () => {
    const image = { id: 'f1', name: 'photo.png', type: 'image/png', size: 1851, url: `${location.origin}/test/visual/fixtures/photo.png` };
    const pdf = {
      id: 'f2',
      name: 'receipt-4521.pdf',
      type: 'application/pdf',
      size: 48_213,
      url: `${location.origin}/test/visual/fixtures/receipt.pdf`,
    };
    const messages = [
      msg('m1', agent, '09:02:05', 'Could you send a photo of the label?'),
      msg('m2', visitor, '09:03:01', '', { status: 'read', attachments: [image] }),
      msg('m3', visitor, '09:03:10', 'And the receipt.', { status: 'delivered', attachments: [pdf] }),
    ];
    await expectLooks(await mount({ state: { messages } }), 'attachments');
  });

  it('dark theme', async () => {
    await expectLooks(await mount({ dark: true, attrs: { theme: 'dark' }, state: { messages: conversation } }), 'dark');
  });

  it('right to left (Arabic)', async () => {
    document.documentElement.setAttribute('dir', 'rtl');
    const el = await mount({ state: { messages: conversation } });
    el.setAttribute('lang', 'ar');
    el.setAttribute('dir', 'rtl');
    const placeholder = () => el.shadowRoot!.querySelector('amoiq-chat-input')?.shadowRoot?.querySelector('textarea')?.placeholder;
    await until(() => !!placeholder() && placeholder() !== 'Type a message…', 'the Arabic texts');
    await settle(el);
    await expectLooks(el, 'rtl');
  });

  it('a 320 px wide phone', async () => {
    await expectLooks(await mount({ width: 320, height: 568, state: { messages: conversation } }), 'narrow');
  });
});
