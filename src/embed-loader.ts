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
  import(/* @vite-ignore */ url).catch((err: unknown) => console.error(`[amoiq-chat] could not load the widget from ${base}:`, err));
}
