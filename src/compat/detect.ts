/**
 * The start-up half of the seed compatibility shims: decides whether the page uses another
 * seed's embed API, and only then imports the shims (shims.ts, a chunk of its own) before the
 * drop-in mounts. The loader (embed-loader.ts) has already put stubs for the globals a page calls
 * at once (`CallCenterChat`, `ChatWidget`) that queue their calls in `window.amoiqCompat`.
 *
 * A seed is in use when a stub was called, `window.rtlChatWidget` is set (seed 003), or the
 * script was loaded with a widget or tenant in its query (`widget.js?id=…`, `?tenant=…`). A stub
 * called later (after mount) imports the shims then, through `window.amoiqCompatWake`.
 */
import type {} from './types.js';

/** Runs `mount` now, or after the shims mapped the seed's configuration onto the drop-in's. */
export function withCompat(mount: () => void): void {
  const w = window as Window & { rtlChatWidget?: unknown };
  const queue = w.amoiqCompat;
  let loading: Promise<void> | undefined;
  const load = (): Promise<void> =>
    (loading ??= import('./shims.js').then(
      (m) => m.install(mount),
      (err: unknown) => {
        console.error('[amoiq-chat] could not load the compatibility shims:', err);
        mount();
      },
    ));
  w.amoiqCompatWake = () => void load();
  if (queue?.calls.length || w.rtlChatWidget || /[?&](id|tenant|tenantId|widgetId)=/.test(queue?.src ?? '')) void load();
  else mount();
}
