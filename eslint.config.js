// ESLint: the code rules CI checks (`npm run lint`). Why each rule beyond the
// recommended sets is here: docs/adr/0011-lint-format-and-boundaries.md.
// Import boundaries and cycles are checked by dependency-cruiser
// (.dependency-cruiser.cjs), formatting by Prettier.
import js from '@eslint/js';
import globals from 'globals';
import tseslint from 'typescript-eslint';

/** Tests and the helpers only tests import: they poke at internals and decoded JSON. */
const testFiles = [
  '**/*.test.ts',
  '**/testing.ts',
  '**/testing/**',
  '**/testkit/**',
  '**/test-support.ts',
  '**/*-fixtures.ts',
  'test/**',
  'bench/**',
];

/** node:test's registration calls return promises the runner itself awaits. */
const nodeTestCalls = {
  from: 'package',
  package: 'node:test',
  name: ['test', 'it', 'describe', 'suite', 'before', 'after', 'beforeEach', 'afterEach'],
};

export default tseslint.config(
  {
    ignores: ['dist/', 'node_modules/', '.envoy/', '.koguma/', 'src/xds/envoy/gen/', 'gui/src/api/generated/'],
  },
  js.configs.recommended,
  tseslint.configs.recommended,
  {
    languageOptions: {
      globals: globals.node,
      parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname },
    },
    linterOptions: { reportUnusedDisableDirectives: 'error' },
    rules: {
      // A server that must never crash: every promise is awaited or handled.
      '@typescript-eslint/no-floating-promises': ['error', { allowForKnownSafeCalls: [nodeTestCalls] }],
      '@typescript-eslint/no-misused-promises': 'error',
      '@typescript-eslint/await-thenable': 'error',
      '@typescript-eslint/return-await': ['error', 'error-handling-correctness-only'],
      // Errors carry a stack and a code: throw and reject with Error objects only.
      '@typescript-eslint/only-throw-error': 'error',
      '@typescript-eslint/prefer-promise-reject-errors': 'error',
      // A new member of a union (a kind, an origin, a resource type) must be handled.
      '@typescript-eslint/switch-exhaustiveness-check': [
        'error',
        { considerDefaultExhaustiveForUnions: true, requireDefaultForNonUnion: false },
      ],
      // Prettier places line breaks, and never where ASI would change the meaning.
      'no-unexpected-multiline': 'off',
      // A `let` assigned once, later than closures that read it, is a deliberate late binding.
      'prefer-const': ['error', { ignoreReadBeforeAssign: true }],
      // `_name` marks a deliberately unused binding; `{ drop, ...rest }` omits a field.
      '@typescript-eslint/no-unused-vars': [
        'error',
        {
          argsIgnorePattern: '^_',
          varsIgnorePattern: '^_',
          caughtErrorsIgnorePattern: '^_',
          destructuredArrayIgnorePattern: '^_',
          ignoreRestSiblings: true,
        },
      ],
    },
  },
  {
    files: testFiles,
    rules: {
      '@typescript-eslint/no-explicit-any': 'off',
    },
  },
  {
    // The GUI runs in the browser.
    files: ['gui/**'],
    languageOptions: { globals: globals.browser },
  },
  {
    // Scripts and examples are plain JavaScript outside tsconfig: no type information.
    files: ['**/*.js', '**/*.mjs', '**/*.cjs'],
    ...tseslint.configs.disableTypeChecked,
  },
);
