// Read-only summaries of the incident store for the operations overview: open incidents by tier
// and age, the oldest ones, predicted breaches. One statement each, index-friendly.
import { migrate, schemaName, type SqlStore } from '../store';
import { INCIDENT_MIGRATIONS, INCIDENTS_COMPONENT } from './sqlSchema';

/** Age buckets of an open incident, from its first alert. */
export const AGE_BUCKETS = ['lt_1h', '1h_24h', '1d_7d', 'gt_7d'] as const;
export type AgeBucket = (typeof AGE_BUCKETS)[number];

export interface OpenIncidentLine {
	id: string;
	title: string;
	status: string;
	severity: string | null;
	tier: number;
	alertName: string;
	namespace: string;
	workload: string;
	firstAlertAt: string;
	lastSeenAt: string;
	occurrences: number;
}

export interface OpenIncidentSummary {
	open: number;
	/** tier (1–4) → open incidents */
	byTier: Record<string, number>;
	byAge: Record<AgeBucket, number>;
	/** tier → age bucket → open incidents */
	byTierAndAge: Record<string, Record<AgeBucket, number>>;
	/** the open incidents with the oldest first alert, at most `listLimit` */
	oldest: OpenIncidentLine[];
	/** open incidents opened by a predicted breach (alert PredictedBreach) */
	predictedBreaches: number;
	predicted: OpenIncidentLine[];
	resolvedLast24h: number;
}

const LINE_COLUMNS = `id::text, title, status, severity, recommended_tier, signature->>'alert_name' as alert_name,
	signature->>'namespace' as namespace, signature->>'workload' as workload, first_alert_at, last_seen_at, aggregated_count`;

function line(r: Record<string, unknown>): OpenIncidentLine {
	return {
		id: String(r.id),
		title: String(r.title ?? ''),
		status: String(r.status),
		severity: (r.severity as string | null) ?? null,
		tier: Number(r.recommended_tier),
		alertName: String(r.alert_name ?? ''),
		namespace: String(r.namespace ?? ''),
		workload: String(r.workload ?? ''),
		firstAlertAt: new Date(r.first_alert_at as string).toISOString(),
		lastSeenAt: new Date(r.last_seen_at as string).toISOString(),
		occurrences: Number(r.aggregated_count),
	};
}

export async function summarizeOpenIncidents(
	sql: SqlStore,
	schema: string,
	nowMs: number,
	listLimit = 20,
): Promise<OpenIncidentSummary> {
	const s = schemaName(schema);
	await migrate(sql, s, INCIDENTS_COMPONENT, INCIDENT_MIGRATIONS);
	const now = new Date(nowMs).toISOString();
	const [groups, oldest, predicted, resolved] = await Promise.all([
		sql.query(
			`select recommended_tier as tier,
				case when first_alert_at > $1::timestamptz - interval '1 hour' then 'lt_1h'
					when first_alert_at > $1::timestamptz - interval '24 hours' then '1h_24h'
					when first_alert_at > $1::timestamptz - interval '7 days' then '1d_7d'
					else 'gt_7d' end as age,
				count(*)::int as n
			from "${s}".incidents where status <> 'resolved' group by 1, 2`,
			[now],
		),
		sql.query(
			`select ${LINE_COLUMNS} from "${s}".incidents where status <> 'resolved'
			order by first_alert_at, id limit $1`,
			[listLimit],
		),
		sql.query(
			`select ${LINE_COLUMNS}, count(*) over ()::int as total from "${s}".incidents
			where status <> 'resolved' and signature->>'alert_name' = 'PredictedBreach'
			order by last_seen_at desc, id limit $1`,
			[listLimit],
		),
		sql.query(
			`select count(*)::int as n from "${s}".incidents
			where status = 'resolved' and resolved_at > $1::timestamptz - interval '24 hours'`,
			[now],
		),
	]);
	const empty = (): Record<AgeBucket, number> => ({ lt_1h: 0, '1h_24h': 0, '1d_7d': 0, gt_7d: 0 });
	const summary: OpenIncidentSummary = {
		open: 0,
		byTier: { '1': 0, '2': 0, '3': 0, '4': 0 },
		byAge: empty(),
		byTierAndAge: { '1': empty(), '2': empty(), '3': empty(), '4': empty() },
		oldest: oldest.map(line),
		predictedBreaches: predicted.length ? Number(predicted[0].total) : 0,
		predicted: predicted.map(line),
		resolvedLast24h: Number(resolved[0]?.n ?? 0),
	};
	for (const g of groups) {
		const tier = String(g.tier);
		const age = g.age as AgeBucket;
		const n = Number(g.n);
		summary.open += n;
		summary.byTier[tier] = (summary.byTier[tier] ?? 0) + n;
		summary.byAge[age] += n;
		(summary.byTierAndAge[tier] ??= empty())[age] += n;
	}
	return summary;
}
