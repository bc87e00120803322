/**
 * The drop-in script (dist/amoiq-chat.js). It registers the elements and, honouring seed 000's
 * snippet unchanged, creates `<amoiq-chat>` from `window.ChatWidgetConfig`:
 *
 * ```html
 * <script>window.ChatWidgetConfig = { tenantId: "your-tenant-id", position: "bottom-right" };</script>
 * <script src="https://chat.example.com/amoiq-chat.js" async></script>
 * ```
 *
 * (dist/amoiq-chat.js is a small loader that imports this module from `chunks/` beside it.)
 * The backend defaults to the origin the script was loaded from. `window.AmoiqChat` is the
 * drop-in's API: `open()`, `close()` and `toggle()` (the element's `show()`, `hide()` and
 * `toggle()`), `send(text)`, and `element`, the created `<amoiq-chat>`.
 */
import { AmoiqChat } from './components/chat/chat.js';

/** Keys of `window.ChatWidgetConfig`: seed 000's two, plus every attribute in camelCase. */
export interface ChatWidgetConfig {
  tenantId?: string;
  position?: string;
  gatewayUrl?: string;
  apiKey?: string;
  themeColor?: string;
  headerText?: string;
  welcomeMessage?: string;
  autoOpen?: boolean;
  width?: string;
  height?: string;
  lang?: string;
  theme?: string;
  sound?: boolean;
  titleFlash?: boolean;
  /** Opt-in coarse fingerprint relink (docs/security.md). */
  fingerprint?: boolean;
  /** Hide the emoji button. */
  noEmoji?: boolean;
  /** Text of the away banner shown while no agent is online. */
  awayMessage?: string;
  /** Fields of the pre-chat form, e.g. `"name,email*"` (`*` = required). */
  preChatFields?: string;
  /** Allowed attachment types, e.g. `"image/*,application/pdf"`, or `"none"`. */
  attachmentTypes?: string;
  /** Largest attachment, in bytes or with a unit (`"5MB"`). */
  attachmentMaxSize?: string | number;
}

/** `window.AmoiqChat`: the drop-in's API on the `<amoiq-chat>` it created (or found). */
export interface AmoiqChatGlobal {
  /** Opens the panel and moves focus to the message box (`element.show()`). */
  open(): void;
  /** Closes the panel (`element.hide()`). */
  close(): void;
  /** Opens or closes the panel. */
  toggle(): void;
  /** Sends a message as the visitor (`element.send()`). */
  send(text: string): ReturnType<AmoiqChat['send']>;
  /** The element, for everything else. */
  element: AmoiqChat;
}

declare global {
  interface Window {
    ChatWidgetConfig?: ChatWidgetConfig;
    AmoiqChat?: AmoiqChatGlobal;
  }
}

const KNOWN: ReadonlySet<string> = new Set([
  'tenantId',
  'position',
  'gatewayUrl',
  'apiKey',
  'themeColor',
  'headerText',
  'welcomeMessage',
  'autoOpen',
  'width',
  'height',
  'lang',
  'theme',
  'sound',
  'titleFlash',
  'fingerprint',
  'noEmoji',
  'awayMessage',
  'preChatFields',
  'attachmentTypes',
  'attachmentMaxSize',
]);

// The drop-in's loader (embed-loader.ts) imports this module from `chunks/` beside
// amoiq-chat.js, so this module's URL tells where the script came from.
const scriptSrc = import.meta.url;

let panel: Promise<void> | undefined;
/** Imports and registers the panel's parts (panel.ts), once; a failed import is tried again later. */
const loadPanel = (): Promise<void> =>
  (panel ??= import('./panel.js').then(
    (m) => m.definePanel(),
    (err: unknown) => {
      panel = undefined;
      console.error('[amoiq-chat] could not load the chat panel:', err);
    },
  ));

/** The panel loads at the first sign of interest in a chat, or at once when it is open already. */
function loadPanelOnInterest(chat: AmoiqChat): void {
  if (chat.open) void loadPanel();
  for (const type of ['pointerenter', 'focusin', 'touchstart', 'amoiq-open']) {
    chat.addEventListener(type, () => void loadPanel(), { once: true, passive: true });
  }
}

function mount(): void {
  if (!customElements.get('amoiq-chat')) customElements.define('amoiq-chat', AmoiqChat);
  const config = window.ChatWidgetConfig ?? {};
  let el = document.querySelector('amoiq-chat');
  if (!el) {
    el = document.createElement('amoiq-chat');
    for (const [key, value] of Object.entries(config)) {
      if (!KNOWN.has(key)) {
        console.warn(`[amoiq-chat] ChatWidgetConfig.${key} is not a known option; ignored.`);
        continue;
      }
      if (value === undefined || value === null || value === false) continue;
      el.setAttribute(
        key.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`),
        value === true ? '' : String(value),
      );
    }
    if (!config.gatewayUrl && scriptSrc) el.setAttribute('gateway-url', new URL(scriptSrc).origin);
    document.body.append(el);
  }
  const chat = el as AmoiqChat;
  document.querySelectorAll('amoiq-chat').forEach(loadPanelOnInterest);
  window.AmoiqChat = {
    element: chat,
    open: () => chat.show(),
    close: () => chat.hide(),
    toggle: () => chat.toggle(),
    send: (text: string) => chat.send(text),
  };
}

if (document.body) mount();
else document.addEventListener('DOMContentLoaded', mount, { once: true });
