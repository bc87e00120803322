/**
 * dist/amoiq-chat.js: what a site's `<script src="…/amoiq-chat.js" async>` runs. A classic script
 * cannot `import`, but it can call `import()`: this loader resolves the widget's ES module beside
 * its own URL (known only while it runs) and loads it. vite.config.ts compiles this file on its
 * own, so it must not import anything, and puts the main chunk's hashed name in place of
 * `chunks/amoiq-chat.main.js`. The block keeps `base` out of the page's global scope.
 */
{
  const base = (document.currentScript as HTMLScriptElement | null)?.src || document.baseURI;
  import(/* @vite-ignore */ new URL('chunks/amoiq-chat.main.js', base).href).catch((err: unknown) =>
    console.error(`[amoiq-chat] could not load the widget from ${base}:`, err),
  );
}
