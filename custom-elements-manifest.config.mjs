// Generates custom-elements.json from the JSDoc of src/ (see STYLE.md: the JSDoc is the API).
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import ts from 'typescript';

/**
 * What the analyzer reads: the element modules (`src/components/<name>/<name>.ts`, one per tag)
 * and the public event modules, those src/events/index.ts exports (the package's events; the
 * internal ones beside them are `@internal`). Helpers, styles and render modules are not API.
 */
const ELEMENT_MODULES = readdirSync('src/components', { withFileTypes: true })
  .filter((d) => d.isDirectory())
  .map((d) => `src/components/${d.name}/${d.name}.ts`)
  .filter((file) => existsSync(file));
const EVENT_MODULES = [...readFileSync('src/events/index.ts', 'utf8').matchAll(/from '\.\/([a-z-]+-event)\.js'/g)].map(
  (m) => `src/events/${m[1]}.ts`,
);

/**
 * The analyzer's globber (globby 11 → fast-glob, asynchronous) returns files "in arbitrary
 * order" (fast-glob's README): which directory's listing comes back first varies from run to
 * run, and the manifest's modules come out in that order. That was the "flaky" manifest: now and
 * then one module (chat-input, chat-header) sat elsewhere in the list, so the text and the
 * deep-equal check differed although no module was missing. Creating the modules from the
 * sorted file list makes every run give the same bytes.
 */
function overrideModuleCreation({ ts: analyzerTs, globs }) {
  return [...globs]
    .sort()
    .map((file) => analyzerTs.createSourceFile(file, readFileSync(file, 'utf8'), analyzerTs.ScriptTarget.ES2015, true));
}

/**
 * The public CSS custom properties, read from src/styles/tokens.ts: `TOKENS` (name, default, and
 * the JSDoc comment above each entry as its description) and `DARK_TOKENS` (the dark scheme's
 * value, if any). That module is the one place they are defined and documented; the plugin below
 * lists them on `<amoiq-chat>`, where a page sets them, and scripts/check-manifest.js compares
 * docs/theming.md with them.
 * @returns {Array<{ name: string, default: string, description: string, dark?: string }>}
 */
export function readTokens(file = 'src/styles/tokens.ts') {
  const source = ts.createSourceFile(file, readFileSync(file, 'utf8'), ts.ScriptTarget.ES2022, true);
  const objects = new Map();
  const visit = (node) => {
    if (ts.isVariableDeclaration(node) && ts.isIdentifier(node.name)) {
      let init = node.initializer;
      while (init && (ts.isAsExpression(init) || ts.isSatisfiesExpression(init))) init = init.expression;
      if (init && ts.isObjectLiteralExpression(init)) objects.set(node.name.text, init.properties);
    }
    ts.forEachChild(node, visit);
  };
  visit(source);
  const dark = new Map((objects.get('DARK_TOKENS') ?? []).map((p) => [p.name.text, p.initializer.text]));
  return (objects.get('TOKENS') ?? []).map((prop) => {
    const description = ts
      .getJSDocCommentsAndTags(prop)
      .map((doc) => ts.getTextOfJSDocComment(doc.comment) ?? '')
      .join(' ')
      .trim();
    const token = { name: prop.name.text, default: prop.initializer.text, description };
    return dark.has(token.name) ? { ...token, dark: dark.get(token.name) } : token;
  });
}

const tokenProperties = {
  name: 'amoiq-token-properties',
  packageLinkPhase({ customElementsManifest }) {
    const tokens = readTokens();
    for (const mod of customElementsManifest.modules ?? []) {
      for (const decl of mod.declarations ?? []) {
        if (decl.tagName === 'amoiq-chat')
          decl.cssProperties = tokens.map(({ name, default: value, description }) => ({ name, default: value, description }));
      }
    }
  },
};

/**
 * The inner elements whose parts `<amoiq-chat>` re-exports, read from
 * src/components/chat/panel-content.ts: each `<tag part="…" exportparts=${LIST}>` and its
 * `const LIST = exportParts('prefix', 'part part …')`, where every part becomes `prefix-part`.
 * @returns {Array<{ tag: string, part: string, prefix: string, parts: string[] }>}
 */
export function readExportedParts(file = 'src/components/chat/panel-content.ts') {
  const text = readFileSync(file, 'utf8');
  const lists = new Map(
    [...text.matchAll(/const ([A-Z_]+) = exportParts\(\s*'([a-z-]+)',\s*'([^']+)'/g)].map((m) => [
      m[1],
      { prefix: m[2], parts: m[3].split(' ') },
    ]),
  );
  return [...text.matchAll(/<(amoiq-[a-z-]+)\s+part="([a-z-]+)"\s+exportparts=\$\{([A-Z_]+)\}/g)].map((m) => ({
    tag: m[1],
    part: m[2],
    ...lists.get(m[3]),
  }));
}

/**
 * `<amoiq-chat>` lists the parts it re-exports (`header-title`, `message-list-bubble`, …) with
 * the description the inner element gives each, so `::part()` completion sees them all.
 */
const exportedParts = {
  name: 'amoiq-exported-parts',
  packageLinkPhase({ customElementsManifest }) {
    const declarations = (customElementsManifest.modules ?? []).flatMap((mod) => mod.declarations ?? []);
    const chat = declarations.find((d) => d.tagName === 'amoiq-chat');
    if (!chat) return;
    for (const { tag, prefix, parts } of readExportedParts()) {
      const inner = declarations.find((d) => d.tagName === tag);
      for (const name of parts ?? []) {
        const described = inner?.cssParts?.find((p) => p.name === name)?.description;
        chat.cssParts = [
          ...(chat.cssParts ?? []),
          { description: described ? `${described} (\`<${tag}>\` part \`${name}\`)` : '', name: `${prefix}-${name}` },
        ];
      }
    }
  },
};

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

