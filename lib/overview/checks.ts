// Check results the overview keeps: each health-checked service, each data source, each
// notification channel, one row per check (kept 8 days), so the page can show the last check,
// response time and availability over 24 hours and 7 days. Append-only: concurrent writers
// never conflict.
import { InvalidInputError } from '../errors';
import { migrate, schemaName, type Migration, type SqlStore } from '../store';

export const OVERVIEW_COMPONENT = 'overview';

export const CHECK_KINDS = ['service', 'source', 'channel'] as const;
export type CheckKind = (typeof CHECK_KINDS)[number];

const RETENTION_MS = 8 * 86_400_000;
const DAY_MS = 86_400_000;

export const OVERVIEW_MIGRATIONS: Migration[] = [
	{
		version: 1,
		name: 'check results',
		statements: (s) => [
			`create table "${s}".overview_checks (
				kind text not null,
				name text not null,
				at_ms bigint not null,
				ok boolean not null,
				status text not null,
				response_ms integer,
				detail text
			)`,
			`create index overview_checks_name_time on "${s}".overview_checks (kind, name, at_ms desc)`,
			`create index overview_checks_time on "${s}".overview_checks (at_ms)`,
		],
	},
];

export interface CheckResult {
	kind: CheckKind;
	/** the service, data source or channel */
	name: string;
	atMs: number;
	ok: boolean;
	/** healthy, slow, bad_status, unreachable; up, down; delivered, failed */
	status: string;
	responseMs: number | null;
	detail: string | null;
}

export interface CheckSummary {
	kind: CheckKind;
	name: string;
	/** the last check */
	ok: boolean;
	status: string;
	lastCheckAt: string;
	responseMs: number | null;
	detail: string | null;
	lastOkAt: string | null;
	/** share of good checks, null when there was none in the window */
	availability24h: number | null;
	availability7d: number | null;
	checks24h: number;
	failures24h: number;
	failures7d: number;
	/** failures the store holds (8 days) */
	failuresRetained: number;
}

function ready(sql: SqlStore, schema: string) {
	return migrate(sql, schemaName(schema), OVERVIEW_COMPONENT, OVERVIEW_MIGRATIONS);
}

/** Appends check results (one statement) and prunes rows older than 8 days, a slice at a time. */
export async function recordChecks(
	sql: SqlStore,
	schema: string,
	results: CheckResult[],
): Promise<void> {
	if (results.length === 0) return;
	await ready(sql, schema);
	const s = schemaName(schema);
	const col = <T>(f: (r: CheckResult) => T) => results.map(f);
	const newest = Math.max(...results.map((r) => r.atMs));
	await sql.query(
		`with pruned as (
			delete from "${s}".overview_checks where ctid = any(array(
				select ctid from "${s}".overview_checks where at_ms < $8::bigint limit 1000))
		)
		insert into "${s}".overview_checks (kind, name, at_ms, ok, status, response_ms, detail)
		select * from unnest($1::text[], $2::text[], $3::bigint[], $4::boolean[], $5::text[], $6::int[], $7::text[])`,
		[
			col((r) => r.kind),
			col((r) => r.name),
			col((r) => r.atMs),
			col((r) => r.ok),
			col((r) => r.status),
			col((r) => (r.responseMs === null ? null : Math.round(r.responseMs))),
			col((r) => r.detail),
			newest - RETENTION_MS,
		],
	);
}

