// Read-only counts of the repair audit for the operations overview: real repairs (not dry runs)
// by action and result.
import { schemaName, type SqlStore } from '../store';
import { readyRepairSchema } from './sqlGuardStore';

export interface RepairCount {
	/** the action taken ('' when the decision named none, e.g. skipped before planning) */
	action: string;
	/** succeeded, failed, skipped, needs_approval, escalated */
	result: string;
	total: number;
	lastDay: number;
	lastWeek: number;
}

export async function countRepairs(
	sql: SqlStore,
	schema: string,
	nowMs: number,
): Promise<RepairCount[]> {
	const s = schemaName(schema);
	await readyRepairSchema(sql, s);
	const rows = await sql.query(
		`select coalesce(action, '') as action, result, count(*)::int as total,
			count(*) filter (where at_ms >= $1::bigint)::int as day,
			count(*) filter (where at_ms >= $2::bigint)::int as week
		from "${s}".repair_audit where not dry_run group by 1, 2 order by 1, 2`,
		[nowMs - 86_400_000, nowMs - 7 * 86_400_000],
	);
	return rows.map((r) => ({
		action: String(r.action),
		result: String(r.result),
		total: Number(r.total),
		lastDay: Number(r.day),
		lastWeek: Number(r.week),
	}));
}
