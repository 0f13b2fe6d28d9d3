import tseslint from 'typescript-eslint';

export default tseslint.config(
  { ignores: ['node_modules', 'cdk.out', '.rekindle', 'bin', '.scratch'] },
  ...tseslint.configs.recommended,
  {
    rules: {
      '@typescript-eslint/no-explicit-any': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
    },
  },
  {
    // The domain is pure: effects go through ports, implemented in shared/adapters.
    files: ['shared/domain/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            { group: ['@aws-sdk/*', 'aws-cdk-lib', 'aws-cdk-lib/*', '@aws-lambda-powertools/*', '@middy/*'], message: 'The domain imports no AWS SDK: add a port and an adapter in shared/adapters.' },
            { group: ['**/adapters/**', 'node:fs', 'node:net', 'node:http', 'fs', 'net', 'http'], message: 'The domain does no I/O: go through a port.' },
          ],
        },
      ],
    },
  },
);
