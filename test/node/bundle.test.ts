// The built package keeps one copy of lib/ and its libraries (dist/lib.js): the node and
// credential bundles carry none of them and all require that one module, so a process has one
// PGlite, one pg pool and one Redis client per connection.
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';

const ROOT = join(__dirname, '../..');
const requireFromRoot = createRequire(join(ROOT, 'package.json'));
const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as {
	n8n: { nodes: string[]; credentials: string[] };
};
const bundles = [...pkg.n8n.nodes, ...pkg.n8n.credentials];
// esbuild marks each bundled source file with a `// <path>` line
const bundledFiles = (file: string) =>
	readFileSync(join(ROOT, file), 'utf8')
		.split('\n')
		.filter((line) => /^\/\/ (node_modules|lib)\//.test(line));

describe('one build of lib/', () => {
	it('puts the runtime libraries and lib/ in dist/lib.js only', () => {
		const shared = bundledFiles('dist/lib.js');
		for (const library of [
			'node_modules/ioredis/',
			'node_modules/pg/',
			'node_modules/@electric-sql/pglite/',
			'node_modules/@kubernetes/client-node/',
			'node_modules/handlebars/',
			'lib/store/embedded.ts',
		]) {
			expect(shared.some((line) => line.includes(library))).toBe(true);
		}
		for (const bundle of bundles) expect([bundle, bundledFiles(bundle)]).toEqual([bundle, []]);
	});

	it('every node and credential loads the same dist/lib.js', () => {
		const loaded = bundles.map((bundle) => requireFromRoot(join(ROOT, bundle)));
		expect(loaded).toHaveLength(bundles.length);
		const libs = Object.keys(requireFromRoot.cache).filter((k) => k.endsWith('/dist/lib.js'));
		expect(libs).toEqual([join(ROOT, 'dist/lib.js')]);
		const nodes = bundles
			.filter((b) => b.includes('/nodes/'))
			.map((b) => requireFromRoot.cache[join(ROOT, b)]!);
		for (const node of nodes) {
			expect(node.children.map((c) => c.id)).toContain(join(ROOT, 'dist/lib.js'));
		}
	});
});
