// Build: type-check, bundle every node and credential with its runtime libraries (n8n's lint
// forbids runtime dependencies, so ioredis, pg, PGlite, client-node, handlebars … live inside
// dist), then let gulp copy what neither tsc nor esbuild emits (icons, codex, templates, workflows).
import { build } from 'esbuild';
import { execSync } from 'node:child_process';
import { readFileSync, rmSync } from 'node:fs';

const pkg = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8'));
const run = (cmd) => execSync(cmd, { stdio: 'inherit' });

rmSync('dist', { recursive: true, force: true });
run('npx tsc --noEmit -p tsconfig.json');

const entryPoints = [...pkg.n8n.nodes, ...pkg.n8n.credentials].map((p) =>
	p.replace(/^dist\//, '').replace(/\.js$/, '.ts'),
);
await build({
	entryPoints,
	outdir: 'dist',
	outbase: '.',
	bundle: true,
	platform: 'node',
	format: 'cjs',
	target: 'node20',
	// optional native accelerators that the bundled libraries probe for and do without
	external: ['n8n-workflow', 'pg-native', 'cpu-features', 'ssh2', 'bufferutil', 'utf-8-validate'],
	// ESM-only code paths of bundled libraries (PGlite's Emscripten loader calls
	// createRequire(import.meta.url)) get the bundle's own URL, as they would unbundled.
	define: { 'import.meta.url': '__aiopsImportMetaUrl' },
	banner: { js: 'var __aiopsImportMetaUrl = require("url").pathToFileURL(__filename).href;' },
	logLevel: 'warning',
	legalComments: 'none',
	// Handlebars templates become string constants in the bundle: nothing is read from disk at
	// run time (vitest.config.mts has the matching plugin)
	loader: { '.hbs': 'text' },
	sourcemap: false,
});
run('npx gulp build:assets');
