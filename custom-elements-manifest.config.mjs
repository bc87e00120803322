// Generates custom-elements.json from the JSDoc of src/ (see STYLE.md: the JSDoc is the API).

/**
 * The analyzer also lists every `dispatchEvent(new SomeEvent())` call as an event without a name;
 * the named, described entry comes from the class's `@fires` tag, so the nameless copies go.
 */
const dropUnnamedEvents = {
  name: 'amoiq-drop-unnamed-events',
  packageLinkPhase({ customElementsManifest }) {
    for (const mod of customElementsManifest.modules ?? []) {
      for (const decl of mod.declarations ?? []) {
        if (decl.events) decl.events = decl.events.filter((e) => e.name);
      }
    }
  },
};

export default {
  // Elements and their events: the public element API. Services are documented by their .d.ts.
  globs: ['src/components/**/*.ts', 'src/events/*.ts'],
  exclude: ['src/**/*.styles.ts'],
  outdir: '.',
  litelement: true,
  dependencies: false,
  packagejson: false,
  plugins: [dropUnnamedEvents],
};
