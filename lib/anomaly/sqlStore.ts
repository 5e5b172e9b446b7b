// The anomaly store on SQL (Postgres, or the embedded PGlite with the same SQL): every
// operation is one statement for the whole batch; per-key atomicity comes from the key's row
// lock inside record_occurrences / record_outcomes (sqlSchema.ts).
import { migrate, schemaName, type SqlStore } from '../store';
import type { KeySnapshot, KeyWrite } from './frequency';
import type { OccurrenceInput } from './occurrence';
import type { RefiredOutcome, RepairOutcome, RepairOutcomeInput } from './repairs';
import { ANOMALY_COMPONENT, ANOMALY_MIGRATIONS } from './sqlSchema';
import {
	claimEnd,
	type AnomalyStore,
	type OccurrenceRef,
	type PermanentFixMark,
	type RecordOptions,
} from './store';
import { OUTCOME_HISTORY_LIMIT, WINDOWS } from './windows';

export interface SqlAnomalyOptions {
	/** Schema holding the tables; created and migrated on first use. Default `aiops`. */
	schema?: string;
}

const msOrNull = (v: unknown) => (v === null || v === undefined ? null : Number(v));

/** A key's snapshot from a row of record_occurrences or of the snapshot query (r_* columns). */
function snapshotFromRow(row: Record<string, unknown>): KeySnapshot {
	return {
		counts: [Number(row.r_c1), Number(row.r_c24), Number(row.r_c7), Number(row.r_c30)],
		first_seen: msOrNull(row.r_first),
		last_seen: msOrNull(row.r_last),
		repair_count: Number(row.r_repairs),
		restart_count: Number(row.r_restarts),
		permanent_fix_at: msOrNull(row.r_fix),
		permanent_fix_description: (row.r_fix_description as string | null) ?? null,
		recurred_after_fix: row.r_recurred === true,
	};
}

/** Stable order of keys: every caller locks keys in this order. */
function sortedKeys(keys: Iterable<string>): string[] {
	return [...keys].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
}

export class SqlAnomalyStore implements AnomalyStore {
	readonly description: string;
	private readonly schema: string;

	constructor(
		private readonly sql: SqlStore,
		options: SqlAnomalyOptions = {},
	) {
		this.schema = schemaName(options.schema ?? 'aiops');
		this.description = `${sql.kind === 'postgres' ? 'Postgres' : 'Embedded store'} at ${sql.address}`;
	}

	private ready(): Promise<unknown> {
		return migrate(this.sql, this.schema, ANOMALY_COMPONENT, ANOMALY_MIGRATIONS);
	}

	/** Runs `fn` after the schema is ready; an error fails the whole batch. */
	private async batch<T>(fn: () => Promise<T>): Promise<T | Error> {
		try {
			await this.ready();
			return await fn();
		} catch (error) {
			return error as Error;
		}
	}

	async recordOccurrences(
		byKey: Map<string, OccurrenceInput[]>,
		opts: RecordOptions,
	): Promise<Map<string, KeyWrite | Error>> {
		const keys = sortedKeys(byKey.keys());
		const occKeys: string[] = [];
		const ids: string[] = [];
		const ats: number[] = [];
		for (const key of keys) {
			for (const o of byKey.get(key)!) {
				occKeys.push(key);
				ids.push(o.occurrence_id);
				ats.push(o.at);
			}
		}
		const leaseNow = opts.leaseNow ?? Date.now();
		const claimedUntil = claimEnd({ ...opts, leaseNow });
		const rows = await this.batch(() =>
			this.sql.query(
				`select * from "${this.schema}".record_occurrences($1::text[], $2::text[], $3::text[], $4::bigint[], $5::bigint[], $6::bigint, $7::bigint, $8::bigint, $9::bigint)`,
				[
					keys,
					occKeys,
					ids,
					ats,
					WINDOWS.map((w) => opts.now - w.ms),
					opts.cutoff,
					opts.verifyWindowMs ?? 0,
					claimedUntil,
					leaseNow,
				],
			),
		);
		const out = new Map<string, KeyWrite | Error>();
		if (rows instanceof Error) {
			for (const key of keys) out.set(key, rows);
			return out;
		}
		for (const row of rows) {
			const key = String(row.r_key);
			const added = new Set(row.r_added as string[]);
			const reclaimed = new Set(row.r_reclaimed as string[]);
			out.set(key, {
				before: snapshotFromRow(row),
				added: byKey.get(key)!.map((o) => added.has(o.occurrence_id)),
				reclaimed: byKey.get(key)!.map((o) => reclaimed.has(o.occurrence_id)),
				claimed_until: claimedUntil,
				refired: ((row.r_refired as string[] | null) ?? []).map((raw): RefiredOutcome => {
					const r = JSON.parse(raw) as {
						a: string;
						id: string | null;
						t: number;
						o: string;
						f: number;
					};
					return {
						action: r.a,
						outcome_id: r.id,
						at: new Date(Number(r.t)).toISOString(),
						occurrence_id: r.o,
						refired_at: new Date(Number(r.f)).toISOString(),
					};
				}),
			});
		}
		return out;
	}

