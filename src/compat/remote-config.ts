/**
 * A widget configuration kept on the server (seed 003's `widget_configurations`), fetched with
 * `GET /embed/config/:id` (docs/protocol.md, Widget configurations) before the drop-in mounts, so
 * the launcher's first paint already has the configured look. The browser's HTTP cache keeps the
 * answer and revalidates it with `If-None-Match` (the server answers `304` while it is unchanged).
 */
import type { ChatWidgetConfig } from './types.js';
import { AmoiqErrorEvent } from '../events/error-event.js';
import { decodeErrorBody } from '../protocol/errors.js';

/** The texts of one language. */
export interface WidgetTexts {
  headerText?: string;
  welcomeMessage?: string;
  awayMessage?: string;
}

/** What `GET /embed/config/:id` answers (docs/protocol.md). */
export interface WidgetConfiguration extends WidgetTexts {
  id: string;
  tenantId: string;
  name?: string;
  themeColor?: string;
  position?: string;
  width?: string;
  height?: string;
  /** Texts per language (`de`, `fr`, …), over the default ones for a page in that language. */
  texts?: Record<string, WidgetTexts>;
  features?: { attachments?: boolean; emoji?: boolean; preChatFields?: string; voice?: boolean; assistant?: boolean; sound?: boolean };
}

/**
 * The drop-in's options of a widget configuration, in the page's language (`lang`). Its sessions
 * use the widget's keyless form `widget:<id>` as API key, so the server checks the widget (active,
 * allowed domains) on every request.
 */
export function toDropInConfig(w: WidgetConfiguration, lang = document.documentElement.lang): ChatWidgetConfig {
  const primary = lang.toLowerCase().split('-')[0];
  const texts = { ...w, ...(w.texts?.[lang] ?? w.texts?.[primary]) };
  const f = w.features ?? {};
  const config: ChatWidgetConfig = {
    apiKey: `widget:${w.id}`,
    themeColor: w.themeColor,
    position: w.position,
    width: w.width,
    height: w.height,
    headerText: texts.headerText,
    welcomeMessage: texts.welcomeMessage,
    awayMessage: texts.awayMessage,
    noEmoji: f.emoji === false || undefined,
    attachmentTypes: f.attachments === false ? 'none' : undefined,
    preChatFields: f.preChatFields || undefined,
    sound: f.sound || undefined,
  };
  return Object.fromEntries(Object.entries(config).filter(([, v]) => v !== undefined && v !== '')) as ChatWidgetConfig;
}

/**
 * The configuration of widget `id` from `gateway`, as drop-in options; undefined when the server
 * refused it (unknown or inactive widget, a domain it does not allow) or could not be reached:
 * then one console error says why and what to fix, `amoiq-error` is fired on the document with the
 * code, and no widget is shown.
 */
export async function fetchWidgetConfig(gateway: string, id: string): Promise<ChatWidgetConfig | undefined> {
  const url = `${gateway.replace(/\/$/, '')}/embed/config/${encodeURIComponent(id)}`;
  try {
    const res = await fetch(url, { cache: 'no-cache', credentials: 'omit' });
    const body: unknown = await res.json().catch(() => undefined);
    if (res.ok) return toDropInConfig(body as WidgetConfiguration);
    const error = decodeErrorBody(body) ?? { code: 'http_error' as const, message: `HTTP ${res.status}` };
    console.error(`[amoiq-chat] Widget ${JSON.stringify(id)} is not available on this page (${error.code}): ${error.message}`);
    document.dispatchEvent(new AmoiqErrorEvent(error));
  } catch (err) {
    console.error(`[amoiq-chat] Could not load the configuration of widget ${JSON.stringify(id)} from ${url}:`, err);
    document.dispatchEvent(new AmoiqErrorEvent({ code: 'network', message: String(err) }));
  }
  return undefined;
}
