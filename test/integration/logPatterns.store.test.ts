// Log pattern state on real Redis, Postgres and PGlite: compare-and-set, reset, and two
// learners in one scope at once.
import { StoreUnavailableError } from '../../lib/errors';
import type { LogLine, LogStateStore, ScopeState } from '../../lib/logs';
import {
	emptyScopeState,
	learnInScope,
	listTemplates,
	matchInScope,
	RedisLogStateStore,
	resetScope,
	runScope,
	SqlLogStateStore,
} from '../../lib/logs';
import {
	closeEmbeddedStores,
	closePostgresPools,
	closeRedisClients,
	embeddedStore,
	postgresStore,
} from '../../lib/store';
import {
	deletePrefix,
	dropSchema,
	postgresConnection,
	redisConnection,
	testPrefix,
	testSchema,
	tmpFolder,
} from '../support/stores';

const folder = tmpFolder('logpatterns');

afterAll(async () => {
	await closeRedisClients();
	await closePostgresPools();
	await closeEmbeddedStores();
	folder.remove();
});

interface Backend {
	store: LogStateStore;
	cleanup: () => Promise<void>;
}

const backends: [string, () => Backend][] = [
	[
		'Redis',
		() => {
			const prefix = testPrefix();
			return {
				store: new RedisLogStateStore(redisConnection(), { prefix }),
				cleanup: () => deletePrefix(prefix),
			};
		},
	],
	[
		'Postgres',
		() => {
			const schema = testSchema();
			return {
				store: new SqlLogStateStore(postgresStore(postgresConnection()), { schema }),
				cleanup: () => dropSchema(schema),
			};
		},
	],
	[
		'PGlite',
		() => {
			const schema = testSchema();
			const sql = embeddedStore({ folder: folder.path });
			return {
				store: new SqlLogStateStore(sql, { schema }),
				cleanup: async () => {
					await sql.query(`drop schema if exists "${schema}" cascade`);
				},
			};
		},
	],
];

const batchA: LogLine[] = [
	'Accepted password for root from 10.0.0.1 port 22 ssh2',
	'Connection closed by 10.0.0.9 [preauth]',
	'Invalid user admin from 10.0.0.7',
	'Accepted password for git from 10.0.0.2 port 2222 ssh2',
	'Disk quota exceeded for /home/alice',
].map((text) => ({ text }));
const batchB: LogLine[] = [
	'Connection closed by 10.0.0.3 [preauth]',
	'Invalid user oracle from 10.0.0.8',
	'Disk quota exceeded for /home/bob',
	'Received signal SIGTERM, shutting down',
	'Accepted password for root from 10.0.0.4 port 22 ssh2',
].map((text) => ({ text }));

/** A store whose first `load`s wait for each other, so that the learners surely collide. */
function colliding(store: LogStateStore, learners: number): LogStateStore {
	let waiting = learners;
	let release!: () => void;
	const barrier = new Promise<void>((resolve) => (release = resolve));
	return {
		label: store.label,
		address: store.address,
		async load(scope) {
			const loaded = await store.load(scope);
			if (waiting > 0) {
				if (--waiting === 0) release();
				await barrier;
			}
			return loaded;
		},
		compareAndSet: (scope, expected, state) => store.compareAndSet(scope, expected, state),
		reset: (scope) => store.reset(scope),
	};
}

const texts = (state: ScopeState) =>
	state.miner.clusters.map((c) => [c.id, c.template, c.skeleton.join(' ')]).sort();

