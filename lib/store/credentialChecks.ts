// What the Redis and Postgres credential tests check beyond "it answers": that the user may do
// what the nodes do there, with the GRANT or ACL that fixes it when not. The nodes' own schema
// and key prefix are node parameters the credential cannot see; the defaults are checked.
import { randomUUID } from 'node:crypto';
import { Pool } from 'pg';

import { storeFailure } from './failure';
import {
	poolConfig,
	postgresAddress,
	testPostgresConnection,
	type PostgresConnection,
} from './postgres';
import { createClient, DEFAULT_KEY_PREFIX, redisAddress, type RedisConnection } from './redis';

export const DEFAULT_SCHEMA = 'aiops';

const quoteIdent = (name: string) => `"${name.replace(/"/g, '""')}"`;

interface PostgresRights {
	user: string;
	database: string;
	version: string;
	read_only: string;
	may_create_schema: boolean;
	schema_exists: boolean;
	schema_usable: boolean | null;
	tables_not_writable: string | null;
}

/**
 * `select 1`, then the rights the nodes need: create the schema (or use an existing one), create
 * tables in it, and read and write every table already there; a read-only server is refused.
 * Returns the success message; throws with the fix otherwise.
 */
export async function checkPostgresCredential(
	c: PostgresConnection,
	schema = DEFAULT_SCHEMA,
): Promise<string> {
	await testPostgresConnection(c);
	const pool = new Pool({ ...poolConfig(c), max: 1 });
	pool.on('error', () => undefined);
	let rights: PostgresRights;
	try {
		const result = await pool.query<PostgresRights>(
			`select current_user as user, current_database() as database,
				current_setting('server_version') as version,
				current_setting('transaction_read_only') as read_only,
				has_database_privilege(current_database(), 'CREATE') as may_create_schema,
				exists (select 1 from pg_namespace where nspname = $1) as schema_exists,
				(select has_schema_privilege(oid, 'USAGE') and has_schema_privilege(oid, 'CREATE')
					from pg_namespace where nspname = $1) as schema_usable,
				(select string_agg(c.relname, ', ' order by c.relname) from pg_class c
					join pg_namespace n on n.oid = c.relnamespace
					where n.nspname = $1 and c.relkind in ('r', 'p')
					-- a list of privileges asks for any of them: each is asked on its own
				and not (has_table_privilege(c.oid, 'SELECT') and has_table_privilege(c.oid, 'INSERT')
					and has_table_privilege(c.oid, 'UPDATE') and has_table_privilege(c.oid, 'DELETE'))) as tables_not_writable`,
			[schema],
		);
		rights = result.rows[0];
	} catch (error) {
		throw storeFailure('Postgres', postgresAddress(c), error);
	} finally {
		await pool.end().catch(() => undefined);
	}
	const where = `Postgres ${rights.version} at ${postgresAddress(c)} as "${rights.user}"`;
	const user = quoteIdent(rights.user);
	const ns = quoteIdent(schema);
	if (rights.read_only === 'on') {
		throw new Error(
			`${where} is read-only (a standby?): the nodes write their state; use the primary`,
		);
	}
	if (!rights.schema_exists && !rights.may_create_schema) {
		throw new Error(
			`${where}: the user may not create the schema "${schema}" the nodes use. Run GRANT CREATE ON DATABASE ${quoteIdent(rights.database)} TO ${user}; or create the schema and GRANT USAGE, CREATE ON SCHEMA ${ns} TO ${user};`,
		);
	}
	if (rights.schema_exists && !rights.schema_usable) {
		throw new Error(
			`${where}: the user may not use or create tables in the schema "${schema}". Run GRANT USAGE, CREATE ON SCHEMA ${ns} TO ${user};`,
		);
	}
	if (rights.tables_not_writable) {
		throw new Error(
			`${where}: the user may not read and write ${rights.tables_not_writable} in the schema "${schema}". Run GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA ${ns} TO ${user}; (or connect as their owner)`,
		);
	}
	return `Connected to ${where}; the schema "${schema}" is usable`;
}

/**
 * PING, then what the nodes do: run a Lua script that writes and deletes a key under the
 * default prefix (scripts are how every counter and claim stays atomic). A wrong login, a
 * replica, or an ACL user without scripting or write rights is refused with the fix.
 */
export async function checkRedisCredential(
	c: RedisConnection,
	prefix = DEFAULT_KEY_PREFIX,
): Promise<string> {
	const where = `Redis at ${redisAddress(c)}`;
	const client = createClient(c);
	// ioredis reports a refused AUTH only as an 'error' event; the command just sees a close
	let lastError: Error | undefined;
	client.on('error', (error: Error) => (lastError = error));
	const explain = (error: unknown): Error => {
		const message = (error as Error)?.message ?? String(error);
		if (/WRONGPASS|NOAUTH|invalid username-password/i.test(message)) {
			return new Error(`${where} refused the login (${message}): check User and Password`);
		}
		if (/^NOPERM/.test(message)) {
			return new Error(
				`${where}: the user may not run scripts or write keys under "${prefix}" (${message}). Grant them, e.g. ACL SETUSER ${c.user || 'default'} +@read +@write +@scripting ~${prefix}*`,
			);
		}
		if (/^READONLY/.test(message)) return readOnly;
		return storeFailure('Redis', redisAddress(c), error);
	};
	const readOnly = new Error(
		`${where} is a read-only replica: the nodes write their state; use the primary`,
	);
	try {
		await client.connect();
		await client.ping();
		const info = await client.info('replication').catch(() => '');
		if (/^role:slave/m.test(info)) throw readOnly;
		const key = `${prefix}credential-test:${randomUUID()}`;
		await client.eval(
			"redis.call('set', KEYS[1], '1', 'PX', 10000); return redis.call('del', KEYS[1])",
			1,
			key,
		);
		const version = /^redis_version:(\S+)/m.exec(await client.info('server').catch(() => ''))?.[1];
		return `Connected to ${where}${version ? ` (Redis ${version})` : ''}; scripts and writes under "${prefix}" work`;
	} catch (error) {
		if (error === readOnly) throw error;
		throw explain(
			/Connection is closed/.test((error as Error)?.message) && lastError ? lastError : error,
		);
	} finally {
		client.disconnect();
	}
}
