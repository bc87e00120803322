/**
 * The settings page's checks of a widget configuration, the same rules as the server's
 * `parseWidgetInput` (demo/server/routes/embed.js, docs/protocol.md "Widget configurations"):
 * that module is Node code, so its limits are repeated here; keep the two in step. Each check
 * gives the field's message, or nothing when the value is fine.
 */
import { DEFAULTS, POSITIONS, readableOn } from '../../../src/config.js';
import { DARK_TOKENS, TOKENS } from '../../../src/styles/tokens.js';

export const LOCALES = ['en', 'es', 'fr', 'de', 'ar', 'ja'] as const;
export const TEXT_KEYS = ['headerText', 'welcomeMessage', 'awayMessage'] as const;
export type TextKey = (typeof TEXT_KEYS)[number];
export const TEXT_MAX: Record<TextKey, number> = { headerText: 100, welcomeMessage: 1000, awayMessage: 1000 };
export const NAME_MAX = 100;
export const FEATURE_FLAGS = ['attachments', 'emoji', 'voice', 'assistant', 'sound'] as const;
export type FeatureFlag = (typeof FEATURE_FLAGS)[number];
export const MAX_DOMAINS = 50;
export { POSITIONS };

const COLOR = /^(#[0-9a-f]{3,4}|#[0-9a-f]{6}|#[0-9a-f]{8}|rgb\(\s*\d{1,3}\s*,\s*\d{1,3}\s*,\s*\d{1,3}\s*\)|[a-z]{3,20})$/i;
const LENGTH = /^\d{1,4}(\.\d{1,2})?(px|rem|em|vw|vh|%)$/;
const DOMAIN = /^(?:(https?):\/\/)?(\*\.)?([a-z0-9-]+(?:\.[a-z0-9-]+)*|\[[0-9a-f:]+\])(?::(\d{1,5}|\*))?\/?$/i;
const PRE_CHAT = /^[A-Za-z0-9_*, -]+$/;

/** A widget configuration as the agent API sends and takes it. */
export interface WidgetForm {
  id?: string;
  name: string;
  themeColor: string;
  position: string;
  width: string;
  height: string;
  headerText: string;
  welcomeMessage: string;
  awayMessage: string;
  texts: Partial<Record<(typeof LOCALES)[number], Partial<Record<TextKey, string>>>>;
  features: Partial<Record<FeatureFlag, boolean>> & { preChatFields?: string };
  allowedDomains: string[];
  active: boolean;
  version?: number;
}

export const emptyWidget = (): WidgetForm => ({
  name: '',
  themeColor: DEFAULTS.themeColor,
  position: 'bottom-right',
  width: '',
  height: '',
  headerText: '',
  welcomeMessage: '',
  awayMessage: '',
  texts: {},
  features: {},
  allowedDomains: [],
  active: true,
});

/** Field name (as the form names it: `themeColor`, `texts.de.headerText`, …) → message. */
export type FieldErrors = Record<string, string>;

/** The problems of `w`, by field; empty when the server would take it. */
export function validateWidget(w: WidgetForm): FieldErrors {
  const errors: FieldErrors = {};
  if (!w.name.trim()) errors.name = 'A name is required.';
  else if (w.name.length > NAME_MAX) errors.name = `At most ${NAME_MAX} characters.`;
  if (w.themeColor && (w.themeColor.length > 40 || !COLOR.test(w.themeColor)))
    errors.themeColor = 'A CSS colour: #rrggbb, #rgb, rgb(r, g, b) or a colour name.';
  if (w.position && !(POSITIONS as readonly string[]).includes(w.position)) errors.position = `One of ${POSITIONS.join(', ')}.`;
  for (const key of ['width', 'height'] as const)
    if (w[key] && (w[key].length > 20 || !LENGTH.test(w[key]))) errors[key] = 'A CSS length such as 350px, 30rem or 90vw.';
  for (const key of TEXT_KEYS) if (w[key].length > TEXT_MAX[key]) errors[key] = `At most ${TEXT_MAX[key]} characters.`;
  for (const [lang, texts] of Object.entries(w.texts))
    for (const key of TEXT_KEYS)
      if ((texts?.[key]?.length ?? 0) > TEXT_MAX[key]) errors[`texts.${lang}.${key}`] = `At most ${TEXT_MAX[key]} characters.`;
  const fields = w.features.preChatFields ?? '';
  if (fields && (fields.length > 200 || !PRE_CHAT.test(fields)))
    errors['features.preChatFields'] = 'Field names separated by commas, * for required: name,email*';
  if (w.allowedDomains.length > MAX_DOMAINS) errors.allowedDomains = `At most ${MAX_DOMAINS} domains.`;
  else {
    const bad = w.allowedDomains.find((d) => d !== '*' && d !== 'null' && !DOMAIN.test(d));
    if (bad !== undefined) errors.allowedDomains = `"${bad}" is not an origin pattern (https://shop.example.com, *.example.com, *).`;
  }
  return errors;
}

/**
 * The field a server error is about: its messages name the field in backticks
 * (`` `themeColor` must be… ``, `` `features.preChatFields` … ``, `` `texts.de` … ``).
 */
export function fieldOfServerError(message: string): string {
  const named = /`([a-zA-Z.]+)`/.exec(message)?.[1] ?? '';
  if (/^texts\.[a-z]{2}$/.test(named)) return 'texts';
  return named || 'form';
}

/** What the API takes: empty texts and flags left out, as the server would drop them. */
export function toRequestBody(w: WidgetForm): Record<string, unknown> {
  const texts = Object.fromEntries(
    Object.entries(w.texts)
      .map(([lang, t]) => [lang, Object.fromEntries(Object.entries(t ?? {}).filter(([, v]) => v))] as const)
      .filter(([, t]) => Object.keys(t).length),
  );
  const body: Record<string, unknown> = {
    name: w.name.trim(),
    themeColor: w.themeColor,
    position: w.position,
    width: w.width,
    height: w.height,
    headerText: w.headerText,
    welcomeMessage: w.welcomeMessage,
    awayMessage: w.awayMessage,
    texts,
    features: Object.fromEntries(Object.entries(w.features).filter(([, v]) => v !== undefined && v !== '')),
    allowedDomains: w.allowedDomains,
    active: w.active,
  };
  return Object.fromEntries(Object.entries(body).filter(([, v]) => v !== ''));
}

// --- contrast (WCAG 2.2) ---------------------------------------------------------------------

let probe: CanvasRenderingContext2D | null = null;

/** A CSS colour's sRGB channels (0–255), read by the browser's canvas; null for no colour. */
function channels(color: string): [number, number, number] | null {
  probe ??= document.createElement('canvas').getContext('2d');
  if (!probe || !CSS.supports('color', color)) return null;
  probe.fillStyle = '#000';
  probe.fillStyle = color;
  const value = String(probe.fillStyle);
  const hex = /^#([\da-f]{2})([\da-f]{2})([\da-f]{2})$/i.exec(value);
  const rgb = hex
    ? hex.slice(1).map((h) => parseInt(h, 16))
    : (value
        .match(/[\d.]+/g)
        ?.slice(0, 3)
        .map(Number) ?? []);
  return rgb.length === 3 ? (rgb as [number, number, number]) : null;
}

const luminance = ([r, g, b]: [number, number, number]) => {
  const [lr, lg, lb] = [r, g, b].map((c) => {
    const s = c / 255;
    return s <= 0.04045 ? s / 12.92 : ((s + 0.055) / 1.055) ** 2.4;
  });
  return 0.2126 * lr + 0.7152 * lg + 0.0722 * lb;
};

/** The WCAG contrast ratio of two CSS colours (1–21), or null when one is not a colour. */
export function contrastRatio(a: string, b: string): number | null {
  const ca = channels(a);
  const cb = channels(b);
  if (!ca || !cb) return null;
  const [hi, lo] = [luminance(ca), luminance(cb)].sort((x, y) => y - x);
  return (hi + 0.05) / (lo + 0.05);
}

/** One pair the contrast check looks at. */
export interface ContrastCheck {
  id: string;
  label: string;
  ratio: number;
  minimum: number;
  passes: boolean;
}

/**
 * The contrast checks of a theme colour: the text the widget puts on it (black or white, picked
 * by the widget's own `readableOn`; 4.5:1, WCAG 1.4.3) and the theme colour itself as a
 * foreground on the panel's light and dark surfaces and on a white page (rating stars, focus
 * rings, the launcher's edge: 3:1, WCAG 1.4.11). Empty for a value that is not a colour.
 */
export function contrastChecks(themeColor: string): ContrastCheck[] {
  const color = themeColor || DEFAULTS.themeColor;
  const text = readableOn(color);
  const pairs: Array<[string, string, string, number]> = [
    ['text', `Text on the theme colour (${text === '#000' ? 'black' : 'white'}, as the widget picks it)`, text, 4.5],
    ['light', 'Theme colour on the light panel and a white page (launcher, stars, focus rings)', TOKENS['--amoiq-chat-surface-color'], 3],
    ['dark', 'Theme colour on the dark panel', DARK_TOKENS['--amoiq-chat-surface-color'] ?? '#1f2125', 3],
  ];
  const checks: ContrastCheck[] = [];
  for (const [id, label, other, minimum] of pairs) {
    const ratio = contrastRatio(color, other);
    if (ratio === null) return [];
    checks.push({ id, label, ratio, minimum, passes: ratio >= minimum });
  }
  return checks;
}
