// The audit trail of Repair Action in the SQL store: one row per decision — who asked, what
// for, why, what the target looked like before and after, and how it ended (including skips,
// dry runs and approvals asked for, so "why did nothing happen" has an answer too).
import { schemaName, type SqlStore } from '../store';
import { readyRepairSchema } from './sqlGuardStore';

export interface AuditEntry {
	/** ms since the epoch */
	at: number;
	/** who asked: the n8n workflow and execution (and user, when known) */
	who: string;
	namespace: string;
	kind: string;
	name: string;
	container?: string;
	/** the node operation: restart … or auto */
	operation: string;
	/** the action taken or considered; null when Auto escalated without one */
	action: string | null;
	dryRun: boolean;
	/** why: the alert, the plan's explanation */
	why: string;
	anomalyKey?: string;
	incidentId?: string;
	before?: unknown;
	after?: unknown;
	/** succeeded, failed, skipped, needs_approval, dry_run, escalated */
	result: string;
	reason?: string;
	durationMs?: number;
	details?: unknown;
}

export interface AuditRow extends Omit<AuditEntry, 'at'> {
	id: number;
	at: string;
}

const json = (v: unknown) => (v === undefined ? null : JSON.stringify(v));

/** Appends entries (one statement); returns their ids in order. */
export async function writeAudit(
	sql: SqlStore,
	schema: string,
	entries: AuditEntry[],
): Promise<number[]> {
	if (entries.length === 0) return [];
	const s = schemaName(schema);
	await readyRepairSchema(sql, s);
	const col = <T>(f: (e: AuditEntry) => T) => entries.map(f);
	const rows = await sql.query<{ id: string }>(
		`insert into "${s}".repair_audit (at_ms, who, namespace, kind, name, container, operation, action,
			dry_run, why, anomaly_key, incident_id, before, after, result, reason, duration_ms, details)
		select * from unnest($1::bigint[], $2::text[], $3::text[], $4::text[], $5::text[], $6::text[], $7::text[],
			$8::text[], $9::boolean[], $10::text[], $11::text[], $12::text[], $13::jsonb[], $14::jsonb[], $15::text[],
			$16::text[], $17::int[], $18::jsonb[])
		returning id`,
		[
			col((e) => e.at),
			col((e) => e.who),
			col((e) => e.namespace),
			col((e) => e.kind),
			col((e) => e.name),
			col((e) => e.container || null),
			col((e) => e.operation),
			col((e) => e.action),
			col((e) => e.dryRun),
			col((e) => e.why),
			col((e) => e.anomalyKey || null),
			col((e) => e.incidentId || null),
			col((e) => json(e.before)),
			col((e) => json(e.after)),
			col((e) => e.result),
			col((e) => e.reason ?? null),
			col((e) => (e.durationMs === undefined ? null : Math.round(e.durationMs))),
			col((e) => json(e.details)),
		],
	);
	return rows.map((r) => Number(r.id));
}

export interface AuditQuery {
	namespace?: string;
	name?: string;
	anomalyKey?: string;
	/** newest first, at most this many (default 100) */
	limit?: number;
}

/** Audit rows, newest first. */
export async function readAudit(
	sql: SqlStore,
	schema: string,
	q: AuditQuery = {},
): Promise<AuditRow[]> {
	const s = schemaName(schema);
	await readyRepairSchema(sql, s);
	const rows = await sql.query(
		`select * from "${s}".repair_audit
		where ($1::text is null or namespace = $1) and ($2::text is null or name = $2)
			and ($3::text is null or anomaly_key = $3)
		order by id desc limit $4`,
		[q.namespace ?? null, q.name ?? null, q.anomalyKey ?? null, q.limit ?? 100],
	);
	return rows.map((r) => ({
		id: Number(r.id),
		at: new Date(Number(r.at_ms)).toISOString(),
		who: String(r.who),
		namespace: String(r.namespace),
		kind: String(r.kind),
		name: String(r.name),
		container: (r.container as string | null) ?? undefined,
		operation: String(r.operation),
		action: (r.action as string | null) ?? null,
		dryRun: r.dry_run === true,
		why: String(r.why),
		anomalyKey: (r.anomaly_key as string | null) ?? undefined,
		incidentId: (r.incident_id as string | null) ?? undefined,
		before: r.before ?? undefined,
		after: r.after ?? undefined,
		result: String(r.result),
		reason: (r.reason as string | null) ?? undefined,
		durationMs: r.duration_ms === null ? undefined : Number(r.duration_ms),
		details: r.details ?? undefined,
	}));
}