describe.each(backends)('log pattern state on %s', (_name, open) => {
	let backend: Backend;
	beforeEach(() => {
		backend = open();
	});
	afterEach(async () => {
		await backend.cleanup();
	});

	it('writes only over the version it read, and resets', async () => {
		const { store } = backend;
		expect(await store.load('shop/api')).toEqual({ state: emptyScopeState(), version: 0 });
		const s1 = runScope(emptyScopeState(), batchA, 1000).state;
		expect(await store.compareAndSet('shop/api', 0, s1)).toBe(true);
		expect(await store.compareAndSet('shop/api', 0, s1)).toBe(false);
		const loaded = await store.load('shop/api');
		expect(loaded.version).toBe(1);
		expect(loaded.state).toEqual(JSON.parse(JSON.stringify(s1)));
		const s2 = runScope(loaded.state, batchB, 2000).state;
		expect(await store.compareAndSet('shop/api', 2, s2)).toBe(false);
		expect(await store.compareAndSet('shop/api', 1, s2)).toBe(true);
		expect((await store.load('shop/api')).version).toBe(2);
		// scopes are apart
		expect((await store.load('shop/web')).version).toBe(0);
		expect(await resetScope(store, 'shop/api')).toBe(true);
		expect(await resetScope(store, 'shop/api')).toBe(false);
		expect((await store.load('shop/api')).version).toBe(0);
	});

	it('learns, matches and lists through the store; a saved scope decides as before', async () => {
		const { store } = backend;
		const learned = await learnInScope(store, 'ns/w', batchA, 1000);
		expect(learned.attempts).toBe(1);
		const matched = await matchInScope(store, 'ns/w', batchA, 2000);
		expect(matched.lines.map((l) => l.id)).toEqual(learned.lines.map((l) => l.id));
		const templates = await listTemplates(store, 'ns/w');
		expect(templates.map((t) => t.id).sort()).toEqual(
			[...new Set(learned.lines.map((l) => l.id!))].sort(),
		);
		expect(templates.reduce((n, t) => n + t.count, 0)).toBe(batchA.length);
	});

	it('two learners in one scope at once lose nothing and never make a template twice', async () => {
		const store = colliding(backend.store, 2);
		const [a, b] = await Promise.all([
			learnInScope(store, 'ns/w', batchA, 1000),
			learnInScope(store, 'ns/w', batchB, 1000),
		]);
		// both read version 0; one wrote, the other replayed its lines on what the first wrote
		expect([a.attempts, b.attempts].sort()).toEqual([1, 2]);
		const { state, version } = await backend.store.load('ns/w');
		expect(version).toBe(2);
		expect(state.lines).toBe(batchA.length + batchB.length);
		const first = a.attempts === 1 ? batchA : batchB;
		const second = a.attempts === 1 ? batchB : batchA;
		const sequential = runScope(runScope(emptyScopeState(), first, 1000).state, second, 1000).state;
		expect(texts(state)).toEqual(texts(sequential));
		const templates = await listTemplates(backend.store, 'ns/w');
		expect(new Set(templates.map((t) => t.text)).size).toBe(templates.length);
		expect(templates.reduce((n, t) => n + t.count, 0)).toBe(10);
		// the line ids the learners returned are the scope's final ones
		const all = new Set(templates.map((t) => t.id));
		for (const r of [a, b]) for (const l of r.lines) expect(all.has(l.id!)).toBe(true);
	});

	it('many learners at once: every line counted once', async () => {
		const batches = Array.from({ length: 6 }, (_, k) =>
			Array.from({ length: 20 }, (_, i) => ({
				text: `worker ${k} processed job ${i} in ${i * 3}ms`,
			})),
		);
		const results = await Promise.all(
			batches.map((b) => learnInScope(backend.store, 'ns/many', b, 5000)),
		);
		const { state, version } = await backend.store.load('ns/many');
		expect(version).toBe(6);
		expect(state.lines).toBe(120);
		const templates = await listTemplates(backend.store, 'ns/many');
		expect(templates.reduce((n, t) => n + t.count, 0)).toBe(120);
		expect(new Set(templates.map((t) => t.text)).size).toBe(templates.length);
		expect(results.reduce((n, r) => n + r.attempts, 0)).toBeGreaterThanOrEqual(6);
	});
});

describe('learnInScope', () => {
	it('gives up with a store error after too many conflicts', async () => {
		const always: LogStateStore = {
			label: 'Redis',
			address: 'nowhere:0',
			load: async () => ({ state: emptyScopeState(), version: 0 }),
			compareAndSet: async () => false,
			reset: async () => false,
		};
		await expect(learnInScope(always, 's', batchA, 0, { maxAttempts: 3 })).rejects.toThrow(
			StoreUnavailableError,
		);
		await expect(learnInScope(always, 's', batchA, 0, { maxAttempts: 3 })).rejects.toThrow(
			/3 times/,
		);
	});
});
