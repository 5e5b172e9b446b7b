// Build: type-check, bundle the runtime libraries once, bundle every node and credential thin
// against that copy, then let gulp copy what neither tsc nor esbuild emits (icons, codex,
// templates, workflows, PGlite's files).
//
// n8n's lint forbids runtime dependencies, so ioredis, pg, PGlite, client-node, handlebars …
// live inside dist. They live there ONCE: dist/lib.js holds every module of lib/ with its
// libraries, and each node or credential bundle requires it for anything under lib/. One
// module instance per n8n process means one PGlite, one pg pool and one Redis client per
// address come from module scope, and one class per error (instanceof holds across nodes).
import { build } from 'esbuild';
import { execSync } from 'node:child_process';
import { readFileSync, readdirSync, rmSync } from 'node:fs';
import { dirname, join, relative, resolve, sep } from 'node:path';

const root = resolve(dirname(new URL(import.meta.url).pathname), '..');
const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));
const run = (cmd) => execSync(cmd, { stdio: 'inherit', cwd: root });

const LIB_DIR = join(root, 'lib');
const LIB_BUNDLE = 'lib.js';

const common = {
	bundle: true,
	platform: 'node',
	format: 'cjs',
	target: 'node20',
	// optional native accelerators that the bundled libraries probe for and do without
	external: ['n8n-workflow', 'pg-native', 'cpu-features', 'ssh2', 'bufferutil', 'utf-8-validate'],
	logLevel: 'warning',
	legalComments: 'none',
	sourcemap: false,
	absWorkingDir: root,
};

/** Every module of lib/, as `area/file` (no extension): the keys of dist/lib.js's exports. */
function libModules(dir = LIB_DIR) {
	return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
		const path = join(dir, entry.name);
		if (entry.isDirectory()) return libModules(path);
		if (!entry.name.endsWith('.ts') || entry.name.endsWith('.d.ts')) return [];
		return [relative(LIB_DIR, path).split(sep).join('/').replace(/\.ts$/, '')];
	});
}

/** The id of a resolved file under lib/ (`store/index` for lib/store or lib/store/index.ts). */
function libModuleId(file) {
	return relative(LIB_DIR, file).split(sep).join('/').replace(/\.ts$/, '');
}

rmSync(join(root, 'dist'), { recursive: true, force: true });
run('npx tsc --noEmit -p tsconfig.json');

// 1. dist/lib.js: { 'store/index': <module>, 'repair/engine': <module>, … }
const modules = libModules();
await build({
	...common,
	stdin: {
		contents: `module.exports = {\n${modules
			.map((m) => `\t${JSON.stringify(m)}: require(${JSON.stringify(`./lib/${m}`)}),`)
			.join('\n')}\n};\n`,
		resolveDir: root,
		sourcefile: 'lib-bundle.js',
		loader: 'js',
	},
	outfile: join(root, 'dist', LIB_BUNDLE),
	// ESM-only code paths of bundled libraries (PGlite's Emscripten loader calls
	// createRequire(import.meta.url)) get the bundle's own URL, as they would unbundled.
	define: { 'import.meta.url': '__aiopsImportMetaUrl' },
	banner: { js: 'var __aiopsImportMetaUrl = require("url").pathToFileURL(__filename).href;' },
	// Handlebars templates become string constants in the bundle: nothing is read from disk at
	// run time (vitest.config.mts has the matching plugin)
	loader: { '.hbs': 'text' },
});

// 2. Each node and credential, with every import of lib/ replaced by the shared bundle's module.
const entries = [...pkg.n8n.nodes, ...pkg.n8n.credentials];
await Promise.all(
	entries.map((out) => {
		const outfile = join(root, out);
		let toLib = relative(dirname(outfile), join(root, 'dist', LIB_BUNDLE))
			.split(sep)
			.join('/');
		if (!toLib.startsWith('.')) toLib = `./${toLib}`;
		return build({
			...common,
			entryPoints: [join(root, out.replace(/^dist\//, '').replace(/\.js$/, '.ts'))],
			outfile,
			plugins: [
				{
					name: 'shared-lib',
					setup(b) {
						b.onResolve({ filter: /\/lib(\/|$)/ }, async (args) => {
							if (args.pluginData === 'shared-lib' || args.importer.startsWith(LIB_DIR + sep))
								return;
							const resolved = await b.resolve(args.path, {
								resolveDir: args.resolveDir,
								kind: args.kind,
								pluginData: 'shared-lib',
							});
							if (resolved.errors.length || !resolved.path.startsWith(LIB_DIR + sep)) return;
							return { path: libModuleId(resolved.path), namespace: 'shared-lib' };
						});
						// the shared bundle itself is required at run time, beside the output
						b.onResolve({ filter: /.*/, namespace: 'shared-lib' }, (args) => ({
							path: args.path,
							external: true,
						}));
						b.onLoad({ filter: /.*/, namespace: 'shared-lib' }, (args) => ({
							contents: `module.exports = require(${JSON.stringify(toLib)})[${JSON.stringify(args.path)}];`,
							loader: 'js',
						}));
					},
				},
			],
		});
	}),
);
run('npx gulp build:assets');
