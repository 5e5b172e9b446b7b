// Redis connections (ioredis) from this package's Redis credential. One client per distinct
// connection per process, shared by all nodes (every node loads this module from dist/lib.js),
// failing fast when Redis is down instead of queueing commands forever.
import { createHash } from 'node:crypto';
import Redis from 'ioredis';

import { guarded, storeFailure } from './failure';

export interface RedisConnection {
	host: string;
	port: number;
	/** ACL user (Redis 6+); empty for password-only auth. */
	user?: string;
	password?: string;
	/** Database number (SELECT). */
	database?: number;
	tls?: boolean;
	/** Accept a certificate that does not verify (self-signed); insecure. */
	tlsInsecure?: boolean;
}

/** What every key of this package starts with unless a node's Key Prefix says otherwise. */
export const DEFAULT_KEY_PREFIX = 'aiops:';

const LAST_ERROR = '__aiopsLastConnectionError';

/** A StoreUnavailableError for a failed Redis command, with the connection's last error. */
export function redisFailure(client: Redis | undefined, c: RedisConnection, error: unknown) {
	const last = client ? (client as unknown as Record<string, unknown>)[LAST_ERROR] : undefined;
	// ioredis reports a command cut off by a lost connection as "max retries (0) reached"
	const lost = (error as Error)?.name === 'MaxRetriesPerRequestError';
	const wrapped = storeFailure(
		'Redis',
		redisAddress(c),
		lost
			? Object.assign(new Error('the connection was lost before Redis answered'), {
					code: 'ECONNRESET',
				})
			: error,
	);
	if (typeof last === 'string' && !wrapped.message.includes(last)) wrapped.message += ` (${last})`;
	return wrapped;
}

export function redisAddress(c: RedisConnection): string {
	return `${c.host}:${c.port}${c.database ? `/${c.database}` : ''}`;
}

function connectionKey(c: RedisConnection): string {
	// The password is part of the identity but never kept in clear in the registry.
	return createHash('sha256')
		.update(
			JSON.stringify([
				c.host,
				c.port,
				c.user ?? '',
				c.password ?? '',
				c.database ?? 0,
				!!c.tls,
				!!c.tlsInsecure,
			]),
		)
		.digest('hex');
}

export function createClient(c: RedisConnection): Redis {
	const client = new Redis({
		host: c.host,
		port: c.port,
		username: c.user || undefined,
		password: c.password || undefined,
		db: c.database ?? 0,
		tls: c.tls ? { rejectUnauthorized: !c.tlsInsecure, servername: c.host } : undefined,
		lazyConnect: true,
		connectTimeout: 5000,
		// A command fails on the first disconnect instead of being replayed: our writes are
		// idempotent by design, and the node — not the driver — decides about retries.
		maxRetriesPerRequest: 0,
		// …and never replayed after a reconnect either (a replayed outcome without an id would count twice).
		autoResendUnfulfilledCommands: false,
		enableOfflineQueue: true,
		retryStrategy: (attempt) => Math.min(attempt * 200, 2000),
	});
	// Without a listener ioredis prints every connection error. The last one is kept so that a
	// command failing with "max retries" can say why the connection is down.
	client.on('error', (error: Error) => {
		(client as unknown as Record<string, unknown>)[LAST_ERROR] = error.message;
	});
	client.on('ready', () => {
		(client as unknown as Record<string, unknown>)[LAST_ERROR] = undefined;
	});
	return client;
}

// One client per connection per process (module scope: dist/lib.js is loaded once).
const clients = new Map<string, Redis>();

/** The process-wide client for this connection, connected. */
export async function redisClient(c: RedisConnection): Promise<Redis> {
	const key = connectionKey(c);
	let client = clients.get(key);
	if (!client || client.status === 'end') {
		client = createClient(c);
		clients.set(key, client);
	}
	if (client.status === 'wait') {
		await guarded('Redis', redisAddress(c), () => client!.connect());
	}
	return client;
}

/** Connects and PINGs with a fresh client; for credential tests. */
export async function testRedisConnection(c: RedisConnection): Promise<void> {
	const client = createClient(c);
	try {
		await client.connect();
		await client.ping();
	} catch (error) {
		throw storeFailure('Redis', redisAddress(c), error);
	} finally {
		client.disconnect();
	}
}

/** Closes every shared Redis client of this process (tests, shutdown). */
export async function closeRedisClients(): Promise<void> {
	const all = [...clients.values()];
	clients.clear();
	await Promise.all(all.map((c) => c.quit().catch(() => c.disconnect())));
}
