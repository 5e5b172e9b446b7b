// The operations of Record Anomaly over any AnomalyStore, item by item: what each input item
// becomes (a record, a pass-through, or an error naming the field and the item).
import { InvalidInputError } from '../errors';
import { validateThresholds, type EscalationThresholds } from './escalation';
import {
	frequencyStats,
	sequenceBatch,
	uniqueOccurrences,
	type FrequencyStats,
	type KeyWrite,
	type OccurrenceRecord,
} from './frequency';
import { anomalyKeyOf, classifyItem, occurrenceRefOf, type OccurrenceInput } from './occurrence';
import {
	actionStats,
	checkAction,
	DEFAULT_VERIFY_WINDOW_MINUTES,
	validateSkipGate,
	type ActionCheck,
	type ActionStats,
	type RepairOutcomeInput,
	type SkipGate,
} from './repairs';
import type { AnomalyStore, OccurrenceRef } from './store';
import { DAY_MS } from './windows';

export type Outcome<T> = { ok: T } | { error: Error };

export type OccurrenceOutcome = Outcome<OccurrenceRecord> | { resolved: true };

export interface RecordOccurrenceOptions {
	/** ms since the epoch (the clock); default Date.now(). */
	now?: number;
	retentionDays: number;
	thresholds: EscalationThresholds;
	/** Minutes after a successful repair in which a new occurrence makes it a failure; default 30, 0 off. */
	verifyWindowMinutes?: number;
	/**
	 * Seconds a new occurrence stays claimed by this execution until it is marked handled (Mark
	 * Handled); a re-delivery after that re-claims it once. 0 or absent: recorded means handled.
	 */
	claimLeaseSeconds?: number;
	/** ms since the epoch on this worker's clock, for leases; default Date.now(). */
	leaseNow?: number;
}

export const DEFAULT_CLAIM_LEASE_SECONDS = 600;

export function validateClaimLeaseSeconds(seconds: number): number {
	if (!(Number.isFinite(seconds) && seconds >= 1)) {
		throw new InvalidInputError(
			`claim lease must be at least 1 second, got ${seconds}`,
			'claimLeaseSeconds',
		);
	}
	return seconds;
}

export function validateVerifyWindowMinutes(minutes: number): number {
	if (!(Number.isFinite(minutes) && minutes >= 0)) {
		throw new InvalidInputError(
			`verification window must be 0 or more minutes, got ${minutes}`,
			'verifyWindowMinutes',
		);
	}
	return minutes;
}

export function validateRetentionDays(days: number): number {
	if (!(Number.isFinite(days) && days >= 1)) {
		throw new InvalidInputError(`retention must be at least 1 day, got ${days}`, 'retentionDays');
	}
	return days;
}

/**
 * Records the firing items of a batch as occurrences, one store round trip for all of them.
 * Resolved items come back as `{ resolved: true }` (never counted); invalid items as errors.
 */
export async function recordOccurrences(
	store: AnomalyStore,
	items: Record<string, unknown>[],
	options: RecordOccurrenceOptions,
): Promise<OccurrenceOutcome[]> {
	const thresholds = validateThresholds(options.thresholds);
	const now = options.now ?? Date.now();
	const cutoff = now - validateRetentionDays(options.retentionDays) * DAY_MS;
	const outcomes: OccurrenceOutcome[] = new Array(items.length);
	const batch: OccurrenceInput[] = [];
	const positions: number[] = [];
	items.forEach((json, i) => {
		try {
			const c = classifyItem(json, i);
			if (c.kind === 'resolved') outcomes[i] = { resolved: true };
			else {
				batch.push(c.occurrence);
				positions.push(i);
			}
		} catch (error) {
			outcomes[i] = { error: error as Error };
		}
	});
	if (batch.length === 0) return outcomes;

	const verifyWindowMs =
		validateVerifyWindowMinutes(options.verifyWindowMinutes ?? DEFAULT_VERIFY_WINDOW_MINUTES) *
		60_000;
	const leaseMs =
		options.claimLeaseSeconds === undefined || options.claimLeaseSeconds === 0
			? 0
			: validateClaimLeaseSeconds(options.claimLeaseSeconds) * 1000;
	const writes = await store.recordOccurrences(uniqueOccurrences(batch, cutoff), {
		now,
		cutoff,
		verifyWindowMs,
		leaseMs,
		leaseNow: options.leaseNow,
	});
	const ok = new Map<string, KeyWrite>();
	for (const [key, w] of writes) if (!(w instanceof Error)) ok.set(key, w);
	const recordable = batch.filter((o) => ok.has(o.anomaly_key));
	const records = sequenceBatch(recordable, ok, { now, cutoff, thresholds });
	let r = 0;
	batch.forEach((o, j) => {
		const w = writes.get(o.anomaly_key);
		outcomes[positions[j]] =
			w instanceof Error || !w ? { error: w ?? new Error('no result') } : { ok: records[r++] };
	});
	return outcomes;
}

export type ClaimOutcome = Outcome<{ handled: boolean }> | { resolved: true } | { skipped: true };

/**
 * Mark Handled: ends this execution's claim on each item's occurrence, so a later delivery is a
 * duplicate. Resolved items pass (never claimed); items Record Occurrence called duplicates are
 * skipped — their claim, if any, belongs to another execution. One round trip for the batch.
 */
