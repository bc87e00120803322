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
 * At start the page gets `<amoiq-chat>` with its launcher only (lazy.ts); the chat itself loads at
 * the first sign of interest, or at once for a returning visitor with a conversation.
 * The backend defaults to the origin the script was loaded from. `window.AmoiqChat` is the
 * drop-in's API: `open()`, `close()` and `toggle()` (the element's `show()`, `hide()` and
 * `toggle()`), `send(text)`, and `element`, the created `<amoiq-chat>`.
 */
import { AmoiqChat } from './components/chat/chat.js';
import { defineLazyChat } from './lazy.js';
// The other seeds' snippets and APIs (src/compat): the shims load only when a page uses one.
import { withCompat } from './compat/detect.js';

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

// The drop-in's loader (embed-loader.ts) imports this module from `chunks/` beside
// amoiq-chat.js, so this module's URL tells where the script came from.
const scriptSrc = import.meta.url;

function mount(): void {
  defineLazyChat();
  const config = window.ChatWidgetConfig ?? {};
  let el = document.querySelector('amoiq-chat');
  if (!el) {
    el = document.createElement('amoiq-chat');
    for (const [key, value] of Object.entries(config)) {
      // Seed 000's two keys are attributes too: every key is an attribute in camelCase.
      const attribute = key.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`);
      if (!AmoiqChat.observedAttributes.includes(attribute)) {
        console.warn(`[amoiq-chat] ChatWidgetConfig.${key} is not a known option; ignored.`);
        continue;
      }
      if (value === undefined || value === null || value === false) continue;
      el.setAttribute(attribute, value === true ? '' : String(value));
    }
    if (!config.gatewayUrl && scriptSrc) el.setAttribute('gateway-url', new URL(scriptSrc).origin);
    document.body.append(el);
  }
  const chat = el as AmoiqChat;
  window.AmoiqChat = {
    element: chat,
    open: () => chat.show(),
    close: () => chat.hide(),
    toggle: () => chat.toggle(),
    send: (text: string) => chat.send(text),
  };
}

// The mount (creating `<amoiq-chat>`) waits for a task of its own: evaluating this module (lit,
// the element's class) and the mount are two tasks at start, not one long one (bench/README.md, "Start").
const start = (): void => void setTimeout(() => withCompat(mount));
if (document.body) start();
else document.addEventListener('DOMContentLoaded', start, { once: true });
