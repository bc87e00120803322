/**
 * The other seeds' embed snippets and JavaScript APIs on top of the drop-in, loaded only when a
 * page uses one (detect.ts). Each maps its options onto `ChatWidgetConfig` (the README has a table
 * per seed) and its methods onto the `<amoiq-chat>` the drop-in creates:
 *
 * - seed 002: `CallCenterChat.init({ apiUrl, tenantId, position, primaryColor, title, subtitle })`;
 * - seed 003: `widget.js?id=WIDGET_ID`, `window.rtlChatWidget = { widgetId, config }` and
 *   `rtlChatWidget.open()`, `close()`, `toggle()`;
 * - seed 004: `new ChatWidget({ backendUrl, theme, position, autoOpen })` with `openChat()`,
 *   `closeChat()`, `sendMessage()`, `escalateConversation(reason)`, `isConnected`, `on('message')`
 *   and `on('escalation')`; `window.chatWidget` is the widget the drop-in created.
 *
 * A widget id (seed 003) fetches the widget's configuration from the server first
 * (remote-config.ts), before the launcher exists, so its first paint has the configured look.
 * Precedence, lowest first: the server's widget configuration, then what the page's script says
 * (`ChatWidgetConfig`, `rtlChatWidget.config`, `CallCenterChat.init()`, `new ChatWidget()`), then
 * properties the page sets later. Attributes already on a `<amoiq-chat>` in the page also win over
 * the server's values.
 */
import type { AmoiqChat } from '../components/chat/chat.js';
import type { AmoiqMessageEvent } from '../events/message-event.js';
import type { ChatWidgetConfig, CompatQueue } from './types.js';
import { fetchWidgetConfig } from './remote-config.js';

type Options = Record<string, unknown>;

/** Seed 003's global: set by the page before the script, completed with its methods here. */
export interface RtlChatWidget {
  widgetId?: string;
  config?: Options;
  open?: () => void;
  close?: () => void;
  toggle?: () => void;
}

declare global {
  interface Window {
    CallCenterChat?: { init(options: Options): void };
    ChatWidget?: typeof SeedChatWidget;
    chatWidget?: SeedChatWidget;
    rtlChatWidget?: RtlChatWidget;
  }
}

const str = (v: unknown): string | undefined => (typeof v === 'string' && v ? v : undefined);
const bool = (v: unknown): boolean | undefined => (typeof v === 'boolean' ? v : undefined);
/** Keeps the keys that have a value. */
const defined = (o: ChatWidgetConfig): ChatWidgetConfig =>
  Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as ChatWidgetConfig;

/** Seed 004's `backendUrl` is a WebSocket URL (`wss://host`): the gateway is its http(s) origin. */
function httpOrigin(v: unknown): string | undefined {
  try {
    const url = new URL(String(v));
    url.protocol = url.protocol.replace(/^ws/, 'http');
    return /^https?:$/.test(url.protocol) ? url.origin : undefined;
  } catch {
    return undefined;
  }
}

/** Seed 002's `CallCenterChat.init()` options as the drop-in's (`subtitle` is shown under the title). */
export const fromSeed002 = (o: Options): ChatWidgetConfig =>
  defined({
    gatewayUrl: str(o.apiUrl),
    tenantId: str(o.tenantId),
    apiKey: str(o.apiKey),
    position: str(o.position),
    themeColor: str(o.primaryColor),
    headerText: str(o.title),
  });

/** Seed 003's `rtlChatWidget.config`: the same names as the drop-in's. */
export const fromSeed003 = (o: Options): ChatWidgetConfig =>
  defined({
    position: str(o.position),
    themeColor: str(o.themeColor),
    headerText: str(o.headerText),
    welcomeMessage: str(o.welcomeMessage),
    autoOpen: bool(o.autoOpen),
    width: str(o.width),
    height: str(o.height),
  });

/** Seed 004's `new ChatWidget()` options (plus `tenantId`, `apiKey`, `widgetId`: seed 004 names no tenant). */
export const fromSeed004 = (o: Options): ChatWidgetConfig =>
  defined({
    gatewayUrl: httpOrigin(o.backendUrl),
    tenantId: str(o.tenantId),
    apiKey: str(o.apiKey),
    theme: str(o.theme),
    position: str(o.position),
    autoOpen: bool(o.autoOpen),
  });

