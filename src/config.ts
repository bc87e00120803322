/**
 * The values a site owner gives `<amoiq-chat>`: their checks, defaults and the service options
 * they make. Bad values log one warning naming the attribute (the element keeps a set of those
 * already given) and fall back to the default; nothing here throws.
 */
import type { ChatServiceOptions } from './services/chat-service.js';
import { identityProblem, type VisitorIdentity } from './services/identity.js';
import { STORAGE_MODES, type StorageMode } from './services/storage-mode.js';
import { parseSize, parseTypes } from './components/chat-input/attachment-limits.js';
import { TOKENS } from './styles/tokens.js';

/** Where the launcher and panel sit. */
export type ChatPosition = 'bottom-right' | 'bottom-left' | 'top-right' | 'top-left';

export const POSITIONS: readonly ChatPosition[] = ['bottom-right', 'bottom-left', 'top-right', 'top-left'];

export const isPosition = (v: unknown): v is ChatPosition => POSITIONS.includes(v as ChatPosition);

/**
 * The browser's CSS parser, or undefined where there is none: Lit SSR and plain Node, and jsdom
 * (Vitest, Jest), which has no `CSS` namespace. Checked at each call, never at import.
 */
const cssSupports = (): ((property: string, value: string) => boolean) | undefined =>
  typeof CSS !== 'undefined' && typeof CSS.supports === 'function' ? CSS.supports.bind(CSS) : undefined;

/**
 * Without a CSS parser a value is taken as given unless it could leave its declaration; the
 * browser checks it again once the element runs there.
 */
const plausibleCss = (v: string): boolean => v.trim() !== '' && !/[;{}<>]/.test(v);

/** True for any CSS colour the browser understands (`#08f`, `rebeccapurple`, `oklch(…)`). */
export const isColor = (v: string): boolean => cssSupports()?.('color', v) ?? plausibleCss(v);

/** True for a CSS length or percentage (`350px`, `90vw`, `min(400px, 100%)`), not a bare number. */
export const isLength = (v: string): boolean => (cssSupports()?.('width', v) ?? plausibleCss(v)) && !/^[\d.]+$/.test(v.trim());

/** True for an http(s) URL. */
export function isHttpUrl(v: string): boolean {
  try {
    const url = new URL(v);
    return url.protocol === 'http:' || url.protocol === 'https:';
  } catch {
    return false;
  }
}

let probe: CanvasRenderingContext2D | null | undefined;

/**
 * Black or white, whichever reads better on `color` (WCAG relative luminance; the threshold
 * 0.179 is where both give the same contrast ratio).
 */
