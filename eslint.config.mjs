import js from '@eslint/js';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  {
    ignores: [
      '**/dist/**',
      '**/node_modules/**',
      '.cityledger/**',
      '.fabric-network/**',
      'network/generated/**',
    ],
  },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    files: ['**/*.ts'],
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/explicit-module-boundary-types': 'off',
      // A package is used through the subpaths its package.json `exports` declares, never through
      // its build output; the compiler (moduleResolution node16) refuses the rest as well.
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              regex: '^@cityledger/[^/]+/(dist|src)(/|$)',
              message: "Import a workspace package through a subpath of its package.json 'exports'.",
            },
          ],
        },
      ],
      'no-restricted-syntax': [
        'error',
        {
          selector: "CallExpression[callee.object.name='Math'][callee.property.name='random']",
          message:
            'Chaincode and ledger code must be deterministic; use crypto.randomBytes outside chaincode.',
        },
      ],
    },
  },
  {
    files: ['chaincode/**/*.ts'],
    ignores: ['chaincode/**/*.test.ts'],
    rules: {
      'no-restricted-properties': [
        'error',
        { object: 'Date', property: 'now', message: 'Chaincode time comes from ctx.stub.getTxTimestamp().' },
      ],
    },
  },
  {
    files: ['**/*.js', '**/*.mjs', '**/*.cjs'],
    languageOptions: {
      globals: {
        require: 'readonly',
        module: 'writable',
        process: 'readonly',
        console: 'readonly',
        __dirname: 'readonly',
      },
    },
  },
  {
    files: ['**/*.cjs'],
    rules: { '@typescript-eslint/no-require-imports': 'off' },
  },
);
