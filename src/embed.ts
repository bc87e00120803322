/**
 * The drop-in script (dist/amoiq-chat.js). It registers the elements and, honouring seed 000's
 * snippet unchanged, creates `<amoiq-chat>` from `window.ChatWidgetConfig`:
 *
 * ```html
 * <script>window.ChatWidgetConfig = { tenantId: "your-tenant-id", position: "bottom-right" };</script>
 * <script src="https://chat.example.com/amoiq-chat.js" async></script>
 * ```
 *
 * The backend defaults to the origin the script was loaded from. `window.AmoiqChat` exposes
 * `open()`, `close()`, `toggle()` and `send(text)` on the created element.
 */
import { define } from './registry.js';
import type { AmoiqChat } from './components/chat/chat.js';

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
}

declare global {
  interface Window {
    ChatWidgetConfig?: ChatWidgetConfig;
    AmoiqChat?: Pick<AmoiqChat, 'open' | 'close' | 'toggle' | 'send'> & { element: AmoiqChat };
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
]);

// document.currentScript is only set while the script runs for the first time, async or not.
const scriptSrc = (document.currentScript as HTMLScriptElement | null)?.src;

function mount(): void {
  define();
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
      el.setAttribute(key.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`), value === true ? '' : String(value));
    }
    if (!config.gatewayUrl && scriptSrc) el.setAttribute('gateway-url', new URL(scriptSrc).origin);
    document.body.append(el);
  }
  const chat = el as AmoiqChat;
  window.AmoiqChat = {
    element: chat,
    open: () => chat.open(),
    close: () => chat.close(),
    toggle: () => chat.toggle(),
    send: (text: string) => chat.send(text),
  };
}

if (document.body) mount();
else document.addEventListener('DOMContentLoaded', mount, { once: true });
