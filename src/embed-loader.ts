/**
 * dist/amoiq-chat.js: what a site's `<script src="…/amoiq-chat.js" async>` runs. A classic script
 * cannot `import`, but it can call `import()`: this loader resolves the widget's ES module beside
 * its own URL (known only while it runs) and loads it. vite.config.ts compiles this file on its
 * own, so it must not import anything, and puts the main chunk's hashed name in place of
 * `chunks/amoiq-chat.main.js`. The block keeps `base` out of the page's global scope.
 */
{
  const base = (document.currentScript as HTMLScriptElement | null)?.src || document.baseURI;
  const url = new URL('chunks/amoiq-chat.main.js', base).href;
  /* A module preload first: the browser fetches and compiles the chunk off the main thread, in
     parallel with whatever the page is doing, and import() then takes it from the module map.
     (Block comments only: the build joins this file's lines.) */
  const link = document.createElement('link');
  link.rel = 'modulepreload';
  link.href = url;
  document.head.append(link);
  /* Seed 002's CallCenterChat.init() and seed 004's new ChatWidget() run in the page's next
     script, before any module can load: these stubs queue their calls (and the loader's URL,
     for seed 003's ?id=) in window.amoiqCompat until src/compat/shims.ts replaces them. A stub
     ChatWidget answers isConnected false and queues method calls until the real one is there. */
  const w = window as unknown as { amoiqCompat?: { src: string; calls: unknown[][] }; amoiqCompatWake?: () => void } & Record<
    string,
    unknown
  >;
  const q = (w.amoiqCompat ??= { src: base, calls: [] });
  const wake = () => w.amoiqCompatWake?.();
  w.CallCenterChat ??= {
    init(o: unknown) {
      q.calls.push(['init', o]);
      wake();
    },
  };
  w.ChatWidget ??= function (o: unknown) {
    const t: { o: unknown; real?: Record<PropertyKey, unknown> } = { o };
    q.calls.push(['new', t]);
    wake();
    return new Proxy(t, {
      get: (_, k) => {
        const v = t.real?.[k];
        return t.real
          ? typeof v == 'function'
            ? v.bind(t.real)
            : v
          : k == 'isConnected'
            ? false
            : (...a: unknown[]) => q.calls.push(['call', t, k, a]);
      },
    });
  };
  /* The drop-in itself, from its own address (not bundled: nothing to drop); it registers the element. */
  /* eslint-disable-next-line no-restricted-syntax */
  import(/* @vite-ignore */ url).catch((err: unknown) => console.error(`[amoiq-chat] could not load the widget from ${base}:`, err));
}
