import tseslint from 'typescript-eslint';
import rooms from './eslint-rules/rooms.js';

export default tseslint.config(
  { ignores: ['dist/**', 'web/dist/**', 'node_modules/**', 'coverage/**', '.rolebridge/**'] },
  ...tseslint.configs.recommended,
  {
    plugins: { rolebridge: rooms },
    rules: {
      'rolebridge/rooms': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/no-explicit-any': 'error',
      'no-console': 'off',
    },
  },
  {
    files: ['test/**/*.ts', 'bench/**/*.ts'],
    rules: { '@typescript-eslint/no-non-null-assertion': 'off' },
  },
);
