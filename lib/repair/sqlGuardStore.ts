// The guard store on SQL (Postgres or embedded PGlite): each operation is one statement; the
// admission and the result are plpgsql functions that hold the target's row lock (sqlSchema.ts).
import { migrate, schemaName, type SqlStore } from '../store';
import type { RepairAction } from './actions';
import {
	ATTEMPT_RETENTION_MS,
	type AdmitRequest,
	type AdmitResult,
	type GuardState,
	type GuardStore,
	type LeaseResult,
	type ResultRules,
} from './guards';
import { REPAIR_COMPONENT, REPAIR_MIGRATIONS } from './sqlSchema';

export interface SqlRepairOptions {
	/** Schema holding the tables; created and migrated on first use. Default `aiops`. */
	schema?: string;
}

export function sqlStoreDescription(sql: SqlStore): string {
	return `${sql.kind === 'postgres' ? 'Postgres' : 'Embedded store'} at ${sql.address}`;
}

/** Creates or migrates the repair tables of `schema` (once per process). */
export function readyRepairSchema(sql: SqlStore, schema: string): Promise<unknown> {
	return migrate(sql, schema, REPAIR_COMPONENT, REPAIR_MIGRATIONS);
}

export class SqlGuardStore implements GuardStore {
	readonly description: string;
	private readonly schema: string;

	constructor(
		private readonly sql: SqlStore,
		options: SqlRepairOptions = {},
	) {
		this.schema = schemaName(options.schema ?? 'aiops');
		this.description = sqlStoreDescription(sql);
	}

	async acquireLease(
		target: string,
		holder: string,
		now: number,
		ttlMs: number,
	): Promise<LeaseResult> {
		await readyRepairSchema(this.sql, this.schema);
		const s = this.schema;
		// One statement: take the row when it is free, expired or ours; else report its holder.
		const rows = await this.sql.query<{ acquired: boolean; holder: string; expires_ms: string }>(
			`with taken as (
				insert into "${s}".repair_leases as l (target, holder, expires_ms) values ($1, $2, $3::bigint + $4::bigint)
				on conflict (target) do update set holder = excluded.holder, expires_ms = excluded.expires_ms
					where l.expires_ms <= $3::bigint or l.holder = excluded.holder
				returning l.holder, l.expires_ms
			)
			select true as acquired, holder, expires_ms from taken
			union all
			select false, holder, expires_ms from "${s}".repair_leases
				where target = $1 and not exists (select 1 from taken)`,
			[target, holder, now, ttlMs],
		);
		const row = rows[0];
		// No row at all: another execution inserted it after this statement's snapshot.
		if (!row) return { acquired: false, holder: '', expiresAt: 0 };
		return { acquired: row.acquired, holder: row.holder, expiresAt: Number(row.expires_ms) };
	}

	async releaseLease(target: string, holder: string): Promise<boolean> {
		await readyRepairSchema(this.sql, this.schema);
		const rows = await this.sql.query(
			`delete from "${this.schema}".repair_leases where target = $1 and holder = $2 returning target`,
			[target, holder],
		);
		return rows.length > 0;
	}

	async admit(r: AdmitRequest): Promise<AdmitResult> {
		await readyRepairSchema(this.sql, this.schema);
		const [row] = await this.sql.query<{
			r_code: string;
			r_until: string;
			r_n: string;
			r_window: number;
		}>(
			`select * from "${this.schema}".admit_repair($1, $2, $3, $4, $5, $6, $7, $8::bigint[], $9::int[])`,
			[
				r.target,
				r.action,
				r.now,
				r.cooldownMs,
				r.record,
				r.attemptId,
				ATTEMPT_RETENTION_MS,
				r.windows.map((w) => w.ms),
				r.windows.map((w) => w.max),
			],
		);
		const until = Number(row.r_until);
		switch (row.r_code) {
			case 'ok':
				return { ok: true };
			case 'breaker_open':
			case 'backoff':
				return { ok: false, code: row.r_code, until, failures: Number(row.r_n) };
			case 'cooldown':
				return { ok: false, code: 'cooldown', until, last: Number(row.r_n) };
			default:
				return {
					ok: false,
					code: 'window',
					until,
					count: Number(row.r_n),
					window: Number(row.r_window),
				};
		}
	}

	async recordResult(
		target: string,
		action: RepairAction,
		success: boolean,
		now: number,
		rules: ResultRules,
	): Promise<GuardState> {
		await readyRepairSchema(this.sql, this.schema);
		const [row] = await this.sql.query<{
			r_target_failures: number;
			r_action_failures: number;
			r_retry: string;
			r_breaker: string | null;
		}>(`select * from "${this.schema}".record_repair_result($1, $2, $3, $4, $5, $6, $7, $8)`, [
			target,
			action,
			success,
			now,
			rules.backoffBaseMs,
			rules.backoffMaxMs,
			rules.breakerThreshold,
			rules.breakerOpenMs,
		]);
		return {
			targetFailures: Number(row.r_target_failures),
			actionFailures: Number(row.r_action_failures),
			retryAfter: Number(row.r_retry),
			breakerUntil: Number(row.r_breaker ?? 0),
		};
	}
}
