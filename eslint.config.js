// @ts-check
import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import lit from 'eslint-plugin-lit';
import wc from 'eslint-plugin-wc';
import globals from 'globals';

export default tseslint.config(
  {
    ignores: [
      'dist/**',
      'demo/agent/dist/**',
      'node_modules/**',
      'test-results/**',
      'custom-elements.json',
      '*.tmp.mjs',
      'tmp/**',
      '.data/**',
      '.cem-check/**',
    ],
  },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    files: ['src/**/*.ts', 'test/**/*.ts', 'demo/agent/src/**/*.ts'],
    plugins: { lit, wc },
    languageOptions: { globals: globals.browser },
    rules: {
      ...lit.configs.recommended.rules,
      ...wc.configs.recommended.rules,
      'wc/guard-super-call': 'off',
      '@typescript-eslint/no-non-null-assertion': 'off',
    },
  },
  {
    // The package marks only dist/ files as having side effects (package.json "sideEffects"), so
    // a bundler (Vite for the drop-in and the agent console, an app's for the npm entries) drops a
    // module imported for its side effects alone, and an import() whose module nothing reads. The
    // production console lost its queue and settings panels, and the drop-in the closed
    // conversation's rating and transcript, that way while the tests (unbundled) passed.
    files: ['src/**/*.ts', 'demo/agent/src/**/*.ts'],
    rules: {
      'no-restricted-syntax': [
        'error',
        {
          selector: 'ImportDeclaration[specifiers.length=0][importKind!="type"]',
          message:
            'A bare import is dropped by the bundler (package.json sideEffects lists only dist/): import the element class by name and register it where it is used (see src/registry.ts, demo/agent/src/main.ts).',
        },
        {
          selector:
            ':matches(ExpressionStatement, UnaryExpression[operator="void"]) > :matches(ImportExpression, CallExpression[callee.property.name=/^(catch|finally)$/][callee.object.type="ImportExpression"])',
          message: 'An import() whose module is not read may be dropped by the bundler: read what it exports (.then(({ X }) => …)).',
        },
      ],
    },
  },
  {
    // Benchmarks run in Node and hand functions to the page (page.evaluate): both sets of globals.
    files: ['bench/**/*.js', 'bench/**/*.mjs'],
    languageOptions: { globals: { ...globals.node, ...globals.browser } },
  },
  {
    files: ['demo/*.js'],
    languageOptions: { globals: globals.browser },
  },
  {
    rules: { '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }] },
  },
  {
    files: ['test/**/*.ts'],
    rules: {
      '@typescript-eslint/no-explicit-any': 'off',
      '@typescript-eslint/no-unused-expressions': 'off',
      // axe judges the colours it sees: a panel or banner mid-fade fails contrast on a loaded machine.
      'no-restricted-syntax': [
        'error',
        {
          selector: "MemberExpression[property.name='accessible']",
          message: 'Use expectAccessible(el) from test/helpers/dom.ts: it finishes the animations before axe runs.',
        },
      ],
    },
  },
  {
    files: ['test/helpers/dom.ts'],
    rules: { 'no-restricted-syntax': 'off' },
  },
  {
    files: [
      'demo/server/**/*.js',
      'scripts/**/*.js',
      'scripts/**/*.mjs',
      'test/plugins/**/*.mjs',
      'test/node/**/*.mjs',
      '*.config.*',
      '.ci/**/*.js',
    ],
    languageOptions: { globals: globals.node },
  },
);
