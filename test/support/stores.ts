// Isolated stores for tests on the shared Redis and Postgres: every test gets its own Redis key
// prefix, its own Postgres schema (dropped afterwards) or its own PGlite folder in a tmp dir.
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Redis from 'ioredis';
import { Client } from 'pg';

import type { PostgresConnection, RedisConnection } from '../../lib/store';

import { DATABASE_URL, REDIS_URL } from './services.globalSetup';

export { DATABASE_URL, REDIS_URL };

export function randomId(): string {
	return randomBytes(6).toString('hex');
}

export function redisConnection(): RedisConnection {
	const url = new URL(REDIS_URL);
	return {
		host: url.hostname,
		port: Number(url.port || 6379),
		password: url.password || undefined,
		user: url.username || undefined,
		database: Number(url.pathname.slice(1) || 0),
	};
}

export function postgresConnection(): PostgresConnection {
	const url = new URL(DATABASE_URL);
	return {
		host: url.hostname,
		port: Number(url.port || 5432),
		database: url.pathname.slice(1) || 'postgres',
		user: decodeURIComponent(url.username || 'postgres'),
		password: url.password ? decodeURIComponent(url.password) : undefined,
	};
}

/** A fresh schema name; `dropSchema` removes it. */
export function testSchema(): string {
	return `t_${randomId()}`;
}

export async function dropSchema(schema: string): Promise<void> {
	const client = new Client({ connectionString: DATABASE_URL });
	await client.connect();
	try {
		await client.query(`drop schema if exists "${schema}" cascade`);
	} finally {
		await client.end();
	}
}

/** A fresh Redis key prefix; `deletePrefix` removes its keys (SCAN, never FLUSHDB). */
export function testPrefix(): string {
	return `t:${randomId()}:`;
}

export async function deletePrefix(prefix: string): Promise<void> {
	const redis = new Redis(REDIS_URL);
	try {
		let cursor = '0';
		do {
			const [next, keys] = await redis.scan(cursor, 'MATCH', `${prefix}*`, 'COUNT', 1000);
			cursor = next;
			if (keys.length) await redis.del(...keys);
		} while (cursor !== '0');
	} finally {
		redis.disconnect();
	}
}

export function tmpFolder(label = 'aiops'): { path: string; remove: () => void } {
	const path = mkdtempSync(join(tmpdir(), `${label}-`));
	return { path, remove: () => rmSync(path, { recursive: true, force: true }) };
}

/** Credential data (as n8n hands it to a node) for the test Redis and Postgres. */
export function redisCredential() {
	const c = redisConnection();
	return {
		aiopsRedisApi: {
			host: c.host,
			port: c.port,
			database: c.database ?? 0,
			password: c.password ?? '',
		},
	};
}

export function postgresCredential() {
	const c = postgresConnection();
	return {
		aiopsPostgresApi: {
			host: c.host,
			port: c.port,
			database: c.database,
			user: c.user,
			password: c.password ?? '',
		},
	};
}
