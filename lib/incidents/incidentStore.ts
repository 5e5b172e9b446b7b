// Incidents on SQL (Postgres or the embedded PGlite). Each operation is one statement for the
// whole batch; the schema is created and migrated on first use.
import { confinedToKeys, StoredRecord } from '../anomaly';
import { InvalidInputError, StoreRecordError } from '../errors';
import { migrate, schemaName, type SqlRow, type SqlStore } from '../store';
import type { FiringAlertInput, ResolvedAlertInput } from './alertInput';
import { INCIDENT_MIGRATIONS, INCIDENTS_COMPONENT } from './sqlSchema';
import type { Incident, IncidentStatus } from './types';

export interface SqlIncidentOptions {
	/** Schema holding the tables; default `aiops`. */
	schema?: string;
}

export interface OpenOrJoinResult {
	incident: Incident;
	is_new: boolean;
	/** The occurrence joined an incident that was already open. */
	aggregated: boolean;
	/** The occurrence was already part of an incident (a re-delivery): nothing was added. */
	duplicate: boolean;
	/** The incident's escalation level rose with this occurrence. */
	escalation_changed: boolean;
	/** An open incident that was resolved as quiet because this one opened. */
	superseded_incident_id: string | null;
	/**
	 * A duplicate re-claimed by Record Anomaly (its first execution died) goes on as its first
	 * join reported: replayed is true, duplicate false, is_new/aggregated/escalation_changed as then.
	 */
	replayed: boolean;
}

export interface ResolveResult {
	/** The key's incident that was open, or null when none was. */
	incident: Incident | null;
	alert_found: boolean;
	/** The incident was resolved by this batch (its last firing alert resolved). */
	resolved_now: boolean;
}

export interface AcknowledgeResult {
	incident: Incident;
	/** false: it was already acknowledged or resolved */
	changed: boolean;
}

export interface RepairResultInput {
	incident_id: string;
	action: string;
	success: boolean;
	outcome_id?: string;
	details?: unknown;
}

export interface RepairResultOutcome {
	incident: Incident;
	recorded: boolean;
	duplicate: boolean;
}

export interface ListQuery {
	status: 'open' | 'resolved' | 'any';
	anomaly_key?: string;
	limit: number;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export function incidentId(value: unknown, itemIndex: number): string {
	if (typeof value !== 'string' || !UUID.test(value.trim())) {
		throw new InvalidInputError(
			`Item ${itemIndex}: incident id must be a UUID (e.g. {{ $json.incident.id }}), got ${JSON.stringify(value ?? null)}`,
			'incidentId',
		);
	}
	return value.trim().toLowerCase();
}

const TIME_FIELDS = [
	'first_alert_at',
	'last_alert_at',
	'last_seen_at',
	'created_at',
	'updated_at',
	'acknowledged_at',
	'resolved_at',
] as const;

/**
 * An incident row (incident_json) with times as ISO 8601 UTC, like every other time we output. A
 * stored time JavaScript cannot read (infinity, a year BC or past 9999, written by hand or by an
 * older version) comes out null, named in `store_warnings`; the next join rewrites it.
 */
export function incidentFromJson(raw: unknown): Incident {
	const row = { ...(raw as Record<string, unknown>) };
	const record = new StoredRecord(`incident ${String(row.id)}`);
	for (const f of TIME_FIELDS) row[f] = record.iso(row[f], f);
	row.alerts_total = Number(row.alerts_total ?? 0);
	row.alerts_firing = Number(row.alerts_firing ?? 0);
	row.aggregated_count = record.count(row.aggregated_count, 'aggregated_count');
	row.recommended_tier = Number(row.recommended_tier);
	if (record.warnings.length) row.store_warnings = record.warnings;
	return row as unknown as Incident;
}

/** What the items of a key get when its stored incident state cannot be read or written. */
function unreadableKey(key: string, error: Error): Error {
	return new StoreRecordError(
		`The stored incident state of anomaly_key ${key} cannot be used (${error.message}); the other signatures were processed`,
		key,
		error,
	);
}

function asJson(value: unknown): unknown {
	return typeof value === 'string' ? JSON.parse(value) : value;
}

/** Groups inputs by key in one total order (every writer locks keys in this order). */
function byKeySorted<T extends { anomaly_key: string }>(inputs: T[]) {
	const groups = new Map<string, number[]>();
	inputs.forEach((x, i) => {
		const list = groups.get(x.anomaly_key) ?? [];
		list.push(i);
		groups.set(x.anomaly_key, list);
	});
	const keys = [...groups.keys()].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
	const order = keys.flatMap((k) => groups.get(k)!);
	return { keys, counts: keys.map((k) => groups.get(k)!.length), order };
}

export class SqlIncidentStore {
	readonly description: string;
	private readonly schema: string;

