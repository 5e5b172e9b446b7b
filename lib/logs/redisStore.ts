// Log pattern state on Redis: one hash per scope, `v` (version) and `s` (state JSON); the
// compare-and-set is one Lua script.
import type Redis from 'ioredis';

import {
	DEFAULT_KEY_PREFIX,
	redisAddress,
	redisClient,
	redisFailure,
	type RedisConnection,
} from '../store';
import { emptyScopeState, type ScopeState } from './scope';
import { reviveState, type LogStateStore, type VersionedState } from './store';

const COMPARE_AND_SET = `
local v = redis.call('HGET', KEYS[1], 'v')
if (v or '0') ~= ARGV[1] then return 0 end
redis.call('HSET', KEYS[1], 'v', ARGV[2], 's', ARGV[3])
return 1`;

const SCRIPT = 'aiopsLogStateCas1';

export interface RedisLogStateOptions {
	/** prefix of every key; default `aiops:` */
	prefix?: string;
}

export class RedisLogStateStore implements LogStateStore {
	readonly label = 'Redis' as const;
	readonly address: string;
	private readonly prefix: string;

	constructor(
		private readonly connection: RedisConnection,
		options: RedisLogStateOptions = {},
	) {
		this.address = redisAddress(connection);
		this.prefix = options.prefix ?? DEFAULT_KEY_PREFIX;
	}

	private key(scope: string): string {
		return `${this.prefix}logpatterns:${scope}`;
	}

	private async run<T>(fn: (client: Redis) => Promise<T>): Promise<T> {
		let client: Redis | undefined;
		try {
			client = await redisClient(this.connection);
			if (!(SCRIPT in client))
				client.defineCommand(SCRIPT, { lua: COMPARE_AND_SET, numberOfKeys: 1 });
			return await fn(client);
		} catch (error) {
			throw redisFailure(client, this.connection, error);
		}
	}

	load(scope: string): Promise<VersionedState> {
		return this.run(async (client) => {
			const [v, s] = await client.hmget(this.key(scope), 'v', 's');
			if (v === null || s === null) return { state: emptyScopeState(), version: 0 };
			return { state: reviveState(JSON.parse(s)), version: Number(v) };
		});
	}

	compareAndSet(scope: string, expected: number, state: ScopeState): Promise<boolean> {
		return this.run(async (client) => {
			const cas = (client as unknown as Record<string, (...a: unknown[]) => Promise<number>>)[
				SCRIPT
			];
			const done = await cas.call(
				client,
				this.key(scope),
				String(expected),
				String(expected + 1),
				JSON.stringify(state),
			);
			return done === 1;
		});
	}

	reset(scope: string): Promise<boolean> {
		return this.run(async (client) => (await client.del(this.key(scope))) > 0);
	}
}
