/**
 * The fields of the pre-chat form, computed without the DOM: parsing the `pre-chat-fields`
 * attribute, the input type and autocomplete hint of each known field, turning what was typed
 * into contact details, and checking an e-mail address the way the protocol does.
 */
import type { Strings } from '../../i18n/en.js';
import type { ContactDetails } from '../../services/chat-service.js';

/** One field of the pre-chat form. */
export interface PreChatField {
  /** `name`, `email` and `phone` are known (localized label, input type); others are free text sent in `fields`. */
  name: string;
  /** Label shown; defaults to the localized label of a known field, else the name. */
  label?: string;
  /** Input type; defaults to `email` for `email`, `tel` for `phone`, else `text`. */
  type?: 'text' | 'email' | 'tel';
  /** Whether the visitor must fill it in. */
  required?: boolean;
}

/** Field names the protocol accepts in `fields` (and `name`, `email`). */
const FIELD_NAME = /^[A-Za-z0-9_-]{1,40}$/;
/** Most fields the protocol takes in one contact call. */
export const MAX_PRE_CHAT_FIELDS = 10;
/** A plausible address, as the server checks it: `local@domain.tld`, at most 254 characters. */
const EMAIL = /^[^\s@]+@[^\s@.]+(\.[^\s@.]+)+$/;

/** True for an address the server will take. */
export function isEmail(value: string): boolean {
  return value.length <= 254 && EMAIL.test(value);
}

/**
 * Parses `pre-chat-fields`: a comma list of field names, a trailing `*` marking a required one
 * (`name,email*`). Names that are not `[A-Za-z0-9_-]{1,40}`, repeats and fields beyond ten are
 * left out, and `warn` is told once which.
 */
export function parsePreChatFields(value: string | null, warn: (text: string) => void = () => undefined): PreChatField[] {
  if (!value?.trim()) return [];
  const fields: PreChatField[] = [];
  const refused: string[] = [];
  for (const raw of value.split(',')) {
    const item = raw.trim();
    if (!item) continue;
    const required = item.endsWith('*');
    const name = required ? item.slice(0, -1).trim() : item;
    if (!FIELD_NAME.test(name) || fields.some((f) => f.name === name) || fields.length >= MAX_PRE_CHAT_FIELDS) refused.push(item);
    else fields.push({ name, ...(required ? { required } : {}) });
  }
  if (refused.length)
    warn(
      `pre-chat-fields: left out ${refused.map((r) => `"${r}"`).join(', ')} (names are [A-Za-z0-9_-], at most ${MAX_PRE_CHAT_FIELDS} fields, each once).`,
    );
  return fields;
}

/** Checks fields set through the `preChatFields` property; keeps the valid ones. */
export function validFields(
  fields: readonly PreChatField[] | null | undefined,
  warn: (text: string) => void = () => undefined,
): PreChatField[] {
  if (!Array.isArray(fields)) return [];
  const valid = fields
    .filter((f, i) => f && typeof f.name === 'string' && FIELD_NAME.test(f.name) && fields.findIndex((g) => g?.name === f.name) === i)
    .slice(0, MAX_PRE_CHAT_FIELDS);
  if (valid.length !== fields.length)
    warn(
      `preChatFields: left out ${fields.length - valid.length} field(s) without a valid, unique name (or beyond ${MAX_PRE_CHAT_FIELDS}).`,
    );
  return valid;
}

/** The input type of a field. */
export function inputType(field: PreChatField): 'text' | 'email' | 'tel' {
  return field.type ?? (field.name === 'email' ? 'email' : field.name === 'phone' ? 'tel' : 'text');
}

/** The `autocomplete` hint of a field, so browsers can fill it in. */
export function autocompleteOf(field: PreChatField): string {
  return { name: 'name', email: 'email', phone: 'tel' }[field.name] ?? 'on';
}

/** The label of a field: its own, the localized one of a known field, or its name. */
export function labelOf(field: PreChatField, t: Strings): string {
  if (field.label) return field.label;
  return { name: t.preChatName, email: t.preChatEmail, phone: t.preChatPhone }[field.name] ?? field.name;
}

/** What the visitor typed, as contact details: `name` and `email` at the top, the rest in `fields`. */
export function toContact(values: ReadonlyMap<string, string>): ContactDetails {
  const details: ContactDetails = {};
  const fields: Record<string, string> = {};
  for (const [name, raw] of values) {
    const value = raw.trim();
    if (!value) continue;
    if (name === 'name') details.name = value;
    else if (name === 'email') details.email = value;
    else fields[name] = value;
  }
  if (Object.keys(fields).length) details.fields = fields;
  return details;
}
