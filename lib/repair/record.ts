// Where a batch of repair results is written, by default all three: Record Anomaly's outcome
// history (the success rates and the skip gate learn from it), the incident's repair stats,
// and the audit table. One round trip per store for the whole batch. A write that fails after a
// repair was made does not undo or hide the repair: it is reported next to it.
import { recordRepairOutcomes, type AnomalyStore } from '../anomaly';
import type { SqlStore } from '../store';
import { writeAudit, type AuditEntry } from './audit';
import type { RepairRequest, RepairResult } from './engine';

/** The incident side (Aggregate Incident's store): adds one repair to the incident's stats. */
export interface IncidentRepairRecorder {
	recordRepairs(
		repairs: {
			anomaly_key: string;
			incident_id: string | null;
			action: string;
			success: boolean;
			at: number;
			attempt_id: string;
		}[],
	): Promise<(boolean | Error)[]>;
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
	const outcomes = batch
		.map((b, i) => ({ ...b, i }))
		.filter((b) => isOutcome(b.result) && b.result.anomaly_key && b.result.action);

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
	if (targets.incidents && outcomes.length) {
		work.push(
			targets.incidents
				.recordRepairs(
					outcomes.map(({ result: r }) => ({
						anomaly_key: r.anomaly_key!,
						incident_id: r.incident_id,
						action: r.action!,
						success: r.status === 'succeeded',
						at: Date.parse(r.finished_at),
						attempt_id: r.attempt_id,
					})),
				)
				.then(
					(written) =>
						written.forEach(
							(w, j) => (status[outcomes[j].i].incident = w instanceof Error ? w.message : w),
						),
					(e) => outcomes.forEach((o) => (status[o.i].incident = message(e))),
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
