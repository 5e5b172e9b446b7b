// What a store of anomaly state offers. Two implementations with the same behaviour: Redis
// (redisStore.ts: one pipelined batch of Lua scripts per operation) and SQL (sqlStore.ts: one
// statement per operation, on Postgres or the embedded PGlite). Results are per key or per
// input so that a batch cut half-way reports which items failed.
import type { KeySnapshot, KeyWrite } from './frequency';
import type { OccurrenceInput } from './occurrence';
import type { RepairOutcome, RepairOutcomeInput } from './repairs';

export interface RecordOptions {
	/** ms since the epoch: the clock the windows are evaluated at. */
	now: number;
	/** Occurrences that started before this (ms) are pruned and not recorded. */
	cutoff: number;
	/**
	 * Verification window (ms): a new occurrence starting within this time after a successful
	 * repair outcome of the same key turns that outcome into a failure ("re-fired"). 0: off.
	 */
	verifyWindowMs?: number;
	/**
	 * Claims (issue 22): a new occurrence is claimed until `leaseNow + leaseMs` and stays so until
	 * it is marked handled; a re-delivery of one whose claim expired re-claims it (reported
	 * `reclaimed`, never counted again). 0 or absent: no claims, recorded means handled.
	 */
	leaseMs?: number;
	/** ms since the epoch on the worker's clock, for leases (default Date.now()). */
	leaseNow?: number;
}

/** One occurrence named by its key and id (what Mark Handled and Release Claims take). */
export interface OccurrenceRef {
	anomaly_key: string;
	occurrence_id: string;
}

/** A key's repair outcomes, newest first, and warnings naming stored entries that were unreadable. */
export interface OutcomeHistory {
	outcomes: RepairOutcome[];
	warnings: string[];
}

export interface PermanentFixMark {
	anomaly_key: string;
	description: string;
	/** ms since the epoch */
	at: number;
}

export interface AnomalyStore {
	/** e.g. "Redis at 127.0.0.1:6379", for messages. */
	readonly description: string;
	/**
	 * Records each key's unique occurrences (uniqueOccurrences order) atomically per key: the
	 * snapshot before the writes and which occurrences were new, or the error for that key.
	 */
	recordOccurrences(
		byKey: Map<string, OccurrenceInput[]>,
		opts: RecordOptions,
	): Promise<Map<string, KeyWrite | Error>>;
	/** The current snapshot of each key (nothing recorded). */
	snapshots(keys: string[], now: number): Promise<Map<string, KeySnapshot | Error>>;
	/** Appends outcomes (newest last in input order); per input: true recorded, false duplicate. */
	recordOutcomes(outcomes: RepairOutcomeInput[]): Promise<(boolean | Error)[]>;
	/** Each key's retained outcome history, newest first (unreadable entries left out, named). */
	outcomeHistory(keys: string[]): Promise<Map<string, OutcomeHistory | Error>>;
	/**
	 * Ends the claim of each occurrence: `handled` marks it handled (a re-delivery is a
	 * duplicate from now on); `release` expires its lease at once (the next delivery re-claims
	 * it), a no-op for handled ones. Per input: true when it was claimed, or the error.
	 */
	settleClaims(refs: OccurrenceRef[], how: 'handled' | 'release'): Promise<(boolean | Error)[]>;
	/** Marks a permanent fix; per input: the mark's time (ms) or the error. */
	markPermanentFix(marks: PermanentFixMark[]): Promise<(number | Error)[]>;
}

export function emptySnapshot(): KeySnapshot {
	return {
		counts: [0, 0, 0, 0],
		first_seen: null,
		last_seen: null,
		repair_count: 0,
		restart_count: 0,
		permanent_fix_at: null,
		permanent_fix_description: null,
		recurred_after_fix: false,
	};
}

/** The lease end a record with these options gives its claims (ms), or null without claims. */
export function claimEnd(opts: RecordOptions): number | null {
	return opts.leaseMs && opts.leaseMs > 0 ? (opts.leaseNow ?? Date.now()) + opts.leaseMs : null;
}
