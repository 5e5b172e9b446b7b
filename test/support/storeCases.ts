// The stores every store-behaviour test runs against: real Redis, real Postgres and PGlite,
// each isolated (own key prefix, own schema, own PGlite folder per test file).
import { RedisAnomalyStore, SqlAnomalyStore, type AnomalyStore } from '../../lib/anomaly';
import { SqlIncidentStore } from '../../lib/incidents';
import {
	closeEmbeddedStores,
	closePostgresPools,
	closeRedisClients,
	embeddedStore,
	postgresStore,
	type SqlStore,
} from '../../lib/store';
import {
	deletePrefix,
	dropSchema,
	postgresConnection,
	redisConnection,
	testPrefix,
	testSchema,
	tmpFolder,
} from './stores';

export type StoreKind = 'Redis' | 'Postgres' | 'PGlite';

interface Opened<T> {
	store: T;
	cleanup(): Promise<void>;
}

const folders: { path: string; remove(): void }[] = [];

function pgliteFolder(): string {
	if (!folders.length) folders.push(tmpFolder('aiops-pglite'));
	return folders[0].path;
}

function sqlFor(kind: 'Postgres' | 'PGlite'): SqlStore {
	return kind === 'Postgres'
		? postgresStore(postgresConnection())
		: embeddedStore({ folder: pgliteFolder() });
}

async function dropIn(kind: 'Postgres' | 'PGlite', schema: string): Promise<void> {
	if (kind === 'Postgres') await dropSchema(schema);
	else await sqlFor(kind).query(`drop schema if exists "${schema}" cascade`);
}

/**
 * Any store-backed object on one kind of store: `redis` gets the test Redis and a fresh key
 * prefix, `sql` the test Postgres or this file's PGlite and a fresh schema.
 */
export function openOn<T>(
	kind: StoreKind,
	redis: (connection: ReturnType<typeof redisConnection>, prefix: string) => T,
	sql: (store: SqlStore, schema: string) => T,
): Opened<T> {
	if (kind === 'Redis') {
		const prefix = testPrefix();
		return { store: redis(redisConnection(), prefix), cleanup: () => deletePrefix(prefix) };
	}
	const schema = testSchema();
	return { store: sql(sqlFor(kind), schema), cleanup: () => dropIn(kind, schema) };
}

export function openAnomalyStore(
	kind: StoreKind,
	options: { retentionDays?: number } = {},
): Opened<AnomalyStore> {
	if (kind === 'Redis') {
		const prefix = testPrefix();
		return {
			store: new RedisAnomalyStore(redisConnection(), {
				prefix,
				retentionDays: options.retentionDays,
			}),
			cleanup: () => deletePrefix(prefix),
		};
	}
	const schema = testSchema();
	return {
		store: new SqlAnomalyStore(sqlFor(kind), { schema }),
		cleanup: () => dropIn(kind, schema),
	};
}

export function openIncidentStore(
	kind: 'Postgres' | 'PGlite',
): Opened<SqlIncidentStore> & { sql: SqlStore; schema: string } {
	const schema = testSchema();
	const sql = sqlFor(kind);
	return {
		store: new SqlIncidentStore(sql, { schema }),
		sql,
		schema,
		cleanup: () => dropIn(kind, schema),
	};
}

/** Opens this file's PGlite now (initdb takes seconds, more on a busy machine): call in beforeAll. */
export async function openPglite(): Promise<void> {
	await sqlFor('PGlite').query('select 1');
}

/** Time allowed for openPglite(). */
export const PGLITE_OPEN_TIMEOUT = 180_000;

/** Closes every connection and removes the PGlite folder (afterAll of a test file). */
export async function closeStores(): Promise<void> {
	await Promise.all([closeEmbeddedStores(), closeRedisClients(), closePostgresPools()]);
	for (const f of folders.splice(0)) f.remove();
}
