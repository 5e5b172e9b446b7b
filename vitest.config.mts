import { createRequire } from 'node:module';
import type { Plugin } from 'vite';
import { defineConfig } from 'vitest/config';

const require = createRequire(import.meta.url);

// Handlebars templates are imported as text, as esbuild's `loader: { '.hbs': 'text' }` does in
// scripts/build.mjs: tests and the bundle see the same strings.
const hbsText: Plugin = {
	name: 'hbs-text',
	transform(code, id) {
		if (!id.endsWith('.hbs')) return null;
		return { code: `export default ${JSON.stringify(code)};`, map: null };
	},
};

// Four layers (test/README.md): unit (lib/, no I/O), node (node classes in an n8n-shaped
// execution context), integration (real Redis/Postgres/PGlite, local servers), e2e (real n8n).
export default defineConfig({
	plugins: [hbsText],
	// The built nodes load n8n-workflow's CommonJS build; tests must see the same module so
	// that `instanceof NodeOperationError` holds across the boundary.
	resolve: { alias: { 'n8n-workflow': require.resolve('n8n-workflow') } },
	test: {
		globals: true,
		projects: [
			{ extends: true, test: { name: 'unit', include: ['test/unit/**/*.test.ts'] } },
			{
				extends: true,
				test: { name: 'node', include: ['test/node/**/*.test.ts'], testTimeout: 30_000 },
			},
			{
				extends: true,
				test: {
					name: 'integration',
					include: ['test/integration/**/*.test.ts'],
					globalSetup: ['test/support/services.globalSetup.ts'],
					testTimeout: 60_000,
					hookTimeout: 60_000,
				},
			},
			{
				extends: true,
				test: {
					name: 'e2e',
					include: ['test/e2e/**/*.test.ts'],
					testTimeout: 600_000,
					hookTimeout: 900_000,
					fileParallelism: false,
				},
			},
		],
	},
});
