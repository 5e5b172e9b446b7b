// The anomaly store on Redis: every operation is one pipeline of EVALSHA calls (one per
// anomaly_key, each atomic), so a batch of items costs one round trip.
import type Redis from 'ioredis';

import { redisAddress, redisClient, redisFailure, type RedisConnection } from '../store';
import type { KeySnapshot, KeyWrite } from './frequency';
import type { OccurrenceInput } from './occurrence';
import {
	isRestartAction,
	type RefiredOutcome,
	type RepairOutcome,
	type RepairOutcomeInput,
} from './repairs';
import {
	FREQUENCY,
	MARK_PERMANENT_FIX,
	RECORD_OCCURRENCES,
	RECORD_OUTCOMES,
	SETTLE_CLAIMS,
} from './redisScripts';
import { StoredRecord } from './storedValues';
import {
	claimEnd,
	type AnomalyStore,
	type OccurrenceRef,
	type OutcomeHistory,
	type PermanentFixMark,
	type RecordOptions,
} from './store';
import { DAY_MS, OUTCOME_HISTORY_LIMIT, WINDOWS } from './windows';

export interface RedisAnomalyOptions {
	/** Prefix of every key this store writes; default `aiops:`. */
	prefix?: string;
	/** Days occurrences are kept (their key's TTL follows); default 30. */
	retentionDays?: number;
}

type ScriptName =
	| 'aiopsRecordOccurrences3'
	| 'aiopsSettleClaims1'
	| 'aiopsFrequency1'
	| 'aiopsRecordOutcomes2'
	| 'aiopsMarkFix2';
const SCRIPTS: Record<ScriptName, { lua: string; keys: number; readOnly?: boolean }> = {
	aiopsRecordOccurrences3: { lua: RECORD_OCCURRENCES, keys: 5 },
	aiopsSettleClaims1: { lua: SETTLE_CLAIMS, keys: 1 },
	aiopsFrequency1: { lua: FREQUENCY, keys: 2, readOnly: true },
	aiopsRecordOutcomes2: { lua: RECORD_OUTCOMES, keys: 4 },
	aiopsMarkFix2: { lua: MARK_PERMANENT_FIX, keys: 4 },
};

type ScriptPipeline = Record<ScriptName, (...args: (string | number)[]) => unknown> & {
	exec(): Promise<[Error | null, unknown][] | null>;
};

/** Registers the scripts on a (shared) client once; ioredis sends EVALSHA, EVAL when unknown. */
function withScripts(client: Redis): Redis {
	for (const [name, s] of Object.entries(SCRIPTS)) {
		if (!(name in client))
			client.defineCommand(name, { lua: s.lua, numberOfKeys: s.keys, readOnly: s.readOnly });
	}
	return client;
}

/** A snapshot reply; `meta` names the hash its fields come from, for warnings. */
function parseSnapshot(reply: (string | number | null)[], meta: string): KeySnapshot {
	const num = (v: unknown) => Number(v ?? 0);
	const record = new StoredRecord(`Redis key ${meta}`);
	const snapshot: KeySnapshot = {
		counts: [num(reply[0]), num(reply[1]), num(reply[2]), num(reply[3])],
		first_seen: record.ms(reply[4], 'first_seen'),
		last_seen: record.ms(reply[5], 'last_seen'),
		repair_count: record.count(reply[6], 'repair_count'),
		restart_count: record.count(reply[7], 'restart_count'),
		permanent_fix_at: record.ms(reply[8], 'fix_at'),
		permanent_fix_description: reply[9] === '' || reply[9] === null ? null : String(reply[9]),
		recurred_after_fix: num(reply[10]) === 1,
	};
	if (record.warnings.length) snapshot.warnings = record.warnings;
	return snapshot;
}
const SNAPSHOT_FIELDS = 11;

interface OutcomeEntry {
	id: string;
	a: string;
	s: 0 | 1;
	/** set when a re-fire turned the outcome into a failure: its occurrence's start, and id */
	f?: number;
	o?: string;
	t: number;
	d: unknown;
	r: 0 | 1;
}

/** Input positions per anomaly_key, in first-seen order: one script call per key. */
function groupByKey(inputs: { anomaly_key: string }[]): Map<string, number[]> {
	const byKey = new Map<string, number[]>();
	inputs.forEach((o, i) => {
		const list = byKey.get(o.anomaly_key);
		if (list) list.push(i);
		else byKey.set(o.anomaly_key, [i]);
	});
	return byKey;
}