	constructor(
		private readonly sql: SqlStore,
		options: SqlIncidentOptions = {},
	) {
		this.schema = schemaName(options.schema ?? 'aiops');
		this.description = `${sql.kind === 'postgres' ? 'Postgres' : 'Embedded store'} at ${sql.address}`;
	}

	private async query(text: string, params: unknown[]): Promise<SqlRow[]> {
		await migrate(this.sql, this.schema, INCIDENTS_COMPONENT, INCIDENT_MIGRATIONS);
		return this.sql.query(text, params);
	}

	private fn(name: string): string {
		return `"${this.schema}".${name}`;
	}

	/** Opens or joins the incident of each occurrence; results in input order. */
	async openOrJoin(
		alerts: FiringAlertInput[],
		opts: { now: number; windowMinutes: number },
	): Promise<(OpenOrJoinResult | Error)[]> {
		if (!(opts.windowMinutes > 0)) {
			throw new InvalidInputError(
				`window must be more than 0 minutes, got ${opts.windowMinutes}`,
				'windowMinutes',
			);
		}
		if (alerts.length === 0) return [];
		return confinedToKeys(alerts, (subset) => this.openOrJoinBatch(subset, opts), unreadableKey);
	}

	private async openOrJoinBatch(
		alerts: FiringAlertInput[],
		opts: { now: number; windowMinutes: number },
	): Promise<OpenOrJoinResult[]> {
		const a = alerts;
		const rows = await this.query(
			`select * from ${this.fn('open_or_join')}($1::text[], $2::text[], $3::text[], $4::bigint[],
				$5::text[], $6::text[], $7::text[], $8::text[], $9::text[], $10::int[], $11::bigint, $12::bigint)`,
			[
				a.map((x) => x.anomaly_key),
				a.map((x) => x.occurrence_id),
				a.map((x) => x.fingerprint),
				a.map((x) => x.at),
				a.map((x) => x.severity),
				a.map((x) => x.title),
				a.map((x) => (x.signature ? JSON.stringify(x.signature) : null)),
				a.map((x) => (x.frequency ? JSON.stringify(x.frequency) : null)),
				a.map((x) => x.escalation_level),
				a.map((x) => x.tier),
				opts.now,
				Math.round(opts.windowMinutes * 60_000),
			],
		);
		// Each incident comes once (on its first item's row); its items share it.
		const incidents = new Map<string, Incident>();
		for (const r of rows)
			if (r.r_incident)
				incidents.set(String(r.r_incident_id), incidentFromJson(asJson(r.r_incident)));
		const out: OpenOrJoinResult[] = new Array(alerts.length);
		for (const r of rows) {
			const i = Number(r.r_ord) - 1;
			const incident = incidents.get(String(r.r_incident_id))!;
			out[i] =
				r.r_duplicate === true && alerts[i].reclaimed
					? {
							incident,
							is_new: r.r_joined_new === true,
							aggregated: r.r_joined_new !== true,
							duplicate: false,
							escalation_changed: r.r_joined_escalated === true,
							superseded_incident_id: null,
							replayed: true,
						}
					: {
							incident,
							is_new: r.r_is_new === true,
							aggregated: r.r_aggregated === true,
							duplicate: r.r_duplicate === true,
							escalation_changed: r.r_escalation_changed === true,
							superseded_incident_id: (r.r_superseded as string | null) ?? null,
							replayed: false,
						};
		}
		return out;
	}

	/** Marks resolved alerts in their key's open incident; results in input order. */
	async resolveAlerts(
		alerts: ResolvedAlertInput[],
		now: number,
	): Promise<(ResolveResult | Error)[]> {
		if (alerts.length === 0) return [];
		return confinedToKeys(alerts, (subset) => this.resolveBatch(subset, now), unreadableKey);
	}

	private async resolveBatch(alerts: ResolvedAlertInput[], now: number): Promise<ResolveResult[]> {
		const { keys, counts, order } = byKeySorted(alerts);
		const rows = await this.query(
			`select * from ${this.fn('resolve_alerts')}($1::text[], $2::int[], $3::text[], $4::bigint)`,
			[keys, counts, order.map((i) => alerts[i].fingerprint), now],
		);
		const out: ResolveResult[] = new Array(alerts.length);
		for (const r of rows) {
			out[order[Number(r.r_ord) - 1]] = {
				incident: r.r_incident ? incidentFromJson(asJson(r.r_incident)) : null,
				alert_found: r.r_alert_found === true,
				resolved_now: r.r_resolved_now === true,
			};
		}
		return out;
	}