/** The last check and the availability of every service, source and channel, by kind and name. */
export async function summarizeChecks(
	sql: SqlStore,
	schema: string,
	nowMs: number,
): Promise<CheckSummary[]> {
	await ready(sql, schema);
	const s = schemaName(schema);
	const rows = await sql.query(
		`with agg as (
			select kind, name,
				count(*) filter (where at_ms >= $1::bigint)::int as c24,
				count(*) filter (where at_ms >= $1::bigint and ok)::int as ok24,
				count(*) filter (where at_ms >= $2::bigint)::int as c7,
				count(*) filter (where at_ms >= $2::bigint and ok)::int as ok7,
				count(*) filter (where not ok)::int as failures,
				max(at_ms) filter (where ok) as last_ok
			from "${s}".overview_checks group by kind, name
		), last as (
			select distinct on (kind, name) kind, name, at_ms, ok, status, response_ms, detail
			from "${s}".overview_checks order by kind, name, at_ms desc
		)
		select last.*, agg.c24, agg.ok24, agg.c7, agg.ok7, agg.failures, agg.last_ok
		from last join agg using (kind, name) order by kind, name`,
		[nowMs - DAY_MS, nowMs - 7 * DAY_MS],
	);
	const iso = (ms: unknown) =>
		ms === null || ms === undefined ? null : new Date(Number(ms)).toISOString();
	return rows.map((r) => ({
		kind: r.kind as CheckKind,
		name: String(r.name),
		ok: r.ok === true,
		status: String(r.status),
		lastCheckAt: iso(r.at_ms)!,
		responseMs: r.response_ms === null ? null : Number(r.response_ms),
		detail: (r.detail as string | null) ?? null,
		lastOkAt: iso(r.last_ok),
		availability24h: Number(r.c24) ? Number(r.ok24) / Number(r.c24) : null,
		availability7d: Number(r.c7) ? Number(r.ok7) / Number(r.c7) : null,
		checks24h: Number(r.c24),
		failures24h: Number(r.c24) - Number(r.ok24),
		failures7d: Number(r.c7) - Number(r.ok7),
		failuresRetained: Number(r.failures),
	}));
}

type Json = Record<string, unknown>;

/**
 * The check results an item carries: a health check (service, healthy, problem,
 * response_time_ms, checked_at — what the shipped Check Health node emits) or a Notify output
 * (notification.channels[]: one result per channel; suppressed sends are not checks).
 */
export function checkResultsOfItem(json: Json, nowMs: number, field = 'item'): CheckResult[] {
	const notification = json.notification as Json | undefined;
	if (notification && Array.isArray(notification.channels)) {
		return (notification.channels as Json[])
			.filter((c) => c && c.suppressed !== true)
			.map((c, i) => {
				if (typeof c.channel !== 'string' || c.channel === '')
					throw new InvalidInputError(
						`notification.channels[${i}].channel is missing`,
						`${field}.notification.channels[${i}].channel`,
					);
				return {
					kind: 'channel' as const,
					name: c.channel,
					atMs: nowMs,
					ok: c.delivered === true,
					status: c.delivered === true ? 'delivered' : 'failed',
					responseMs: null,
					detail: typeof c.error === 'string' ? c.error.slice(0, 500) : null,
				};
			});
	}
	if (typeof json.service !== 'string' || json.service === '')
		throw new InvalidInputError(
			'The item is neither a health check (service, healthy, response_time_ms) nor a Notify output (notification.channels): service is missing',
			`${field}.service`,
		);
	if (typeof json.healthy !== 'boolean')
		throw new InvalidInputError(
			`healthy must be true or false, got ${JSON.stringify(json.healthy)}`,
			`${field}.healthy`,
		);
	const at = json.checked_at === undefined ? nowMs : Date.parse(String(json.checked_at));
	if (!Number.isFinite(at))
		throw new InvalidInputError(
			`checked_at is not a time: ${JSON.stringify(json.checked_at)}`,
			`${field}.checked_at`,
		);
	const ms = json.response_time_ms;
	return [
		{
			kind: 'service',
			name: json.service,
			atMs: at,
			ok: json.healthy,
			status: json.healthy ? 'healthy' : String(json.problem || 'unhealthy'),
			responseMs: typeof ms === 'number' && Number.isFinite(ms) ? ms : null,
			detail: json.detail ? String(json.detail).slice(0, 500) : null,
		},
	];
}
