// The embedded store: PGlite (Postgres compiled to WebAssembly) in a folder under n8n's user
// folder, so a fresh n8n works with no database server. It speaks the same SQL as the Postgres
// store. One PGlite per folder per process (module scope: every node loads this module from the
// one dist/lib.js), and one process per folder (a pid file guards it).
import { existsSync, mkdirSync, readFileSync, unlinkSync, writeFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { homedir } from 'node:os';
import { join, resolve } from 'node:path';
import { PGlite, type PGliteOptions } from '@electric-sql/pglite';

import { InvalidInputError } from '../errors';
import { guarded } from './failure';
import type { SqlExecutor, SqlRow, SqlStore } from './sql';

type Env = Record<string, string | undefined>;

export interface EmbeddedOptions {
	/** Folder of the database; default `<N8N_USER_FOLDER or ~>/.n8n/aiops-embedded`. */
	folder?: string;
	/** Environment to read N8N_USER_FOLDER and EXECUTIONS_MODE from (default process.env). */
	env?: Env;
	/** Folder holding pglite.wasm, pglite.data and initdb.wasm (default: found next to the bundle). */
	assetsDir?: string;
}

export const EMBEDDED_FOLDER_NAME = 'aiops-embedded';
const ASSETS = ['pglite.wasm', 'pglite.data', 'initdb.wasm'] as const;
const PID_FILE = 'aiops-owner.pid';

export function embeddedFolder(options: EmbeddedOptions = {}): string {
	if (options.folder) return resolve(options.folder);
	const env = options.env ?? process.env;
	return join(env.N8N_USER_FOLDER || homedir(), '.n8n', EMBEDDED_FOLDER_NAME);
}

/**
 * The embedded store lives in one process; queue-mode workers would each count in their own
 * copy. Queue mode is EXECUTIONS_MODE=queue, or a process started as `n8n worker`/`n8n webhook`
 * (those run in queue mode whatever the variable says).
 */
export function assertEmbeddedAllowed(
	env: Env = process.env,
	argv: readonly string[] = process.argv,
): void {
	// `node bin/n8n worker`: the command follows the script
	const role = argv[2] === 'worker' || argv[2] === 'webhook' ? argv[2] : undefined;
	if (env.EXECUTIONS_MODE === 'queue' || role) {
		const why = role ? `this process is an n8n ${role}` : 'EXECUTIONS_MODE=queue';
		throw new InvalidInputError(
			`The embedded store serves one n8n process; choose Redis or Postgres (n8n runs in queue mode here: ${why}). Set the node's Store to Redis or Postgres, or run \`npm run workflows:stores\` to switch the shipped workflows.`,
			'store',
		);
	}
}

/**
 * Where PGlite's WebAssembly and data files are. In the built package they are copied to
 * dist/pglite (gulpfile.js) because a CommonJS bundle cannot locate them through
 * import.meta.url; running from sources, PGlite finds its own files (undefined here).
 */
export function pgliteAssetsDir(explicit?: string): string | undefined {
	const candidates = explicit
		? [explicit]
		: [join(__dirname, '..', '..', 'pglite'), join(__dirname, 'pglite')];
	return candidates.find((dir) => ASSETS.every((f) => existsSync(join(dir, f))));
}

// The WebAssembly global, typed here because this package compiles without the DOM library.
const wasm = (
	globalThis as unknown as { WebAssembly: { compile(bytes: Uint8Array): Promise<object> } }
).WebAssembly;

interface PgliteAssets {
	pgliteWasmModule: object;
	initdbWasmModule: object;
	fsBundle: Blob;
}

async function loadAssets(dir: string): Promise<PgliteAssets> {
	const [pglite, data, initdb] = await Promise.all(ASSETS.map((f) => readFile(join(dir, f))));
	return {
		pgliteWasmModule: await wasm.compile(pglite),
		fsBundle: new Blob([data]),
		initdbWasmModule: await wasm.compile(initdb),
	};
}

function processAlive(pid: number): boolean {
	try {
		process.kill(pid, 0);
		return true;
	} catch (error) {
		return (error as NodeJS.ErrnoException).code === 'EPERM';
	}
}

/** Claims the folder for this process, refusing when another live process holds it. */
function claimFolder(folder: string): void {
	const pidFile = join(folder, PID_FILE);
	if (existsSync(pidFile)) {
		const owner = Number(readFileSync(pidFile, 'utf8').trim());
		if (owner && owner !== process.pid && processAlive(owner)) {
			throw new Error(
				`the folder is in use by another process (pid ${owner}); the embedded store is for one n8n process — use Postgres or Redis to share state`,
			);
		}
	}
	writeFileSync(pidFile, String(process.pid));
}

function releaseFolder(folder: string): void {
	const pidFile = join(folder, PID_FILE);
	try {
		if (Number(readFileSync(pidFile, 'utf8').trim()) === process.pid) unlinkSync(pidFile);
	} catch {
		// already gone
	}
}

async function openPglite(folder: string, assetsDir?: string): Promise<PGlite> {
	mkdirSync(folder, { recursive: true });
	claimFolder(folder);
	const dir = pgliteAssetsDir(assetsDir);
	try {
		const assets = dir ? await loadAssets(dir) : {};
		return await PGlite.create({
			dataDir: join(folder, 'pgdata'),
			...(assets as Partial<PGliteOptions>),
		});
	} catch (error) {
		releaseFolder(folder);
		if (!dir) {
			(error as Error).message +=
				` (PGlite files ${ASSETS.join(', ')} were not found next to the bundle: looked in ${join(__dirname, '..', '..', 'pglite')})`;
		}
		throw error;
	}
}

const instances = new Map<string, Promise<PGlite>>();

/** The folders this process has a PGlite open for (or opening). */
export function openEmbeddedFolders(): string[] {
	return [...instances.keys()];
}

/** The process-wide PGlite for a folder, opened on first use. */
function sharedPglite(folder: string, assetsDir?: string): Promise<PGlite> {
	let instance = instances.get(folder);
	if (!instance) {
		instance = openPglite(folder, assetsDir);
		instances.set(folder, instance);
		// A failed open is not cached: the next execution tries again.
		instance.catch(() => instances.delete(folder));
	}
	return instance;
}

class EmbeddedStore implements SqlStore {
	readonly kind = 'embedded' as const;

	constructor(
		private readonly db: () => Promise<PGlite>,
		readonly address: string,
	) {}

	query<R extends SqlRow = SqlRow>(text: string, params?: unknown[]): Promise<R[]> {
		return guarded('Embedded store', this.address, async () => {
			const db = await this.db();
			return (await db.query<R>(text, params)).rows;
		});
	}

	transaction<T>(fn: (tx: SqlExecutor) => Promise<T>): Promise<T> {
		return guarded('Embedded store', this.address, async () => {
			const db = await this.db();
			return db.transaction((tx) =>
				fn({
					query: async <R extends SqlRow = SqlRow>(text: string, params?: unknown[]) =>
						(await tx.query<R>(text, params)).rows,
				}),
			);
		});
	}
}

/** The embedded store for a folder (default under the n8n user folder). */
export function embeddedStore(options: EmbeddedOptions = {}): SqlStore {
	assertEmbeddedAllowed(options.env);
	const folder = embeddedFolder(options);
	return new EmbeddedStore(() => sharedPglite(folder, options.assetsDir), folder);
}

/** Closes the process's PGlite instances (tests, shutdown). */
export async function closeEmbeddedStores(): Promise<void> {
	const all = [...instances.entries()];
	instances.clear();
	for (const [folder, instance] of all) {
		await instance.then((db) => db.close()).catch(() => undefined);
		releaseFolder(folder);
	}
}