export class RedisAnomalyStore implements AnomalyStore {
	readonly description: string;
	private readonly prefix: string;
	private readonly occurrenceTtlMs: number;
	private readonly stateTtlMs: number;

	constructor(
		private readonly connection: RedisConnection,
		options: RedisAnomalyOptions = {},
	) {
		this.description = `Redis at ${redisAddress(connection)}`;
		this.prefix = options.prefix ?? 'aiops:';
		const retention = (options.retentionDays ?? 30) * DAY_MS;
		// Occurrences age out by score anyway; the rest of a key's state is forgotten 90 days
		// after the key was last written.
		this.occurrenceTtlMs = retention + DAY_MS;
		this.stateTtlMs = retention + 90 * DAY_MS;
	}

	private keys(anomalyKey: string): string[] {
		const base = `${this.prefix}anomaly:{${anomalyKey}}:`;
		return [`${base}occ`, `${base}meta`, `${base}outcomes`, `${base}ids`, `${base}claims`];
	}

	/**
	 * Runs one pipeline of `count` commands; per command its reply or a StoreUnavailableError.
	 * A failure before anything was sent (no connection) fails every command.
	 */
	private async run(count: number, fill: (p: ScriptPipeline) => void): Promise<unknown[]> {
		let client: Redis | undefined;
		try {
			client = withScripts(await redisClient(this.connection));
			const pipeline = client.pipeline() as unknown as ScriptPipeline;
			fill(pipeline);
			const results = (await pipeline.exec()) ?? [];
			return Array.from({ length: count }, (_, i) => {
				const [error, reply] = results[i] ?? [new Error('no reply'), null];
				return error ? redisFailure(client, this.connection, error) : reply;
			});
		} catch (error) {
			const failure = redisFailure(client, this.connection, error);
			return Array.from({ length: count }, () => failure);
		}
	}

	private windowStarts(now: number): number[] {
		return WINDOWS.map((w) => now - w.ms);
	}

	async recordOccurrences(
		byKey: Map<string, OccurrenceInput[]>,
		opts: RecordOptions,
	): Promise<Map<string, KeyWrite | Error>> {
		const keys = [...byKey.keys()];
		const starts = this.windowStarts(opts.now);
		const leaseNow = opts.leaseNow ?? Date.now();
		const claimedUntil = claimEnd({ ...opts, leaseNow });
		const replies = await this.run(keys.length, (p) => {
			for (const key of keys) {
				const args: (string | number)[] = [
					...this.keys(key),
					...starts,
					opts.cutoff,
					this.occurrenceTtlMs,
					this.stateTtlMs,
					opts.verifyWindowMs ?? 0,
					claimedUntil ?? 0,
					leaseNow,
				];
				for (const o of byKey.get(key)!) args.push(o.occurrence_id, o.at);
				p.aiopsRecordOccurrences3(...args);
			}
		});
		const out = new Map<string, KeyWrite | Error>();
		keys.forEach((key, i) => {
			const reply = replies[i];
			if (reply instanceof Error) {
				out.set(key, reply);
				return;
			}
			const values = reply as (string | number)[];
			const count = byKey.get(key)!.length;
			const tail = new StoredRecord(`Redis key ${this.keys(key)[2]}`);
			const refired: RefiredOutcome[] = [];
			for (const raw of values.slice(SNAPSHOT_FIELDS + count)) {
				const r = tail.json(String(raw), 'entry') as Record<string, unknown> | undefined;
				if (!r) continue;
				if (typeof r.w === 'string') tail.warnings.push(r.w);
				else {
					const at = tail.ms(r.t, 'entry time');
					const refiredAt = tail.ms(r.f, 'entry re-fire time');
					if (at === null || refiredAt === null) continue;
					refired.push({
						action: String(r.a),
						outcome_id: typeof r.id === 'string' && r.id ? r.id : null,
						at: new Date(at).toISOString(),
						occurrence_id: String(r.o),
						refired_at: new Date(refiredAt).toISOString(),
					});
				}
			}
			out.set(key, {
				before: parseSnapshot(values, this.keys(key)[1]),
				warnings: tail.warnings,
				added: values.slice(SNAPSHOT_FIELDS, SNAPSHOT_FIELDS + count).map((v) => Number(v) === 1),
				reclaimed: values
					.slice(SNAPSHOT_FIELDS, SNAPSHOT_FIELDS + count)
					.map((v) => Number(v) === 2),
				claimed_until: claimedUntil,
				refired,
			});
		});
		return out;
	}

