// Repeat suppression: the same event for the same incident to the same channel and recipient is
// sent once per window. A send first claims its key atomically in the package's store — SET NX PX
// in Redis, one INSERT … ON CONFLICT … WHERE expired in SQL — so two executions racing on one
// alert send one message. A failed send gives the key back (only if its own token still holds it).
import { createHash, randomUUID } from 'node:crypto';

import {
	migrate,
	qualified,
	redisClient,
	redisFailure,
	schemaName,
	type Migration,
	type RedisConnection,
	type SqlStore,
} from '../store';
import type { RepeatGuard } from './notify';

/** Keys are hashed: they contain recipients and incident ids, and may be long. */
export function repeatKeyHash(key: string): string {
	return createHash('sha256').update(key).digest('hex').slice(0, 40);
}

// Deletes the key only while it still holds this claim's token.
const RELEASE_SCRIPT = `if redis.call('get', KEYS[1]) == ARGV[1] then return redis.call('del', KEYS[1]) else return 0 end`;

export class RedisRepeatGuard implements RepeatGuard {
	constructor(
		private readonly connection: RedisConnection,
		private readonly windowMs: number,
		private readonly prefix = 'aiops:',
	) {}

	private redisKey(key: string): string {
		return `${this.prefix}notify:sent:${repeatKeyHash(key)}`;
	}

	async claim(key: string): Promise<string | null> {
		const client = await redisClient(this.connection);
		const token = randomUUID();
		try {
			const reply = await client.set(this.redisKey(key), token, 'PX', this.windowMs, 'NX');
			return reply === 'OK' ? token : null;
		} catch (error) {
			throw redisFailure(client, this.connection, error);
		}
	}

	async release(key: string, token: string): Promise<void> {
		const client = await redisClient(this.connection);
		try {
			await client.eval(RELEASE_SCRIPT, 1, this.redisKey(key), token);
		} catch (error) {
			throw redisFailure(client, this.connection, error);
		}
	}
}

export const NOTIFY_COMPONENT = 'notify';
const SENT_TABLE = 'notify_sent';

export const NOTIFY_MIGRATIONS: Migration[] = [
	{
		version: 1,
		name: 'repeat suppression',
		statements: (schema) => [
			`create table if not exists ${qualified(schema, SENT_TABLE)} (
				key text primary key,
				token text not null,
				sent_at timestamptz not null default now(),
				expires_at timestamptz not null
			)`,
			`create index if not exists notify_sent_expires_at on ${qualified(schema, SENT_TABLE)} (expires_at)`,
		],
	},
	{
		version: 2,
		name: 'one pending approval per key (pendingApprovals.ts)',
		statements: (schema) => [
			`create table if not exists ${qualified(schema, 'notify_pending_approvals')} (
				key text primary key,
				request_id text not null,
				requested_at timestamptz not null default now(),
				expires_at timestamptz not null,
				joined integer not null default 0,
				answer text
			)`,
		],
	},
];

export class SqlRepeatGuard implements RepeatGuard {
	private readonly schema: string;

	constructor(
		private readonly sql: SqlStore,
		private readonly windowMs: number,
		schema = 'aiops',
	) {
		this.schema = schemaName(schema);
	}

	async claim(key: string): Promise<string | null> {
		await migrate(this.sql, this.schema, NOTIFY_COMPONENT, NOTIFY_MIGRATIONS);
		const table = qualified(this.schema, SENT_TABLE);
		const token = randomUUID();
		// One statement: a new key inserts; an existing one is taken over only when its window
		// has passed (the row lock of ON CONFLICT serialises racing claims). Expired rows of other
		// keys are pruned on the way, a few at a time.
		const rows = await this.sql.query<{ token: string }>(
			`with pruned as (
				delete from ${table} where key in (
					select key from ${table} where expires_at < now() - interval '1 hour' and key <> $1 limit 100
				)
			)
			insert into ${table} as sent (key, token, expires_at)
			values ($1, $2, now() + $3::bigint * interval '1 millisecond')
			on conflict (key) do update
				set token = excluded.token, sent_at = now(), expires_at = excluded.expires_at
				where sent.expires_at <= now()
			returning token`,
			[repeatKeyHash(key), token, Math.round(this.windowMs)],
		);
		return rows.length > 0 ? token : null;
	}

	async release(key: string, token: string): Promise<void> {
		await this.sql.query(
			`delete from ${qualified(this.schema, SENT_TABLE)} where key = $1 and token = $2`,
			[repeatKeyHash(key), token],
		);
	}
}
