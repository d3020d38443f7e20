import js from '@eslint/js';
import lit from 'eslint-plugin-lit';
import litA11y from 'eslint-plugin-lit-a11y';
import wc from 'eslint-plugin-wc';
import globals from 'globals';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  { ignores: ['dist/', 'node_modules/', 'demo/server/bin/', 'demo/server/obj/', 'demo/server.Tests/bin/', 'demo/server.Tests/obj/'] },
  // The seed-contract server's build output.
  { ignores: ['src/test/seed-server/bin/', 'src/test/seed-server/obj/'] },
  js.configs.recommended,
  ...tseslint.configs.strict,
  {
    files: ['src/**/*.ts'],
    extends: [lit.configs['flat/recommended'], wc.configs['flat/recommended'], litA11y.configs.recommended],
    rules: {
      'no-console': ['error', { allow: ['warn', 'error'] }],
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
    },
  },
  {
    files: ['src/test/**/*.ts'],
    rules: { '@typescript-eslint/no-non-null-assertion': 'off' },
  },
  {
    files: ['scripts/*.mjs', '*.config.mjs'],
    languageOptions: { globals: globals.node },
  },
  {
    // Node scripts that also hand functions to the page (page.evaluate).
    files: ['bench/*.mjs', 'e2e/*.mjs', 'scripts/screenshots.mjs', 'scripts/soak.mjs'],
    languageOptions: { globals: { ...globals.node, ...globals.browser } },
  },
  {
    files: ['demo/assets/*.js'],
    languageOptions: { globals: globals.browser },
  },
);
