import { configWithoutCloudSupport } from '@n8n/node-cli/eslint';

export default [
	...configWithoutCloudSupport,
	{ ignores: ['test/**', 'bench/**', 'bench-out/**', 'scripts/**', 'gulpfile.js', 'vitest.config.mts'] },
	{
		// lib/ is the plain-TypeScript domain layer: it never imports n8n, so n8n's error
		// classes cannot apply there; nodes/ translate its errors into NodeOperationError/NodeApiError.
		files: ['lib/**/*.ts'],
		rules: { '@n8n/community-nodes/require-node-api-error': 'off' },
	},
];