/** The widget and tenant named in the script's query: `widget.js?id=…`, `chat-widget.js?tenant=…`. */
export function fromScript(src: string): { widgetId?: string; tenantId?: string } {
  let query: URLSearchParams;
  try {
    query = new URL(src).searchParams;
  } catch {
    return {};
  }
  return {
    widgetId: query.get('id') ?? query.get('widgetId') ?? undefined,
    tenantId: query.get('tenant') ?? query.get('tenantId') ?? undefined,
  };
}

const kebab = (key: string) => key.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`);

/**
 * Sets `config` on an element that exists already (the page's own `<amoiq-chat>`, or a seed API
 * called after the drop-in mounted). `keep` are keys from the server: an attribute the page set
 * itself wins over them.
 */
function applyTo(el: AmoiqChat, config: ChatWidgetConfig, keep: ReadonlySet<string> = new Set()): void {
  for (const [key, value] of Object.entries(config)) {
    if (value === undefined || value === null || (keep.has(key) && el.hasAttribute(kebab(key)))) continue;
    if (value === false) el.removeAttribute(kebab(key));
    else el.setAttribute(kebab(key), value === true ? '' : String(value));
  }
  if (config.autoOpen) el.open = true;
}

/** The element the drop-in created (window.AmoiqChat), once mounted. */
const element = (): AmoiqChat | undefined => window.AmoiqChat?.element;

/** Seed 002's subtitle: a line under the title, in the header's slot. */
function showSubtitle(el: AmoiqChat, text: string): void {
  let line = el.querySelector<HTMLElement>('[slot="header"][data-amoiq-subtitle]');
  if (!line) {
    line = document.createElement('span');
    line.slot = 'header';
    line.dataset.amoiqSubtitle = '';
    line.style.cssText = 'font-size:.8125rem;opacity:.85';
    el.append(line);
  }
  line.textContent = text;
}

/** A message as seed 004's `on('message')` listeners know it, with the drop-in's as `message`. */
function seedMessage(e: AmoiqMessageEvent) {
  const m = e.detail.message;
  return {
    id: m.id ?? m.key,
    sender_id: m.sender.id ?? m.sender.type,
    sender_type: m.sender.type === 'visitor' ? 'user' : m.sender.type,
    content: m.text,
    timestamp: m.createdAt,
    direction: e.detail.direction,
    message: m,
  };
}

/**
 * Seed 004's `ChatWidget`: a handle on the drop-in's `<amoiq-chat>` (one per page; a second
 * `new ChatWidget()` configures the same one).
 */
export class SeedChatWidget {
  constructor(options: Options = {}) {
    pending.push(fromSeed004(options));
    scheduleMount();
  }

  /** True while the chat is connected to the server. */
  get isConnected(): boolean {
    return element()?.connectionState === 'online';
  }

  openChat(): void {
    element()?.show();
  }

  closeChat(): void {
    element()?.hide();
  }

  sendMessage(text: string): void {
    element()?.send(String(text));
  }

  /**
   * Asks for a person (seed 004's escalation). Uses the element's `escalate(reason)` when this
   * build has it (the assistant feature); otherwise says so once.
   */
  escalateConversation(reason?: string): Promise<unknown> | undefined {
    const el = element() as (AmoiqChat & { escalate?: (reason?: string) => Promise<unknown> }) | undefined;
    if (typeof el?.escalate === 'function') return el.escalate(reason);
    console.warn('[amoiq-chat] escalateConversation(): this widget build has no escalation (element.escalate); nothing was sent.');
    return undefined;
  }

  /** `on('message', fn)`: every message sent or received; `on('escalation', fn)`: the conversation was escalated. */
  on(event: string, fn: (detail: unknown) => void): this {
    const listen = (el: AmoiqChat) => {
      if (event === 'message') el.addEventListener('amoiq-message', (e) => fn(seedMessage(e)));
      else if (event === 'escalation')
        el.addEventListener('amoiq-escalation' as 'amoiq-message', (e: Event) => fn((e as CustomEvent).detail));
      else console.warn(`[amoiq-chat] ChatWidget.on('${event}'): not an event of this widget (message, escalation).`);
    };
    const el = element();
    if (el) listen(el);
    else afterMount.push(listen);
    return this;
  }
}

/** Configurations queued by seed APIs, applied (in order) when the drop-in mounts. */
const pending: ChatWidgetConfig[] = [];
const afterMount: Array<(el: AmoiqChat) => void> = [];
let mountDrop: (() => void) | undefined;
let mounted = false;
let scheduled = false;
let subtitle: string | undefined;

/** Mounts once the current script is done (so a page's calls that follow each other all count). */
function scheduleMount(): void {
  if (scheduled || !mountDrop) return;
  scheduled = true;
  queueMicrotask(() => {
    scheduled = false;
    void mountNow();
  });
}

async function mountNow(): Promise<void> {
  const config = Object.assign({}, ...pending.splice(0)) as ChatWidgetConfig & { widgetId?: string };
  const rtl = window.rtlChatWidget;
  const script = fromScript(window.amoiqCompat?.src ?? '');
  const widgetId = str(rtl?.widgetId) ?? script.widgetId;
  const page = { ...window.ChatWidgetConfig, ...config, ...(rtl?.config ? fromSeed003(rtl.config) : {}) };
  if (!page.tenantId && !page.apiKey && script.tenantId) page.tenantId = script.tenantId;
  const gateway = page.gatewayUrl ?? new URL(window.amoiqCompat?.src ?? location.href).origin;
  // The server's configuration of the widget first; what the page says wins.
  const remote = widgetId ? await fetchWidgetConfig(gateway, widgetId) : undefined;
  if (widgetId && !remote) return; // refused: fetchWidgetConfig said why; nothing is shown
  const merged = { ...remote, ...page };
  const existing = element();
  if (existing) applyTo(existing, merged, new Set(Object.keys(remote ?? {}).filter((k) => !(k in page))));
  else {
    window.ChatWidgetConfig = merged;
    mountDrop?.();
  }
  const el = element();
  if (!el) return;
  if (subtitle) showSubtitle(el, subtitle);
  for (const fn of afterMount.splice(0)) fn(el);
  if (!mounted) {
    mounted = true;
    wireGlobals(el);
  }
}

/** Seed 003's open/close/toggle on `window.rtlChatWidget`, seed 004's `window.chatWidget`. */
function wireGlobals(el: AmoiqChat): void {
  window.rtlChatWidget = Object.assign(window.rtlChatWidget ?? {}, {
    open: () => el.show(),
    close: () => el.hide(),
    toggle: () => el.toggle(),
  });
  window.chatWidget ??= Object.create(SeedChatWidget.prototype) as SeedChatWidget;
}

/**
 * Replaces the loader's stubs with the real globals, replays their queued calls in order, and
 * mounts the drop-in with the seeds' configuration (`mount` is the drop-in's own).
 */
export function install(mount: () => void): void {
  mountDrop = mount;
  const queue: CompatQueue = window.amoiqCompat ?? { src: '', calls: [] };
  window.CallCenterChat = {
    init(options: Options = {}) {
      pending.push(fromSeed002(options));
      subtitle = str(options.subtitle) ?? subtitle;
      scheduleMount();
    },
  };
  window.ChatWidget = SeedChatWidget;
  // Calls made to the stubs before this chunk arrived, in the order they were made.
  for (const call of queue.calls.splice(0)) {
    const [kind, a, b, c] = call as [string, Record<PropertyKey, unknown>, string, unknown[]];
    if (kind === 'init') window.CallCenterChat.init(a);
    else if (kind === 'new') a.real = new SeedChatWidget((a.o as Options) ?? {});
    else if (kind === 'call') {
      const real = a.real as Record<string, (...args: unknown[]) => unknown> | undefined;
      if (typeof real?.[b] === 'function') real[b](...c);
    }
  }
  // Later stub calls (a stub kept by the page) go straight to the real ones.
  queue.calls.push = (...calls: unknown[][]) => {
    for (const call of calls) {
      const [kind, a] = call as [string, Record<PropertyKey, unknown>];
      if (kind === 'init') window.CallCenterChat!.init(a);
      else if (kind === 'new') a.real = new SeedChatWidget((a.o as Options) ?? {});
    }
    return 0;
  };
  scheduleMount();
}
