// Lint: typescript-eslint's type-aware recommended rules; floating promises are errors (they hide failures).
import tseslint from 'typescript-eslint';

export default tseslint.config(
  {
    ignores: ['dist/**', 'out/**', 'node_modules/**', '.cache/**', '.scratch/**', 'schemas/**', 'test/fixtures/**', '**/*.mjs', '**/*.js'],
  },
  ...tseslint.configs.recommendedTypeChecked,
  {
    languageOptions: {
      parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname },
    },
    rules: {
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/no-namespace': 'off',
      '@typescript-eslint/restrict-template-expressions': ['error', { allowNumber: true, allowBoolean: true }],
    },
  },
  {
    // A run must not narrow silently: no .only (mocha's --forbid-only catches it too), and no skip that does not say
    // why (skipWithReason in test/helpers/skips.ts prints and records the reason for the run's summary).
    files: ['test/**/*.ts'],
    rules: {
      'no-restricted-properties': [
        'error',
        ...['describe', 'context', 'suite', 'it', 'specify', 'test'].flatMap((object) => [
          { object, property: 'only', message: 'A committed .only runs one test and passes: remove it.' },
          { object, property: 'skip', message: 'Skip inside the test with skipWithReason(this, reason) (test/helpers/skips.ts).' },
        ]),
      ],
      'no-restricted-globals': [
        'error',
        ...['xdescribe', 'xcontext', 'xit', 'xspecify'].map((name) => ({
          name,
          message: 'Skip inside the test with skipWithReason(this, reason) (test/helpers/skips.ts).',
        })),
      ],
      'no-restricted-syntax': [
        'error',
        {
          selector: "CallExpression[callee.property.name='skip'][arguments.length=0]",
          message: 'A bare skip() says nothing: use skipWithReason(this, reason) from test/helpers/skips.ts.',
        },
      ],
    },
  },
);
