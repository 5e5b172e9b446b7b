// The guard store on Redis: each operation is one Lua script (redisGuardScripts.ts).
import type Redis from 'ioredis';

import {
	DEFAULT_KEY_PREFIX,
	redisAddress,
	redisClient,
	redisFailure,
	type RedisConnection,
} from '../store';
import type { RepairAction } from './actions';
import {
	ATTEMPT_RETENTION_MS,
	DAY_MS,
	type AdmitRequest,
	type AdmitResult,
	type GuardState,
	type GuardStore,
	type LeaseResult,
	type ResultRules,
} from './guards';
import { ACQUIRE_LEASE, ADMIT, RECORD_RESULT, RELEASE_LEASE } from './redisGuardScripts';

export interface RedisGuardOptions {
	/** Prefix of every key; default `aiops:` (as the anomaly store). */
	prefix?: string;
}

const SCRIPTS = {
	aiopsRepairLease1: { lua: ACQUIRE_LEASE, keys: 1 },
	aiopsRepairRelease1: { lua: RELEASE_LEASE, keys: 1 },
	aiopsRepairAdmit2: { lua: ADMIT, keys: 3 },
	aiopsRepairResult1: { lua: RECORD_RESULT, keys: 2 },
} as const;
type ScriptName = keyof typeof SCRIPTS;
type ScriptClient = Record<ScriptName, (...args: (string | number)[]) => Promise<unknown>>;

// Backoff and breaker state of a target outlives its longest rule by far; then it is forgotten.
const STATE_TTL_MS = 30 * DAY_MS;

export class RedisGuardStore implements GuardStore {
	readonly description: string;
	private readonly prefix: string;

	constructor(
		private readonly connection: RedisConnection,
		options: RedisGuardOptions = {},
	) {
		this.prefix = options.prefix ?? DEFAULT_KEY_PREFIX;
		this.description = `Redis at ${redisAddress(connection)}`;
	}

	private key(target: string, part: string): string {
		return `${this.prefix}repair:{${target}}:${part}`;
	}

	private async call(name: ScriptName, ...args: (string | number)[]): Promise<unknown> {
		let client: Redis | undefined;
		try {
			client = await redisClient(this.connection);
			const s = SCRIPTS[name];
			if (!(name in client)) client.defineCommand(name, { lua: s.lua, numberOfKeys: s.keys });
			return await (client as unknown as ScriptClient)[name](...args);
		} catch (error) {
			throw redisFailure(client as Redis, this.connection, error);
		}
	}

	async acquireLease(
		target: string,
		holder: string,
		now: number,
		ttlMs: number,
	): Promise<LeaseResult> {
		const [ok, who, expires] = (await this.call(
			'aiopsRepairLease1',
			this.key(target, 'lease'),
			holder,
			now,
			ttlMs,
		)) as [number, string, string];
		return { acquired: Number(ok) === 1, holder: who ?? '', expiresAt: Number(expires ?? 0) };
	}

	async releaseLease(target: string, holder: string): Promise<boolean> {
		return Number(await this.call('aiopsRepairRelease1', this.key(target, 'lease'), holder)) === 1;
	}

	async admit(r: AdmitRequest): Promise<AdmitResult> {
		const args: (string | number)[] = [
			this.key(r.target, 'target'),
			this.key(r.target, `action:${r.action}`),
			this.key(r.target, `attempts:${r.action}`),
			r.now,
			r.cooldownMs,
			r.record ? 1 : 0,
			r.attemptId,
			ATTEMPT_RETENTION_MS,
		];
		for (const w of r.windows) args.push(w.ms, w.max);
		const [code, until, n, i] = (await this.call('aiopsRepairAdmit2', ...args)) as [
			string,
			string,
			string | number,
			number,
		];
		const at = Number(until);
		switch (code) {
			case 'ok':
				return { ok: true };
			case 'breaker_open':
			case 'backoff':
				return { ok: false, code, until: at, failures: Number(n) };
			case 'cooldown':
				return { ok: false, code, until: at, last: Number(n) };
			default:
				return { ok: false, code: 'window', until: at, count: Number(n), window: Number(i) };
		}
	}

	async recordResult(
		target: string,
		action: RepairAction,
		success: boolean,
		now: number,
		rules: ResultRules,
	): Promise<GuardState> {
		const [tf, af, retry, breaker] = (await this.call(
			'aiopsRepairResult1',
			this.key(target, 'target'),
			this.key(target, `action:${action}`),
			success ? 1 : 0,
			now,
			rules.backoffBaseMs,
			rules.backoffMaxMs,
			rules.breakerThreshold,
			rules.breakerOpenMs,
			STATE_TTL_MS,
		)) as [number, number, string, string];
		return {
			targetFailures: Number(tf),
			actionFailures: Number(af),
			retryAfter: Number(retry),
			breakerUntil: Number(breaker),
		};
	}
}