	/** Acknowledges open incidents; results in input order, null for an unknown id. */
	async acknowledge(
		requests: { id: string; by: string }[],
		now: number,
	): Promise<(AcknowledgeResult | null)[]> {
		const rows = await this.query(
			`with req as (
				select distinct on (id) id, by from unnest($1::uuid[], $2::text[]) as r(id, by)
			), upd as (
				update "${this.schema}".incidents c set status = 'acknowledged', acknowledged_by = req.by,
					acknowledged_at = to_timestamp($3::bigint / 1000.0), updated_at = to_timestamp($3::bigint / 1000.0)
				from req where c.id = req.id and c.status = 'open'
				returning c.*
			)
			select u.id::text as id, ${this.fn('incident_json')}(row(u.*)::"${this.schema}".incidents) as incident, true as changed from upd u
			union all
			select c.id::text, ${this.fn('incident_json')}(c), false from "${this.schema}".incidents c
			where c.id in (select id from req) and c.id not in (select id from upd)`,
			[requests.map((r) => r.id), requests.map((r) => r.by), now],
		);
		const found = new Map(rows.map((r) => [String(r.id), r]));
		return requests.map((req) => {
			const r = found.get(req.id);
			return r
				? { incident: incidentFromJson(asJson(r.incident)), changed: r.changed === true }
				: null;
		});
	}

	async get(ids: string[]): Promise<(Incident | null)[]> {
		const rows = await this.query(
			`select c.id::text as id, ${this.fn('incident_json')}(c) as incident
			from "${this.schema}".incidents c where c.id = any($1::uuid[])`,
			[ids],
		);
		const found = new Map(rows.map((r) => [String(r.id), incidentFromJson(asJson(r.incident))]));
		return ids.map((id) => found.get(id) ?? null);
	}

	/** Incidents by status and key, most recently seen first. */
	async list(q: ListQuery): Promise<Incident[]> {
		if (!(Number.isInteger(q.limit) && q.limit >= 1 && q.limit <= 1000)) {
			throw new InvalidInputError(
				`limit must be a whole number from 1 to 1000, got ${q.limit}`,
				'limit',
			);
		}
		const rows = await this.query(
			`select ${this.fn('incident_json')}(c) as incident from "${this.schema}".incidents c
			where ($1::text = 'any' or ($1 = 'open' and c.status <> 'resolved') or ($1 = 'resolved' and c.status = 'resolved'))
				and ($2::text is null or c.anomaly_key = $2)
			order by c.last_seen_at desc, c.created_at desc
			limit $3::int`,
			[q.status, q.anomaly_key ?? null, q.limit],
		);
		return rows.map((r) => incidentFromJson(asJson(r.incident)));
	}

	/** Records repair results on incidents; results in input order, null for an unknown id. */
	async recordRepairResults(
		inputs: RepairResultInput[],
		now: number,
	): Promise<(RepairResultOutcome | null)[]> {
		const rows = await this.query(
			`select * from ${this.fn('record_repair_results')}($1::uuid[], $2::text[], $3::boolean[], $4::text[], $5::text[], $6::text, $7::bigint)`,
			[
				inputs.map((x) => x.incident_id),
				inputs.map((x) => x.action),
				inputs.map((x) => x.success),
				inputs.map((x) => x.outcome_id ?? null),
				inputs.map((x) => JSON.stringify(x.details ?? null)),
				new Date(now).toISOString(),
				now,
			],
		);
		const out: (RepairResultOutcome | null)[] = new Array(inputs.length).fill(null);
		for (const r of rows) {
			if (r.r_found !== true) continue;
			out[Number(r.r_ord) - 1] = {
				incident: incidentFromJson(asJson(r.r_incident)),
				recorded: r.r_recorded === true,
				duplicate: r.r_recorded !== true,
			};
		}
		return out;
	}

	/**
	 * Resolves incidents that received no alert for `quietMinutes` (Alertmanager may never send
	 * "resolved": silenced alerts, send_resolved: false). Incidents being written right now are
	 * skipped (they are not quiet).
	 */
	async resolveStale(opts: {
		now: number;
		quietMinutes: number;
		skipFiring: boolean;
	}): Promise<Incident[]> {
		if (!(opts.quietMinutes > 0)) {
			throw new InvalidInputError(
				`quiet period must be more than 0 minutes, got ${opts.quietMinutes}`,
				'quietMinutes',
			);
		}
		const s = this.schema;
		const rows = await this.query(
			`with stale as (
				select c.id from "${s}".incidents c
				where c.status <> 'resolved' and c.last_seen_at < to_timestamp(($1::bigint - $2::bigint) / 1000.0)
					and (not $3::boolean or not exists (select 1 from "${s}".incident_alerts a
						where a.incident_id = c.id and a.status = 'firing'))
				order by c.anomaly_key
				for update skip locked
			)
			update "${s}".incidents c set status = 'resolved', resolved_at = to_timestamp($1::bigint / 1000.0),
				updated_at = to_timestamp($1::bigint / 1000.0), resolution_reason = $4::text
			from stale where c.id = stale.id
			returning ${this.fn('incident_json')}(c) as incident`,
			[
				opts.now,
				Math.round(opts.quietMinutes * 60_000),
				opts.skipFiring,
				`stale: no alert for more than ${opts.quietMinutes} minutes`,
			],
		);
		return rows.map((r) => incidentFromJson(asJson(r.incident)));
	}
}

export type { IncidentStatus };