/**
 * The string-literal unions declared in src/ (`type ChatPosition = 'bottom-right' | …`), by name.
 * @returns {Map<string, string>}
 */
export function readLiteralUnions(dir = 'src') {
  const unions = new Map();
  const files = readdirSync(dir, { recursive: true, encoding: 'utf8' }).filter((f) => f.endsWith('.ts') && !f.endsWith('.d.ts'));
  for (const file of files) {
    const source = ts.createSourceFile(file, readFileSync(`${dir}/${file}`, 'utf8'), ts.ScriptTarget.ES2022, true);
    for (const node of source.statements) {
      if (!ts.isTypeAliasDeclaration(node) || !ts.isUnionTypeNode(node.type)) continue;
      const members = node.type.types.map((t) => (ts.isLiteralTypeNode(t) && ts.isStringLiteral(t.literal) ? `'${t.literal.text}'` : null));
      if (members.every(Boolean)) unions.set(node.name.text, members.join(' | '));
    }
  }
  return unions;
}

/**
 * The defaults in src/config.ts's `DEFAULTS` object as source text (`'bottom-right'`,
 * `'350px'`): a string literal as written, `TOKENS['--name']` as that token's default.
 * @returns {Map<string, string>}
 */
export function readConfigDefaults(file = 'src/config.ts') {
  const source = ts.createSourceFile(file, readFileSync(file, 'utf8'), ts.ScriptTarget.ES2022, true);
  const tokens = new Map(readTokens().map((t) => [t.name, t.default]));
  const defaults = new Map();
  const visit = (node) => {
    if (ts.isVariableDeclaration(node) && ts.isIdentifier(node.name) && node.name.text === 'DEFAULTS') {
      let init = node.initializer;
      while (init && (ts.isAsExpression(init) || ts.isSatisfiesExpression(init))) init = init.expression;
      for (const prop of init && ts.isObjectLiteralExpression(init) ? init.properties : []) {
        if (!ts.isPropertyAssignment(prop)) continue;
        let value = prop.initializer;
        while (ts.isAsExpression(value)) value = value.expression;
        if (ts.isStringLiteral(value)) defaults.set(prop.name.getText(source), `'${value.text}'`);
        else if (ts.isElementAccessExpression(value) && ts.isStringLiteral(value.argumentExpression)) {
          const token = tokens.get(value.argumentExpression.text);
          if (token !== undefined) defaults.set(prop.name.getText(source), `'${token}'`);
        }
      }
    }
    ts.forEachChild(node, visit);
  };
  visit(source);
  return defaults;
}

/**
 * What type generators (JSX, Vue, VS Code, JetBrains; scripts/gen-types.mjs) need from the
 * manifest: a type alias of string literals is written out as its union (`'light' | 'dark' |
 * 'auto'`, not `ChatTheme`, which a generated file could not name), a default taken from
 * `DEFAULTS.x` is the value it stands for, a field the analyzer left untyped gets the type of
 * its string default, and an attribute of HTMLElement's own (`lang`) names its field.
 */
const generatorTypes = {
  name: 'amoiq-generator-types',
  packageLinkPhase({ customElementsManifest }) {
    const unions = readLiteralUnions();
    const defaults = readConfigDefaults();
    const fix = (item) => {
      const text = item.type?.text;
      if (text && unions.has(text)) item.type = { text: unions.get(text) };
      const fromConfig = /^DEFAULTS\.(\w+)$/.exec(item.default ?? '')?.[1];
      if (fromConfig && defaults.has(fromConfig)) item.default = defaults.get(fromConfig);
      if (!item.type && /^'.*'$/.test(item.default ?? '')) item.type = { text: 'string' };
    };
    for (const mod of customElementsManifest.modules ?? []) {
      // The analyzer records no default for an initializer such as `DEFAULTS.width`: read it here.
      const initializers = new Map();
      const source = ts.createSourceFile(mod.path, readFileSync(mod.path, 'utf8'), ts.ScriptTarget.ES2022, true);
      const visit = (node) => {
        if (ts.isPropertyDeclaration(node) && node.initializer && ts.isIdentifier(node.name))
          initializers.set(node.name.text, node.initializer.getText(source));
        ts.forEachChild(node, visit);
      };
      visit(source);
      for (const decl of mod.declarations ?? []) {
        if (!decl.customElement) continue;
        for (const item of [...(decl.members ?? []), ...(decl.attributes ?? [])]) {
          const initializer = initializers.get(item.kind === 'field' ? item.name : item.fieldName);
          if (item.default === undefined && initializer?.startsWith('DEFAULTS.')) item.default = initializer;
        }
        for (const member of decl.members ?? []) if (member.kind === 'field') fix(member);
        for (const attr of decl.attributes ?? []) {
          fix(attr);
          if (!attr.fieldName && ['lang', 'dir', 'title'].includes(attr.name)) attr.fieldName = attr.name;
        }
      }
    }
  },
};

export default {
  globs: [...ELEMENT_MODULES, ...EVENT_MODULES],
  outdir: '.',
  litelement: true,
  dependencies: false,
  packagejson: false,
  overrideModuleCreation,
  plugins: [tokenProperties, exportedParts, dropUnnamedEvents, generatorTypes],
};
