// @ts-check
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

// Workflow code runs in Temporal's deterministic sandbox: no Node built-ins, no I/O clients, and activities are
// reached only through the proxies of workflows/activity-profiles.ts, the one file that may name their types (so an
// Exotel request can only go out on its account's rate-limited task queue).
const nodeBuiltins = [
  'assert', 'async_hooks', 'buffer', 'child_process', 'cluster', 'crypto', 'dgram', 'dns', 'events', 'fs',
  'http', 'http2', 'https', 'net', 'os', 'path', 'perf_hooks', 'process', 'readline', 'stream', 'timers',
  'tls', 'url', 'util', 'v8', 'vm', 'worker_threads', 'zlib',
];

const deterministic = [
  { group: ['node:*'], message: 'Workflow and domain code is deterministic: no Node built-ins.' },
  { group: nodeBuiltins, message: 'Workflow and domain code is deterministic: no Node built-ins.' },
  { group: ['axios', 'axios/*', '**/exotel/*', '**/simulator/*', '**/worker/*', '**/client/*', '**/cli/*'],
    message: 'Workflow and domain code does no I/O.' },
];
const activitiesOnlyThroughProfiles = {
  group: ['**/activities', '**/activities/*'],
  message: 'Call activities through the proxies of workflows/activity-profiles.ts: Exotel requests must run on the account\'s own queue.',
};
const activityTypesOnly = {
  group: ['**/activities', '**/activities/*'],
  allowTypeImports: true,
  message: 'Workflows import activity types only; call them through proxyActivities.',
};

export default tseslint.config(
  { ignores: ['node_modules/**', 'dist/**', '.tools/**', '.dev/**', 'test/fixtures/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommendedTypeChecked,
  {
    languageOptions: {
      parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname },
    },
    rules: {
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/no-misused-promises': 'error',
      // Activities are async by contract even when their body is synchronous.
      '@typescript-eslint/require-await': 'off',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/restrict-template-expressions': ['error', { allowNumber: true, allowBoolean: true }],
    },
  },
  {
    files: ['workflows/**/*.ts', 'domain/**/*.ts'],
    rules: {
      '@typescript-eslint/no-restricted-imports': ['error', { patterns: [...deterministic, activitiesOnlyThroughProfiles] }],
    },
  },
  {
    files: ['workflows/activity-profiles.ts'],
    rules: {
      '@typescript-eslint/no-restricted-imports': ['error', { patterns: [...deterministic, activityTypesOnly] }],
    },
  },
  {
    files: ['**/*.mjs', '**/*.js'],
    ...tseslint.configs.disableTypeChecked,
  },
);
