// Read-only counts of the SQL anomaly store for the operations overview.
import { migrate, schemaName, type SqlStore } from '../store';
import { ANOMALY_COMPONENT, ANOMALY_MIGRATIONS } from './sqlSchema';

export interface OccurrenceCounts {
	lastHour: number;
	lastDay: number;
	/** every occurrence the store still holds (30 days by default retention) */
	retained: number;
}

/** Occurrences by their start (the alert's startsAt), as the frequency windows count them. */
export async function countOccurrences(
	sql: SqlStore,
	schema: string,
	nowMs: number,
): Promise<OccurrenceCounts> {
	const s = schemaName(schema);
	await migrate(sql, s, ANOMALY_COMPONENT, ANOMALY_MIGRATIONS);
	const [row] = await sql.query(
		`select count(*) filter (where started_ms >= $1::bigint)::int as h,
			count(*) filter (where started_ms >= $2::bigint)::int as d, count(*)::int as all
		from "${s}".anomaly_occurrences`,
		[nowMs - 3_600_000, nowMs - 86_400_000],
	);
	return { lastHour: Number(row.h), lastDay: Number(row.d), retained: Number(row.all) };
}