export function readableOn(color: string): '#000' | '#fff' {
  // Only a real browser has a canvas that draws (jsdom's logs "not implemented"; SSR has no
  // document): elsewhere a #rgb or #rrggbb colour is read as written, any other gives black.
  if (probe === undefined && cssSupports()) probe = document.createElement('canvas').getContext('2d');
  let normalized = color.trim().replace(/^#([\da-f])([\da-f])([\da-f])$/i, '#$1$1$2$2$3$3');
  if (probe) {
    probe.fillStyle = '#000';
    probe.fillStyle = color; // the canvas normalises any CSS colour to #rrggbb or rgba()
    normalized = String(probe.fillStyle);
  } else if (!/^#[\da-f]{6}$/i.test(normalized)) return '#000';
  const hex = /^#([\da-f]{2})([\da-f]{2})([\da-f]{2})$/i.exec(normalized);
  const rgb = hex
    ? hex.slice(1).map((h) => parseInt(h, 16))
    : normalized
        .match(/[\d.]+/g)
        ?.slice(0, 3)
        .map(Number);
  if (!rgb || rgb.length < 3) return '#000';
  const [r, g, b] = rgb.map((c) => {
    const s = c / 255;
    return s <= 0.04045 ? s / 12.92 : ((s + 0.055) / 1.055) ** 2.4;
  });
  const luminance = 0.2126 * r + 0.7152 * g + 0.0722 * b;
  return luminance > 0.179 ? '#000' : '#fff';
}

/** Colour schemes of `theme`. */
export type ChatTheme = 'light' | 'dark' | 'auto';

export const THEMES: readonly ChatTheme[] = ['light', 'dark', 'auto'];

export const isTheme = (v: unknown): v is ChatTheme => THEMES.includes(v as ChatTheme);

/** What a wrong or missing value falls back to; the sizes and colour are the CSS defaults (tokens.ts). */
export const DEFAULTS = {
  position: 'bottom-right' as ChatPosition,
  theme: 'light' as ChatTheme,
  themeColor: TOKENS['--amoiq-chat-accent-color'] as string,
  width: TOKENS['--amoiq-chat-width'] as string,
  height: TOKENS['--amoiq-chat-height'] as string,
  storage: 'persistent' as StorageMode,
};

/** The attributes of `<amoiq-chat>` checked here (its properties of the same names). */
export interface ChatConfig {
  position: string;
  theme: string;
  themeColor: string;
  width: string;
  height: string;
  gatewayUrl: string;
  apiKey: string;
  tenantId: string;
  dbName: string;
  fingerprint: boolean;
  attachmentTypes: string;
  attachmentMaxSize: string;
  storage: string;
  userId: string;
  userToken: string;
  userName: string;
  userEmail: string;
}

/** The properties whose change needs new service options (see {@link serviceOptions}). */
export const SERVICE_KEYS = [
  'gatewayUrl',
  'apiKey',
  'tenantId',
  'dbName',
  'fingerprint',
  'storage',
  'userId',
  'userToken',
  'userName',
  'userEmail',
] as const;

/**
 * What is wrong with the values that changed, as `[attribute, warning]` pairs; empty when all is
 * well. `changed` tells which properties changed in this update.
 */
export function configWarnings(c: ChatConfig, changed: (key: keyof ChatConfig) => boolean): Array<[string, string]> {
  const warnings: Array<[string, string]> = [];
  const warn = (attribute: string, text: string) => warnings.push([attribute, text]);
  if (changed('position') && !isPosition(c.position))
    warn('position', `"${c.position}" is not one of ${POSITIONS.join(', ')}; using ${DEFAULTS.position}.`);
  if (changed('theme') && !isTheme(c.theme)) warn('theme', `"${c.theme}" is not one of ${THEMES.join(', ')}; using ${DEFAULTS.theme}.`);
  if (changed('themeColor') && c.themeColor && !isColor(c.themeColor))
    warn('theme-color', `"${c.themeColor}" is not a CSS colour; using ${DEFAULTS.themeColor}.`);
  for (const key of ['width', 'height'] as const) {
    if (changed(key) && !isLength(c[key])) warn(key, `"${c[key]}" is not a CSS length; using ${DEFAULTS[key]}.`);
  }
  if (changed('gatewayUrl') && c.gatewayUrl && !isHttpUrl(c.gatewayUrl))
    warn('gateway-url', `"${c.gatewayUrl}" is not an http(s) URL; using the page's origin.`);
  if (changed('attachmentTypes')) {
    const { invalid } = parseTypes(c.attachmentTypes);
    if (invalid.length)
      warn('attachment-types', `${invalid.map((t) => `"${t}"`).join(', ')} is not a MIME type or type/* pattern; ignored.`);
  }
  if (changed('attachmentMaxSize') && Number.isNaN(parseSize(c.attachmentMaxSize))) {
    warn('attachment-max-size', `"${c.attachmentMaxSize}" is not a size (bytes, or like 5MB); using the server's limit.`);
  }
  if ((changed('tenantId') || changed('apiKey')) && !c.tenantId && !c.apiKey) {
    warn('tenant-id', 'is missing (and there is no api-key): the backend cannot tell which site this is.');
  }
  if (changed('storage') && !STORAGE_MODES.includes(c.storage as StorageMode))
    warn('storage', `"${c.storage}" is not persistent, session or memory; using ${DEFAULTS.storage}.`);
  const problem = (['userId', 'userToken'] as const).some(changed) && userIdentity(c).problem;
  if (problem) warn('user-token', `${problem}; staying anonymous.`);
  return warnings;
}

/** The logged-in visitor the user-* values describe, or why they cannot be used. */
function userIdentity(c: ChatConfig): { identity?: VisitorIdentity; problem?: string } {
  if (!c.userId && !c.userToken) return {};
  const identity = { userId: c.userId, userToken: c.userToken, name: c.userName || undefined, email: c.userEmail || undefined };
  const problem = identityProblem(identity);
  return problem ? { problem } : { identity };
}

/** The service options the values give, each bad value replaced by its default. */
export function serviceOptions(c: ChatConfig, origin: string): ChatServiceOptions {
  return {
    gatewayUrl: c.gatewayUrl && isHttpUrl(c.gatewayUrl) ? c.gatewayUrl : origin,
    apiKey: c.apiKey || undefined,
    tenantId: c.tenantId || undefined,
    dbName: c.dbName || undefined,
    fingerprint: c.fingerprint,
    storage: STORAGE_MODES.includes(c.storage as StorageMode) ? (c.storage as StorageMode) : DEFAULTS.storage,
    identity: userIdentity(c).identity,
  };
}
