// Read-only count of the SQL log pattern store for the operations overview: templates first seen
// lately, after their scope's warm-up.
import { migrate, schemaName, type SqlStore } from '../store';
import { DEFAULT_WARM_UP } from './scope';
import { LOG_PATTERNS_COMPONENT, LOG_PATTERNS_MIGRATIONS } from './sqlStore';

export interface NewPatternCount {
	/** templates first seen in the last 24 hours, at least the warm-up minutes after the scope's first line */
	lastDay: number;
	scopes: number;
	/** the last learning run of any scope (ms), null before the first */
	lastRunMs: number | null;
}

export async function countNewPatterns(
	sql: SqlStore,
	schema: string,
	nowMs: number,
	warmUpMinutes = DEFAULT_WARM_UP.minutes,
): Promise<NewPatternCount> {
	const s = schemaName(schema);
	await migrate(sql, s, LOG_PATTERNS_COMPONENT, LOG_PATTERNS_MIGRATIONS);
	const [row] = await sql.query(
		`select count(*)::int as n, (select count(*)::int from "${s}".log_pattern_scopes) as scopes,
			(select max(updated_ms) from "${s}".log_pattern_scopes) as last_run
		from (
			select min((c->>'firstSeen')::bigint) as first_seen, min(coalesce((p.state->>'since')::bigint, 0)) as since
			from "${s}".log_pattern_scopes p, jsonb_array_elements(p.state->'miner'->'clusters') c
			group by p.scope, c->>'template'
		) t where t.first_seen >= $1::bigint and t.first_seen >= t.since + $2::bigint`,
		[nowMs - 86_400_000, warmUpMinutes * 60_000],
	);
	return {
		lastDay: Number(row?.n ?? 0),
		scopes: Number(row?.scopes ?? 0),
		lastRunMs: row?.last_run === null || row?.last_run === undefined ? null : Number(row.last_run),
	};
}
