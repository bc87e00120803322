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
