// Where a batch of repair results is written, by default all three: Record Anomaly's outcome
// history (the success rates and the skip gate learn from it), the incident's repair stats,
// and the audit table. One round trip per store for the whole batch. A write that fails after a
// repair was made does not undo or hide the repair: it is reported next to it.
import { recordRepairOutcomes, type AnomalyStore } from '../anomaly';
import { incidentId, type SqlIncidentStore } from '../incidents';
import type { SqlStore } from '../store';
import { writeAudit, type AuditEntry } from './audit';
import type { RepairRequest, RepairResult } from './engine';

/** The incident side (Aggregate Incident's store): adds each repair to its incident's stats. */
export interface IncidentRepairRecorder {
	recordRepairs(
		repairs: {
			incident_id: string;
			action: string;
			success: boolean;
			at: number;
			attempt_id: string;
			details: unknown;
		}[],
	): Promise<(boolean | Error)[]>;
}

/** The recorder over lib/incidents: one statement for the batch; an unknown incident is an error. */
export function incidentRecorder(store: SqlIncidentStore): IncidentRepairRecorder {
	return {
		async recordRepairs(repairs) {
			const inputs = repairs.map((r) => {
				try {
					return { ...r, incident_id: incidentId(r.incident_id, 0) };
				} catch {
					return new Error(`${JSON.stringify(r.incident_id)} is not an incident id (a UUID)`);
				}
			});
			const valid = inputs.filter(
				(x): x is Exclude<(typeof inputs)[number], Error> => !(x instanceof Error),
			);
			const results = valid.length
				? await store.recordRepairResults(
						valid.map((r) => ({
							incident_id: r.incident_id,
							action: r.action,
							success: r.success,
							outcome_id: r.attempt_id,
							details: r.details,
						})),
						Math.max(...valid.map((r) => r.at)),
					)
				: [];
			let k = 0;
			return inputs.map((x) => {
				if (x instanceof Error) return x;
				const r = results[k++];
				return r ? r.recorded || r.duplicate : new Error(`incident ${x.incident_id} not found`);
			});
		},
	};
}

export interface RecordTargets {
	anomaly?: AnomalyStore;
	incidents?: IncidentRepairRecorder;
	audit?: { sql: SqlStore; schema: string };
}

/** Per result: true written, false not applicable, or the error's message. */
export interface RecordStatus {
	outcome: boolean | string;
	incident: boolean | string;
	audit: boolean | string;
}

/** A performed repair (succeeded or failed) is an outcome; skips and dry runs are not. */
export function isOutcome(r: RepairResult): boolean {
	return r.status === 'succeeded' || r.status === 'failed';
}

function auditEntry(req: RepairRequest, r: RepairResult): AuditEntry {
	return {
		at: Date.parse(r.finished_at),
		who: req.who,
		namespace: r.target.namespace,
		kind: r.target.kind,
		name: r.target.name,
		container: r.target.container || undefined,
		operation: r.operation,
		action: r.action,
		dryRun: r.dry_run,
		why: [req.why, r.plan?.explanation].filter(Boolean).join(' — '),
		anomalyKey: r.anomaly_key ?? undefined,
		incidentId: r.incident_id ?? undefined,
		before: r.change?.before,
		after: r.change?.after,
		result: r.status,
		reason: r.reason,
		durationMs: r.duration_ms,
		details: {
			attempt_id: r.attempt_id,
			code: r.code,
			fields: r.change?.fields,
			deleted: r.change?.deleted,
			verification: r.verification,
			guard: r.guard,
			needs_human: r.needs_human,
			permanent_fix: r.permanent_fix,
		},
	};
}

const message = (e: unknown) => (e instanceof Error ? e.message : String(e));

export async function recordResults(
	batch: { request: RepairRequest; result: RepairResult }[],
	targets: RecordTargets,
): Promise<RecordStatus[]> {
	const status: RecordStatus[] = batch.map(() => ({
		outcome: false,
		incident: false,
		audit: false,
	}));
	const performed = batch
		.map((b, i) => ({ ...b, i }))
		.filter((b) => isOutcome(b.result) && b.result.action);
	const outcomes = performed.filter((o) => o.result.anomaly_key);

	const work: Promise<void>[] = [];
	if (targets.anomaly && outcomes.length) {
		work.push(
			recordRepairOutcomes(
				targets.anomaly,
				outcomes.map(({ result: r }) => ({
					anomaly_key: r.anomaly_key!,
					action: r.action!,
					success: r.status === 'succeeded',
					outcome_id: r.attempt_id,
					at: Date.parse(r.finished_at),
					details: {
						target: r.target,
						before: r.change?.before ?? null,
						after: r.change?.after ?? null,
						reason: r.reason,
						duration_ms: r.duration_ms,
					},
				})),
			).then(
				(written) =>
					written.forEach(
						(w, j) => (status[outcomes[j].i].outcome = 'ok' in w ? true : message(w.error)),
					),
				(e) => outcomes.forEach((o) => (status[o.i].outcome = message(e))),
			),
		);
	}
	const forIncidents = performed.filter((o) => o.result.incident_id);
	if (targets.incidents && forIncidents.length) {
		work.push(
			targets.incidents
				.recordRepairs(
					forIncidents.map(({ result: r }) => ({
						incident_id: r.incident_id!,
						action: r.action!,
						success: r.status === 'succeeded',
						at: Date.parse(r.finished_at),
						attempt_id: r.attempt_id,
						details: {
							target: r.target,
							reason: r.reason,
							before: r.change?.before ?? null,
							after: r.change?.after ?? null,
						},
					})),
				)
				.then(
					(written) =>
						written.forEach(
							(w, j) => (status[forIncidents[j].i].incident = w instanceof Error ? w.message : w),
						),
					(e) => forIncidents.forEach((o) => (status[o.i].incident = message(e))),
				),
		);
	}
	if (targets.audit && batch.length) {
		work.push(
			writeAudit(
				targets.audit.sql,
				targets.audit.schema,
				batch.map((b) => auditEntry(b.request, b.result)),
			).then(
				() => batch.forEach((_, i) => (status[i].audit = true)),
				(e) => batch.forEach((_, i) => (status[i].audit = message(e))),
			),
		);
	}
	await Promise.all(work);
	return status;
}
