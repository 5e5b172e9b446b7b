import { spawn } from 'node:child_process';
import { existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

import { InvalidInputError, StoreUnavailableError } from '../../lib/errors';
import {
	closeEmbeddedStores,
	closePostgresPools,
	closeRedisClients,
	assertEmbeddedAllowed,
	embeddedFolder,
	embeddedStore,
	migrate,
	postgresStore,
	redisClient,
	runMigrations,
	openEmbeddedFolders,
	testPostgresConnection,
	testRedisConnection,
	type Migration,
	type SqlStore,
} from '../../lib/store';
import {
	dropSchema,
	postgresConnection,
	redisConnection,
	testSchema,
	tmpFolder,
} from '../support/stores';
import { closedPort } from '../support/net';

const migrations: Migration[] = [
	{
		version: 1,
		name: 'things',
		// No "if not exists": applying a version twice would fail.
		statements: (s) => [`create table "${s}".things (id int primary key)`],
	},
	{
		version: 2,
		name: 'things.label',
		statements: (s) => [`alter table "${s}".things add column label text`],
	},
];

describe.each([
	['Postgres', () => postgresStore(postgresConnection())],
	['PGlite', () => embeddedStore({ folder: folder.path })],
])('SQL store on %s', (_name, open) => {
	let store: SqlStore;
	let schema: string;
	beforeAll(() => {
		store = open();
	});
	beforeEach(() => {
		schema = testSchema();
	});
	afterEach(async () => {
		if (store.kind === 'postgres') await dropSchema(schema);
		else await store.query(`drop schema if exists "${schema}" cascade`);
	});

	it('applies each migration version once, even when executions start it at the same time', async () => {
		const runs = await Promise.all(
			Array.from({ length: 6 }, () => runMigrations(store, schema, 'things', migrations)),
		);
		expect(runs.flat().sort()).toEqual([1, 2]);
		expect(await runMigrations(store, schema, 'things', migrations)).toEqual([]);
		const rows = await store.query(
			`select component, version from "${schema}".aiops_migrations order by version`,
		);
		expect(rows).toEqual([
			{ component: 'things', version: 1 },
			{ component: 'things', version: 2 },
		]);
		await store.query(`insert into "${schema}".things (id, label) values (1, 'a')`);
	});

	it('keeps the applied versions of each component apart', async () => {
		await migrate(store, schema, 'things', migrations.slice(0, 1));
		const other: Migration[] = [
			{ version: 1, name: 'other', statements: (s) => [`create table "${s}".other (x int)`] },
		];
		expect(await migrate(store, schema, 'other', other)).toEqual([1]);
		expect(await runMigrations(store, schema, 'things', migrations)).toEqual([2]);
	});

	it('commits a transaction, and rolls it back when it throws', async () => {
		await migrate(store, schema, 'things', migrations);
		await store.transaction(async (tx) => {
			await tx.query(`insert into "${schema}".things (id) values ($1)`, [1]);
		});
		await expect(
			store.transaction(async (tx) => {
				await tx.query(`insert into "${schema}".things (id) values ($1)`, [2]);
				await tx.query(`insert into "${schema}".things (id) values ($1)`, [1]);
			}),
		).rejects.toThrow(StoreUnavailableError);
		expect(await store.query(`select id from "${schema}".things order by id`)).toEqual([{ id: 1 }]);
	});

	it('refuses a schema name that is not a plain identifier', async () => {
		await expect(migrate(store, 'bad"name', 'things', migrations)).rejects.toThrow(
			InvalidInputError,
		);
	});

	it('names the store and its address in statement errors', async () => {
		const error = await store.query('select * from no_such_table').catch((e) => e);
		expect(error).toBeInstanceOf(StoreUnavailableError);
		expect(error.message).toContain(store.address);
		expect(error.message).toMatch(/no_such_table/);
	});
});

const folder = tmpFolder('aiops-store');
afterAll(async () => {
	await Promise.all([closeEmbeddedStores(), closeRedisClients(), closePostgresPools()]);
	folder.remove();
});

describe('connections', () => {
	it('fails with a StoreUnavailableError naming Postgres and its address when it is down', async () => {
		const port = await closedPort();
		const store = postgresStore({ ...postgresConnection(), port });
		const error = await store.query('select 1').catch((e) => e);
		expect(error).toBeInstanceOf(StoreUnavailableError);
		expect(error.message).toMatch(
			new RegExp(`^Postgres at 127\\.0\\.0\\.1:${port}/test is unreachable`),
		);
		await expect(testPostgresConnection({ ...postgresConnection(), port })).rejects.toThrow(
			/unreachable/,
		);
		await expect(testPostgresConnection(postgresConnection())).resolves.toBeUndefined();
		await expect(
			testPostgresConnection({ ...postgresConnection(), database: 'no_such_db_aiops' }),
		).rejects.toThrow(/no_such_db_aiops/);
	});

	it('fails with a StoreUnavailableError naming Redis and its address when it is down', async () => {
		const port = await closedPort();
		const error = await testRedisConnection({ host: '127.0.0.1', port }).catch((e) => e);
		expect(error).toBeInstanceOf(StoreUnavailableError);
		expect(error.message).toMatch(new RegExp(`^Redis at 127\\.0\\.0\\.1:${port} is unreachable`));
		await expect(testRedisConnection(redisConnection())).resolves.toBeUndefined();
	});

	it('shares one Redis client per connection across callers', async () => {
		const a = await redisClient(redisConnection());
		const b = await redisClient({ ...redisConnection() });
		expect(a).toBe(b);
		expect(await a.ping()).toBe('PONG');
	});
});

describe('embedded store', () => {
	it('lives under N8N_USER_FOLDER/.n8n/aiops-embedded unless a folder is given', () => {
		expect(embeddedFolder({ env: { N8N_USER_FOLDER: '/data/n8n' } })).toBe(
			'/data/n8n/.n8n/aiops-embedded',
		);
		expect(embeddedFolder({ env: {}, folder: '/srv/x' })).toBe('/srv/x');
		expect(embeddedFolder({ env: {} })).toMatch(/\/\.n8n\/aiops-embedded$/);
	});

	it('refuses clearly in queue mode', () => {
		expect(() => embeddedStore({ folder: folder.path, env: { EXECUTIONS_MODE: 'queue' } })).toThrow(
			/the embedded store serves one n8n process; choose Redis or Postgres.*EXECUTIONS_MODE=queue/i,
		);
	});

	it('refuses in an n8n worker or webhook process even without EXECUTIONS_MODE', () => {
		for (const role of ['worker', 'webhook'])
			expect(() => assertEmbeddedAllowed({}, ['/node', '/n8n/bin/n8n', role])).toThrow(
				new RegExp(`serves one n8n process.*n8n ${role}`),
			);
		expect(() => assertEmbeddedAllowed({}, ['/node', '/n8n/bin/n8n', 'start'])).not.toThrow();
	});

	it('opens one PGlite per folder for the whole process', async () => {
		const a = embeddedStore({ folder: folder.path });
		const b = embeddedStore({ folder: join(folder.path, '.') });
		await a.query('select 1');
		await b.query('select 1');
		expect(openEmbeddedFolders().filter((k) => k === folder.path)).toHaveLength(1);
		expect(existsSync(join(folder.path, 'aiops-owner.pid'))).toBe(true);
	});

	it('refuses a folder another live process holds', async () => {
		const other = tmpFolder('aiops-held');
		const child = spawn('sleep', ['30']);
		try {
			writeFileSync(join(other.path, 'aiops-owner.pid'), String(child.pid));
			const error = await embeddedStore({ folder: other.path })
				.query('select 1')
				.catch((e) => e);
			expect(error).toBeInstanceOf(StoreUnavailableError);
			expect(error.message).toMatch(`in use by another process (pid ${child.pid})`);
		} finally {
			child.kill();
			other.remove();
		}
	});
});
