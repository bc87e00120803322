/**
 * Which files the visitor may attach, computed without the DOM: the server's `config.attachments`
 * narrowed by the `attachment-types` and `attachment-max-size` attributes, and the check each
 * picked, pasted or dropped file goes through before it is uploaded.
 */
import { MAX_ATTACHMENTS, type AttachmentLimits } from '../../protocol/v1.js';

/** Why a file was refused before upload. */
export type RefusalReason = 'type' | 'size' | 'empty' | 'count';

/** Image types shown as thumbnails (what servers serve inline; SVG never is). */
export const THUMBNAIL_TYPES: ReadonlySet<string> = new Set(['image/png', 'image/jpeg', 'image/gif', 'image/webp']);

const PATTERN = /^[a-z0-9][a-z0-9!#$&^_.+-]*\/(\*|[a-z0-9][a-z0-9!#$&^_.+-]*)$/;
const UNITS: Record<string, number> = { '': 1, b: 1, kb: 1024, kib: 1024, mb: 1024 ** 2, mib: 1024 ** 2, gb: 1024 ** 3, gib: 1024 ** 3 };

/**
 * Reads `attachment-types`: `undefined` for empty (use the server's list), `[]` for `none`
 * (attachments off), else the valid MIME types or `type/*` patterns. `invalid` lists entries that
 * are not, to warn about.
 */
export function parseTypes(value: string | null | undefined): { types?: string[]; invalid: string[] } {
  const text = (value ?? '').trim().toLowerCase();
  if (!text) return { invalid: [] };
  if (text === 'none') return { types: [], invalid: [] };
  const entries = text
    .split(',')
    .map((t) => t.trim())
    .filter(Boolean);
  return { types: entries.filter((t) => PATTERN.test(t)), invalid: entries.filter((t) => !PATTERN.test(t)) };
}

/**
 * Reads `attachment-max-size`: bytes (`1048576`) or a number with a unit (`5MB`, `500 KB`,
 * `1.5MiB`; K/M/G are powers of 1024, like the server's limit). `undefined` for empty, `NaN` for
 * anything unreadable.
 */
export function parseSize(value: string | number | null | undefined): number | undefined {
  if (value === null || value === undefined) return undefined;
  const text = String(value).trim().toLowerCase();
  if (!text) return undefined;
  const match = /^(\d+(?:\.\d+)?)\s*([kmg]i?b|b)?$/.exec(text);
  if (!match) return Number.NaN;
  return Math.floor(Number(match[1]) * UNITS[match[2] ?? '']);
}

/** True when a MIME type is allowed by a list of exact types and `type/*` patterns. */
export function typeAllowed(type: string, patterns: readonly string[]): boolean {
  const t = type.toLowerCase().split(';')[0].trim();
  if (!t) return false;
  return patterns.some((p) => p === t || p === '*/*' || (p.endsWith('/*') && t.startsWith(p.slice(0, -1))));
}

/** The patterns allowed by both lists (`image/*` and `image/png` → `image/png`). */
function intersect(server: readonly string[], own: readonly string[]): string[] {
  const result = new Set<string>();
  for (const a of own) {
    for (const s of server) {
      if (a === s || s === '*/*') result.add(a);
      else if (a === '*/*') result.add(s);
      else if (s.endsWith('/*') && !a.endsWith('/*') && typeAllowed(a, [s])) result.add(a);
      else if (a.endsWith('/*') && !s.endsWith('/*') && typeAllowed(s, [a])) result.add(s);
    }
  }
  return [...result];
}

/**
 * The limits that apply: the server's (none: attachments off) narrowed by the element's. The
 * element can only narrow: a type the server does not take, or a larger size, is ignored.
 */
export function effectiveLimits(
  server: AttachmentLimits | undefined,
  own: { types?: readonly string[]; maxSize?: number },
): AttachmentLimits {
  if (!server) return { maxSize: 0, types: [] };
  const types = own.types
    ? intersect(
        server.types.map((t) => t.toLowerCase()),
        own.types,
      )
    : [...server.types];
  const maxSize =
    own.maxSize !== undefined && Number.isFinite(own.maxSize) && own.maxSize >= 0 ? Math.min(own.maxSize, server.maxSize) : server.maxSize;
  return { maxSize, types };
}

/** True when the limits let the visitor attach anything. */
export function attachmentsEnabled(limits: AttachmentLimits): boolean {
  return limits.types.length > 0 && limits.maxSize > 0;
}

/** The file picker's `accept` value for the limits. */
export function acceptFor(limits: AttachmentLimits): string {
  return limits.types.join(',');
}

/**
 * Why a file may not be attached, or undefined when it may: its type is not allowed, it is larger
 * than the limit, empty (the server refuses an empty body), or the message already holds {@link MAX_ATTACHMENTS} files (`staged` counts them).
 */
export function refusalFor(file: { type: string; size: number }, limits: AttachmentLimits, staged: number): RefusalReason | undefined {
  if (staged >= MAX_ATTACHMENTS) return 'count';
  if (!typeAllowed(file.type, limits.types)) return 'type';
  if (file.size > limits.maxSize) return 'size';
  if (file.size === 0) return 'empty';
  return undefined;
}

/** A byte count for people: "512 B", "48 kB", "3.2 MB", in the given locale. */
export function formatSize(bytes: number, locale: string): string {
  const [unit, value] =
    bytes >= 1024 ** 3
      ? ['gigabyte', bytes / 1024 ** 3]
      : bytes >= 1024 ** 2
        ? ['megabyte', bytes / 1024 ** 2]
        : bytes >= 1024
          ? ['kilobyte', bytes / 1024]
          : ['byte', bytes];
  try {
    // CLDR's short form of a byte is "byte" in English ("193 byte"): plain bytes read better long.
    const unitDisplay = unit === 'byte' ? 'long' : 'short';
    return new Intl.NumberFormat(locale, {
      style: 'unit',
      unit,
      unitDisplay,
      maximumFractionDigits: value < 10 && unit !== 'byte' ? 1 : 0,
    }).format(value);
  } catch {
    return `${Math.round(value)} ${unit}`;
  }
}
