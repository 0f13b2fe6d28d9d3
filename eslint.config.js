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
            {
              group: ['@aws-sdk/*', 'aws-cdk-lib', 'aws-cdk-lib/*', '@aws-lambda-powertools/*', '@middy/*'],
              message: 'The domain imports no AWS SDK: add a port and an adapter in shared/adapters.',
            },
            { group: ['**/adapters/**', 'node:fs', 'node:net', 'node:http', 'fs', 'net', 'http'], message: 'The domain does no I/O: go through a port.' },
            {
              group: ['**/application/**', '**/composition/**'],
              message: 'The domain points nowhere up: use cases and wiring depend on it, not the other way.',
            },
          ],
        },
      ],
    },
  },
  {
    // Use cases take ports: they are unit-tested on fakes, so they never build or import an adapter.
    files: ['shared/application/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            { group: ['@aws-sdk/*', 'aws-cdk-lib', 'aws-cdk-lib/*', '@middy/*'], message: 'Use cases go through ports; the SDK lives in shared/adapters.' },
            { group: ['**/adapters/**', '**/composition/**'], message: 'A use case takes its ports as an argument; shared/composition builds them.' },
          ],
        },
      ],
    },
  },
);
