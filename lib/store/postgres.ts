// Postgres connections (pg) from this package's Postgres credential: one pool per distinct
// connection per process, shared by all nodes (see shared.ts), behind the SqlStore interface.
import { createHash } from 'node:crypto';
import { Pool, type PoolClient, type PoolConfig } from 'pg';

import { guarded, isConnectionError, storeFailure } from './failure';
import type { SqlExecutor, SqlRow, SqlStore } from './sql';

export interface PostgresConnection {
	host: string;
	port: number;
	database: string;
	user: string;
	password?: string;
	/** As n8n's Postgres credential: disable, allow (TLS, any certificate), require (TLS, verified). */
	ssl?: 'disable' | 'allow' | 'require';
	/** Accept a certificate that does not verify (self-signed); insecure. */
	allowUnauthorizedCerts?: boolean;
	maxConnections?: number;
}

export function postgresAddress(c: PostgresConnection): string {
	return `${c.host}:${c.port}/${c.database}`;
}

export function poolConfig(c: PostgresConnection): PoolConfig {
	const ssl = c.ssl ?? 'disable';
	return {
		host: c.host,
		port: c.port,
		database: c.database,
		user: c.user,
		password: c.password || undefined,
		// As n8n's Postgres nodes: "ignore SSL issues" means TLS without verification.
		ssl: c.allowUnauthorizedCerts
			? { rejectUnauthorized: false }
			: ssl === 'disable'
				? false
				: { rejectUnauthorized: ssl === 'require' },
		max: c.maxConnections ?? 10,
		connectionTimeoutMillis: 5000,
		idleTimeoutMillis: 30_000,
		application_name: 'n8n-nodes-aiops',
	};
}

function connectionKey(c: PostgresConnection): string {
	return createHash('sha256')
		.update(
			JSON.stringify([
				c.host,
				c.port,
				c.database,
				c.user,
				c.password ?? '',
				c.ssl ?? 'disable',
				!!c.allowUnauthorizedCerts,
				c.maxConnections ?? 10,
			]),
		)
		.digest('hex');
}

// One pool per connection per process: every node loads this module from the one dist/lib.js.
const pools = new Map<string, Pool>();

/** The process-wide pool for this connection. */
export function postgresPool(c: PostgresConnection): Pool {
	const key = connectionKey(c);
	let pool = pools.get(key);
	if (!pool || (pool as Pool & { ending?: boolean }).ending) {
		pool = new Pool(poolConfig(c));
		// An idle client losing its connection emits 'error' on the pool; unhandled, it would
		// crash n8n. The next query gets a fresh connection or a clear error.
		pool.on('error', () => undefined);
		pools.set(key, pool);
	}
	return pool;
}

class PostgresStore implements SqlStore {
	readonly kind = 'postgres' as const;

	constructor(
		private readonly pool: Pool,
		readonly address: string,
	) {}

	query<R extends SqlRow = SqlRow>(text: string, params?: unknown[]): Promise<R[]> {
		return guarded('Postgres', this.address, async () => {
			const result = await this.pool.query(text, params as unknown[]);
			return result.rows as R[];
		});
	}

	async transaction<T>(fn: (tx: SqlExecutor) => Promise<T>): Promise<T> {
		let client: PoolClient;
		try {
			client = await this.pool.connect();
		} catch (error) {
			throw storeFailure('Postgres', this.address, error);
		}
		const tx: SqlExecutor = {
			query: async <R extends SqlRow = SqlRow>(text: string, params?: unknown[]) =>
				(await client.query(text, params as unknown[])).rows as R[],
		};
		let broken: unknown;
		try {
			await client.query('begin');
			const result = await fn(tx);
			await client.query('commit');
			return result;
		} catch (error) {
			if (isConnectionError(error)) broken = error;
			else await client.query('rollback').catch((e) => (broken = e));
			throw storeFailure('Postgres', this.address, error);
		} finally {
			// A connection that failed is destroyed rather than returned to the pool.
			client.release(broken ? (broken as Error) : undefined);
		}
	}
}

export function postgresStore(c: PostgresConnection): SqlStore {
	return new PostgresStore(postgresPool(c), postgresAddress(c));
}

/** Connects with a fresh client and runs `select 1`; for credential tests. */
export async function testPostgresConnection(c: PostgresConnection): Promise<void> {
	const pool = new Pool({ ...poolConfig(c), max: 1 });
	pool.on('error', () => undefined);
	try {
		await pool.query('select 1');
	} catch (error) {
		throw storeFailure('Postgres', postgresAddress(c), error);
	} finally {
		await pool.end().catch(() => undefined);
	}
}

/** Ends every shared pool of this process (tests, shutdown). */
export async function closePostgresPools(): Promise<void> {
	const all = [...pools.values()];
	pools.clear();
	await Promise.all(all.map((p) => p.end().catch(() => undefined)));
}