export async function markHandled(
	store: AnomalyStore,
	items: Record<string, unknown>[],
): Promise<ClaimOutcome[]> {
	const outcomes: ClaimOutcome[] = new Array(items.length);
	const refs: OccurrenceRef[] = [];
	const positions: number[] = [];
	items.forEach((json, i) => {
		try {
			if (json.status === 'resolved') outcomes[i] = { resolved: true };
			else if (json.duplicate === true) outcomes[i] = { skipped: true };
			else {
				refs.push(occurrenceRefOf(json, i));
				positions.push(i);
			}
		} catch (error) {
			outcomes[i] = { error: error as Error };
		}
	});
	if (refs.length === 0) return outcomes;
	const results = await store.settleClaims(refs, 'handled');
	positions.forEach((p, j) => {
		const r = results[j];
		outcomes[p] = r instanceof Error ? { error: r } : { ok: { handled: true } };
	});
	return outcomes;
}

/**
 * Ends the lease of occurrences that are claimed but not handled, so their next delivery
 * re-claims them at once. For recovery, when the executions holding them are known to have
 * failed. Per input: true when it was claimed (now released), or the error.
 */
export async function releaseClaims(
	store: AnomalyStore,
	refs: OccurrenceRef[],
): Promise<(boolean | Error)[]> {
	return refs.length ? store.settleClaims(refs, 'release') : [];
}

/** Current frequency of each item's key, nothing recorded. */
export async function getFrequencies(
	store: AnomalyStore,
	keys: string[],
	options: { now?: number; thresholds: EscalationThresholds },
): Promise<Outcome<FrequencyStats>[]> {
	const thresholds = validateThresholds(options.thresholds);
	const snapshots = await store.snapshots([...new Set(keys)], options.now ?? Date.now());
	return keys.map((key) => {
		const s = snapshots.get(key)!;
		return s instanceof Error ? { error: s } : { ok: frequencyStats(key, s, thresholds) };
	});
}

export interface RecordedOutcome {
	anomaly_key: string;
	action: string;
	success: boolean;
	outcome_id: string | null;
	recorded_at: string;
	/** false: this outcome_id was recorded before, nothing changed */
	recorded: boolean;
	duplicate: boolean;
}

export async function recordRepairOutcomes(
	store: AnomalyStore,
	inputs: RepairOutcomeInput[],
): Promise<Outcome<RecordedOutcome>[]> {
	const results = await store.recordOutcomes(inputs);
	return inputs.map((o, i) => {
		const r = results[i];
		if (r instanceof Error) return { error: r };
		return {
			ok: {
				anomaly_key: o.anomaly_key,
				action: o.action,
				success: o.success,
				outcome_id: o.outcome_id ?? null,
				recorded_at: new Date(o.at).toISOString(),
				recorded: r,
				duplicate: !r,
			},
		};
	});
}

export interface RepairStats {
	anomaly_key: string;
	/** outcomes in the retained history (the newest 100 of the key) */
	total: number;
	successes: number;
	success_rate: number;
	actions: Record<string, ActionStats>;
	/** Stored outcomes that were unreadable and left out, each named (absent when none). */
	store_warnings?: string[];
}

export async function getRepairStats(
	store: AnomalyStore,
	keys: string[],
): Promise<Outcome<RepairStats>[]> {
	const histories = await store.outcomeHistory([...new Set(keys)]);
	return keys.map((key) => {
		const h = histories.get(key)!;
		if (h instanceof Error) return { error: h };
		const { outcomes } = h;
		const successes = outcomes.filter((o) => o.success).length;
		return {
			ok: {
				anomaly_key: key,
				total: outcomes.length,
				successes,
				success_rate: outcomes.length ? successes / outcomes.length : 0,
				actions: actionStats(outcomes),
				...(h.warnings.length ? { store_warnings: h.warnings } : {}),
			},
		};
	});
}

export async function checkActions(
	store: AnomalyStore,
	requests: { anomaly_key: string; action: string }[],
	gate: SkipGate,
): Promise<Outcome<ActionCheck>[]> {
	validateSkipGate(gate);
	const histories = await store.outcomeHistory([...new Set(requests.map((r) => r.anomaly_key))]);
	return requests.map((r) => {
		const h = histories.get(r.anomaly_key)!;
		return h instanceof Error
			? { error: h }
			: {
					ok: {
						...checkAction(r.anomaly_key, r.action, h.outcomes, gate),
						...(h.warnings.length ? { store_warnings: h.warnings } : {}),
					},
				};
	});
}

export interface PermanentFix {
	anomaly_key: string;
	description: string;
	marked_at: string;
}

export async function markPermanentFixes(
	store: AnomalyStore,
	marks: { anomaly_key: string; description: string }[],
	now = Date.now(),
): Promise<Outcome<PermanentFix>[]> {
	const results = await store.markPermanentFix(marks.map((m) => ({ ...m, at: now })));
	return marks.map((m, i) => {
		const r = results[i];
		return r instanceof Error
			? { error: r }
			: {
					ok: {
						anomaly_key: m.anomaly_key,
						description: m.description,
						marked_at: new Date(r).toISOString(),
					},
				};
	});
}

export { anomalyKeyOf };