	async snapshots(keys: string[], now: number): Promise<Map<string, KeySnapshot | Error>> {
		const starts = this.windowStarts(now);
		const replies = await this.run(keys.length, (p) => {
			for (const key of keys) p.aiopsFrequency1(...this.keys(key).slice(0, 2), ...starts);
		});
		return new Map(
			keys.map((key, i) => {
				const reply = replies[i];
				return [
					key,
					reply instanceof Error
						? reply
						: parseSnapshot(reply as (string | number)[], this.keys(key)[1]),
				];
			}),
		);
	}

	async recordOutcomes(outcomes: RepairOutcomeInput[]): Promise<(boolean | Error)[]> {
		const byKey = groupByKey(outcomes);
		const keys = [...byKey.keys()];
		const replies = await this.run(keys.length, (p) => {
			for (const key of keys) {
				const args: (string | number)[] = [
					...this.keys(key).slice(0, 4),
					OUTCOME_HISTORY_LIMIT,
					this.stateTtlMs,
				];
				for (const i of byKey.get(key)!) {
					const o = outcomes[i];
					const restart = isRestartAction(o.action) ? 1 : 0;
					const entry: OutcomeEntry = {
						id: o.outcome_id ?? '',
						a: o.action,
						s: o.success ? 1 : 0,
						t: o.at,
						d: o.details ?? null,
						r: restart,
					};
					args.push(entry.id, JSON.stringify(entry), restart);
				}
				p.aiopsRecordOutcomes2(...args);
			}
		});
		const out: (boolean | Error)[] = new Array(outcomes.length);
		keys.forEach((key, k) => {
			const reply = replies[k];
			byKey.get(key)!.forEach((i, j) => {
				out[i] = reply instanceof Error ? reply : Number((reply as number[])[j]) === 1;
			});
		});
		return out;
	}

	async outcomeHistory(keys: string[]): Promise<Map<string, OutcomeHistory | Error>> {
		const replies = await this.run(keys.length, (p) => {
			for (const key of keys) (p as unknown as Redis).lrange(this.keys(key)[2], 0, -1);
		});
		return new Map<string, OutcomeHistory | Error>(
			keys.map((key, i): [string, OutcomeHistory | Error] => {
				const reply = replies[i];
				if (reply instanceof Error) return [key, reply];
				const list = this.keys(key)[2];
				const outcomes: RepairOutcome[] = [];
				const warnings: string[] = [];
				(reply as string[]).forEach((raw, index) => {
					const record = new StoredRecord(`Redis list ${list}[${index}]`);
					const e = record.json(raw, 'entry') as Partial<OutcomeEntry> | undefined;
					const at = e && typeof e === 'object' ? record.ms(e.t, 't') : null;
					if (!e || typeof e !== 'object' || typeof e.a !== 'string' || at === null) {
						if (!record.warnings.length) record.warn('entry', raw, 'not a repair outcome');
						warnings.push(...record.warnings);
						return;
					}
					const refired = record.ms(e.f, 'f');
					outcomes.push({
						action: e.a,
						success: e.s === 1,
						at: new Date(at).toISOString(),
						outcome_id: typeof e.id === 'string' && e.id ? e.id : null,
						details: e.d ?? null,
						refired_at: refired ? new Date(refired).toISOString() : null,
					});
					warnings.push(...record.warnings);
				});
				return [key, { outcomes, warnings }];
			}),
		);
	}

	async settleClaims(
		refs: OccurrenceRef[],
		how: 'handled' | 'release',
	): Promise<(boolean | Error)[]> {
		const byKey = groupByKey(refs);
		const keys = [...byKey.keys()];
		const replies = await this.run(keys.length, (p) => {
			for (const key of keys) {
				const ids = byKey.get(key)!.map((i) => refs[i].occurrence_id);
				p.aiopsSettleClaims1(this.keys(key)[4], how, ...ids);
			}
		});
		const out: (boolean | Error)[] = new Array(refs.length);
		keys.forEach((key, k) => {
			const reply = replies[k];
			byKey.get(key)!.forEach((i, j) => {
				out[i] = reply instanceof Error ? reply : Number((reply as number[])[j]) === 1;
			});
		});
		return out;
	}

	async markPermanentFix(marks: PermanentFixMark[]): Promise<(number | Error)[]> {
		const replies = await this.run(marks.length, (p) => {
			for (const m of marks)
				p.aiopsMarkFix2(
					...this.keys(m.anomaly_key).slice(0, 4),
					m.at,
					m.description,
					this.stateTtlMs,
				);
		});
		return replies.map((r) => (r instanceof Error ? r : Number(r)));
	}
}
