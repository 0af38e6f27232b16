// @ts-check
const js = require('@eslint/js');
const tseslint = require('typescript-eslint');
const globals = require('globals');

module.exports = tseslint.config(
  {
    ignores: [
      'node_modules/',
      'dist/',
      '.hearth/',
      'coverage/',
      'artifacts/',
      'client/generated/',
      'client/dist/',
      'admin/src/generated/',
      'server/db/migrations/',
    ],
  },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { globals: { ...globals.node } },
    rules: {
      '@typescript-eslint/no-explicit-any': 'off',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      'no-console': 'off',
      eqeqeq: ['error', 'smart'],
      // Domains extend shared maps (Loaders, Topics, DomainDeps) by interface merging: `interface Loaders extends ContentLoaders {}`.
      '@typescript-eslint/no-empty-object-type': ['error', { allowInterfaces: 'with-single-extends' }],
      // Packages loaded on first use, not at start (server/on-first-use.ts): only these.
      '@typescript-eslint/no-require-imports': [
        'error',
        { allow: ['^livekit-server-sdk$', '^nodemailer$', '^react-dom/server$', '^@react-email/render$'] },
      ],
    },
  },
  {
    // The admin console runs in a browser.
    files: ['admin/src/**/*.{ts,tsx}'],
    languageOptions: { globals: { ...globals.browser } },
  },
  {
    files: ['**/*.js'],
    rules: { '@typescript-eslint/no-require-imports': 'off' },
  },
);