	async snapshots(keys: string[], now: number): Promise<Map<string, KeySnapshot | Error>> {
		const s = this.schema;
		const rows = await this.batch(() =>
			this.sql.query(
				`select k.key, c.c1 as r_c1, c.c24 as r_c24, c.c7 as r_c7, c.c30 as r_c30,
					a.first_ms as r_first, a.last_ms as r_last, a.fix_ms as r_fix, a.fix_description as r_fix_description,
					r.repairs as r_repairs, r.restarts as r_restarts,
					(a.fix_ms is not null and exists (select 1 from "${s}".anomaly_occurrences o
						where o.anomaly_key = k.key and o.started_ms > a.fix_ms)) as r_recurred
				from unnest($1::text[]) as k(key)
				left join "${s}".anomalies a on a.anomaly_key = k.key
				cross join lateral (
					select count(*) filter (where o.started_ms >= $2)::int as c1,
						count(*) filter (where o.started_ms >= $3)::int as c24,
						count(*) filter (where o.started_ms >= $4)::int as c7,
						count(*) filter (where o.started_ms >= $5)::int as c30
					from "${s}".anomaly_occurrences o where o.anomaly_key = k.key) c
				cross join lateral (
					select count(*)::int as repairs, count(*) filter (where x.action ~* 'restart')::int as restarts
					from "${s}".anomaly_outcomes x where x.anomaly_key = k.key) r`,
				[keys, ...WINDOWS.map((w) => now - w.ms)],
			),
		);
		if (rows instanceof Error) return new Map(keys.map((k) => [k, rows]));
		const byKey = new Map(rows.map((r) => [String(r.key), r]));
		return new Map(
			keys.map((key): [string, KeySnapshot] => [key, snapshotFromRow(byKey.get(key)!)]),
		);
	}

	async recordOutcomes(outcomes: RepairOutcomeInput[]): Promise<(boolean | Error)[]> {
		const rows = await this.batch(() =>
			this.sql.query(
				`select r_index from "${this.schema}".record_outcomes($1::text[], $2::text[], $3::text[], $4::boolean[], $5::text[], $6::bigint[], $7::int)`,
				[
					outcomes.map((o) => o.anomaly_key),
					outcomes.map((o) => o.outcome_id ?? null),
					outcomes.map((o) => o.action),
					outcomes.map((o) => o.success),
					outcomes.map((o) => JSON.stringify(o.details ?? null)),
					outcomes.map((o) => o.at),
					OUTCOME_HISTORY_LIMIT,
				],
			),
		);
		if (rows instanceof Error) return outcomes.map(() => rows);
		const recorded = new Set(rows.map((r) => Number(r.r_index) - 1));
		return outcomes.map((_, i) => recorded.has(i));
	}

	async outcomeHistory(keys: string[]): Promise<Map<string, RepairOutcome[] | Error>> {
		const rows = await this.batch(() =>
			this.sql.query(
				`select anomaly_key, action, success, recorded_ms, outcome_id, details, refired_ms
				from "${this.schema}".anomaly_outcomes where anomaly_key = any($1::text[])
				order by anomaly_key, seq desc`,
				[keys],
			),
		);
		if (rows instanceof Error) return new Map(keys.map((k) => [k, rows]));
		const out = new Map<string, RepairOutcome[]>(keys.map((k) => [k, []]));
		for (const r of rows) {
			out.get(String(r.anomaly_key))!.push({
				action: String(r.action),
				success: r.success === true,
				at: new Date(Number(r.recorded_ms)).toISOString(),
				outcome_id: (r.outcome_id as string | null) ?? null,
				details: r.details ?? null,
				refired_at: r.refired_ms === null ? null : new Date(Number(r.refired_ms)).toISOString(),
			});
		}
		return out;
	}

	async settleClaims(
		refs: OccurrenceRef[],
		how: 'handled' | 'release',
	): Promise<(boolean | Error)[]> {
		const order = [...refs.keys()].sort((a, b) =>
			refs[a].anomaly_key < refs[b].anomaly_key
				? -1
				: refs[a].anomaly_key > refs[b].anomaly_key
					? 1
					: 0,
		);
		const rows = await this.batch(() =>
			this.sql.query(
				`select r_key, r_id from "${this.schema}".settle_claims($1::text[], $2::text[], $3::bigint)`,
				[
					order.map((i) => refs[i].anomaly_key),
					order.map((i) => refs[i].occurrence_id),
					how === 'handled' ? null : 0,
				],
			),
		);
		if (rows instanceof Error) return refs.map(() => rows);
		const settled = new Set(rows.map((r) => `${String(r.r_key)}\u0000${String(r.r_id)}`));
		return refs.map((r) => settled.has(`${r.anomaly_key}\u0000${r.occurrence_id}`));
	}

	async markPermanentFix(marks: PermanentFixMark[]): Promise<(number | Error)[]> {
		// One row per key (the last mark wins): an upsert cannot touch a row twice.
		const last = new Map<string, PermanentFixMark>();
		for (const m of marks) last.set(m.anomaly_key, m);
		const unique = [...last.values()];
		const rows = await this.batch(() =>
			this.sql.query(
				`insert into "${this.schema}".anomalies (anomaly_key, fix_ms, fix_description)
				select * from unnest($1::text[], $2::bigint[], $3::text[])
				on conflict (anomaly_key) do update set fix_ms = excluded.fix_ms, fix_description = excluded.fix_description
				returning anomaly_key, fix_ms`,
				[
					unique.map((m) => m.anomaly_key),
					unique.map((m) => m.at),
					unique.map((m) => m.description),
				],
			),
		);
		if (rows instanceof Error) return marks.map(() => rows);
		const at = new Map(rows.map((r) => [String(r.anomaly_key), Number(r.fix_ms)]));
		return marks.map((m) => at.get(m.anomaly_key)!);
	}
}
