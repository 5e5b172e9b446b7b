// The anomaly store on SQL (Postgres, or the embedded PGlite with the same SQL): every
// operation is one statement for the whole batch; per-key atomicity comes from the key's row
// lock inside record_occurrences / record_outcomes (sqlSchema.ts).
import { StoreRecordError } from '../errors';
import { migrate, schemaName, type SqlStore } from '../store';
import type { KeySnapshot, KeyWrite } from './frequency';
import type { OccurrenceInput } from './occurrence';
import type { RefiredOutcome, RepairOutcomeInput } from './repairs';
import { ANOMALY_COMPONENT, ANOMALY_MIGRATIONS } from './sqlSchema';
import { confinedToKeys, StoredRecord } from './storedValues';
import {
	claimEnd,
	type AnomalyStore,
	type OccurrenceRef,
	type OutcomeHistory,
	type PermanentFixMark,
	type RecordOptions,
} from './store';
import { OUTCOME_HISTORY_LIMIT, WINDOWS } from './windows';

export interface SqlAnomalyOptions {
	/** Schema holding the tables; created and migrated on first use. Default `aiops`. */
	schema?: string;
}

/** A key's snapshot from a row of record_occurrences or of the snapshot query (r_* columns). */
function snapshotFromRow(row: Record<string, unknown>, record: StoredRecord): KeySnapshot {
	const snapshot: KeySnapshot = {
		counts: [Number(row.r_c1), Number(row.r_c24), Number(row.r_c7), Number(row.r_c30)],
		first_seen: record.ms(row.r_first, 'first_ms'),
		last_seen: record.ms(row.r_last, 'last_ms'),
		repair_count: Number(row.r_repairs),
		restart_count: Number(row.r_restarts),
		permanent_fix_at: record.ms(row.r_fix, 'fix_ms'),
		permanent_fix_description: (row.r_fix_description as string | null) ?? null,
		recurred_after_fix: row.r_recurred === true,
	};
	if (record.warnings.length) snapshot.warnings = [...record.warnings];
	return snapshot;
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

	private anomalyRecord(key: string): StoredRecord {
		return new StoredRecord(`${this.description}: "${this.schema}".anomalies row ${key}`);
	}

	private outcomesRecord(key: string): StoredRecord {
		return new StoredRecord(`${this.description}: "${this.schema}".anomaly_outcomes of ${key}`);
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
		const leaseNow = opts.leaseNow ?? Date.now();
		const claimedUntil = claimEnd({ ...opts, leaseNow });
		// one entry per occurrence, and one for a key with none (only expired ones): it still gets counts
		const inputs = sortedKeys(byKey.keys()).flatMap(
			(key): { anomaly_key: string; occurrence_id: string | null; at: number | null }[] =>
				byKey.get(key)!.length
					? byKey.get(key)!
					: [{ anomaly_key: key, occurrence_id: null, at: null }],
		);
		// one statement for the batch; a key whose stored state breaks it fails alone
		const rows = await this.batch(() =>
			confinedToKeys(
				inputs,
				async (subset) => {
					const keys = [...new Set(subset.map((x) => x.anomaly_key))];
					const occ = subset.filter((x) => x.occurrence_id !== null);
					const result = await this.sql.query(
						`select * from "${this.schema}".record_occurrences($1::text[], $2::text[], $3::text[], $4::bigint[], $5::bigint[], $6::bigint, $7::bigint, $8::bigint, $9::bigint)`,
						[
							keys,
							occ.map((x) => x.anomaly_key),
							occ.map((x) => x.occurrence_id),
							occ.map((x) => x.at),
							WINDOWS.map((w) => opts.now - w.ms),
							opts.cutoff,
							opts.verifyWindowMs ?? 0,
							claimedUntil,
							leaseNow,
						],
					);
					const byRow = new Map(result.map((r) => [String(r.r_key), r]));
					return subset.map((x) => byRow.get(x.anomaly_key)!);
				},
				(key, error) =>
					new StoreRecordError(
						`${this.description}: the stored state of anomaly_key ${key} in schema "${this.schema}" cannot be used (${error.message}); the other signatures were recorded`,
						key,
						error,
					),
			),
		);
		const out = new Map<string, KeyWrite | Error>();
		if (rows instanceof Error) {
			for (const key of byKey.keys()) out.set(key, rows);
			return out;
		}
		rows.forEach((row, i) => {
			if (row instanceof Error) out.set(inputs[i].anomaly_key, row);
		});
		const seen = new Set<string>();
		for (const row of rows) {
			if (row instanceof Error || seen.has(String(row.r_key))) continue;
			seen.add(String(row.r_key));
			const key = String(row.r_key);
			const added = new Set(row.r_added as string[]);
			const reclaimed = new Set(row.r_reclaimed as string[]);
			const outcomes = this.outcomesRecord(key);
			const refired: RefiredOutcome[] = [];
			for (const raw of (row.r_refired as string[] | null) ?? []) {
				const r = outcomes.json(raw, 'refired') as Record<string, unknown> | undefined;
				const at = r ? outcomes.ms(r.t, 'recorded_ms') : null;
				const refiredAt = r ? outcomes.ms(r.f, 'refired_ms') : null;
				if (!r || at === null || refiredAt === null) continue;
				refired.push({
					action: String(r.a),
					outcome_id: typeof r.id === 'string' ? r.id : null,
					at: new Date(at).toISOString(),
					occurrence_id: String(r.o),
					refired_at: new Date(refiredAt).toISOString(),
				});
			}
			out.set(key, {
				before: snapshotFromRow(row, this.anomalyRecord(key)),
				refired,
				warnings: outcomes.warnings,
				added: byKey.get(key)!.map((o) => added.has(o.occurrence_id)),
				reclaimed: byKey.get(key)!.map((o) => reclaimed.has(o.occurrence_id)),
				claimed_until: claimedUntil,
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
			keys.map((key): [string, KeySnapshot] => [
				key,
				snapshotFromRow(byKey.get(key)!, this.anomalyRecord(key)),
			]),
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

	async outcomeHistory(keys: string[]): Promise<Map<string, OutcomeHistory | Error>> {
		const rows = await this.batch(() =>
			this.sql.query(
				`select anomaly_key, seq, action, success, recorded_ms, outcome_id, details, refired_ms
				from "${this.schema}".anomaly_outcomes where anomaly_key = any($1::text[])
				order by anomaly_key, seq desc`,
				[keys],
			),
		);
		if (rows instanceof Error) return new Map(keys.map((k) => [k, rows]));
		const out = new Map<string, OutcomeHistory>(
			keys.map((k) => [k, { outcomes: [], warnings: [] }]),
		);
		for (const r of rows) {
			const key = String(r.anomaly_key);
			const history = out.get(key)!;
			const record = new StoredRecord(
				`${this.description}: "${this.schema}".anomaly_outcomes row (${key}, seq ${String(r.seq)})`,
			);
			const at = record.ms(r.recorded_ms, 'recorded_ms');
			const refired = record.ms(r.refired_ms, 'refired_ms');
			history.warnings.push(...record.warnings);
			if (at === null) continue;
			history.outcomes.push({
				action: String(r.action),
				success: r.success === true,
				at: new Date(at).toISOString(),
				outcome_id: (r.outcome_id as string | null) ?? null,
				details: r.details ?? null,
				refired_at: refired === null ? null : new Date(refired).toISOString(),
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
