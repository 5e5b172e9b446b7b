// Frequency of an anomaly_key: counts over the sliding windows, first/last seen, escalation,
// repair counts and the permanent-fix flag — and how a batch of occurrences changes them, item by
// item, from one atomic snapshot of each key taken by the store.
import {
	escalationLevel,
	escalationRank,
	type EscalationLevel,
	type EscalationThresholds,
} from './escalation';
import type { OccurrenceInput } from './occurrence';
import type { RefiredOutcome } from './repairs';
import { WINDOWS } from './windows';

/** One key as the store saw it at one moment (inside the same atomic step as the writes). */
export interface KeySnapshot {
	/** Occurrences with startsAt ≥ now − window, for 1h, 24h, 7d, 30d. */
	counts: [number, number, number, number];
	first_seen: number | null;
	last_seen: number | null;
	/** Repair outcomes recorded for the key (the retained history, at most 100). */
	repair_count: number;
	/** Of those, outcomes of a restart action (action name containing "restart"). */
	restart_count: number;
	permanent_fix_at: number | null;
	permanent_fix_description: string | null;
	/** An occurrence started after the permanent fix was marked. */
	recurred_after_fix: boolean;
	/** Stored values of the key that were unreadable and ignored, each naming its record. */
	warnings?: string[];
}

export interface FrequencyStats {
	anomaly_key: string;
	count_1h: number;
	count_24h: number;
	count_7d: number;
	count_30d: number;
	first_seen: string | null;
	last_seen: string | null;
	escalation_level: EscalationLevel | null;
	repair_count: number;
	restart_count: number;
	permanent_fix_applied: boolean;
	permanent_fix_at: string | null;
	permanent_fix_description: string | null;
	recurred_after_fix: boolean;
}

export interface OccurrenceRecord {
	/**
	 * Nothing for this execution to do: the occurrence was handled before, or another execution
	 * holds its claim (a re-delivery, an HA replica). Counts are unchanged.
	 */
	duplicate: boolean;
	/**
	 * Recorded before by an execution that never marked it handled, and its claim expired: this
	 * execution claims it and acts on it as new. Counts are unchanged (it was counted once).
	 */
	reclaimed: boolean;
	/** When this execution's claim on the occurrence ends (ms), or null without a claim. */
	claimed_until: number | null;
	/** startsAt is older than the retention: not counted. */
	expired: boolean;
	previous_escalation_level: EscalationLevel | null;
	escalation_level: EscalationLevel | null;
	/** This occurrence moved the key into a higher escalation level. */
	escalation_crossed: boolean;
	frequency: FrequencyStats;
	/** Successful repair outcomes this occurrence turned into failures ("re-fired"). */
	refired_outcomes: RefiredOutcome[];
	/** Unreadable stored values of the key, ignored or repaired (each names its record). */
	store_warnings: string[];
}

const iso = (ms: number | null) => (ms === null ? null : new Date(ms).toISOString());

export function frequencyStats(
	anomaly_key: string,
	s: KeySnapshot,
	thresholds: EscalationThresholds,
): FrequencyStats {
	return {
		anomaly_key,
		count_1h: s.counts[0],
		count_24h: s.counts[1],
		count_7d: s.counts[2],
		count_30d: s.counts[3],
		first_seen: iso(s.first_seen),
		last_seen: iso(s.last_seen),
		escalation_level: escalationLevel(s.counts[1], thresholds),
		repair_count: s.repair_count,
		restart_count: s.restart_count,
		permanent_fix_applied: s.permanent_fix_at !== null,
		permanent_fix_at: iso(s.permanent_fix_at),
		permanent_fix_description: s.permanent_fix_description,
		recurred_after_fix: s.recurred_after_fix,
	};
}

/** The distinct occurrences of a batch, per key, in first-seen order: what a store writes. */
export function uniqueOccurrences(
	batch: OccurrenceInput[],
	cutoff: number,
): Map<string, OccurrenceInput[]> {
	const byKey = new Map<string, OccurrenceInput[]>();
	const seen = new Set<string>();
	for (const o of batch) {
		// Every key gets an entry, even with only expired occurrences: its items still get counts.
		let list = byKey.get(o.anomaly_key);
		if (!list) byKey.set(o.anomaly_key, (list = []));
		const id = `${o.anomaly_key}\u0000${o.occurrence_id}`;
		if (seen.has(id) || o.at < cutoff) continue;
		seen.add(id);
		list.push(o);
	}
	return byKey;
}

/** What the store reports for one key of a batch: its snapshot before the writes, and which of
 * the key's unique occurrences (in uniqueOccurrences order) were new. */
export interface KeyWrite {
	before: KeySnapshot;
	added: boolean[];
	/** Per unique occurrence: recorded before, claim expired, re-claimed now (counts unchanged). */
	reclaimed?: boolean[];
	/** The lease end of every claim this write took (ms); null without claims. */
	claimed_until?: number | null;
	/** Successful outcomes this write turned into failures (a re-fire in the window). */
	refired?: RefiredOutcome[];
	/** What the write found unreadable and ignored or repaired, each naming its record. */
	warnings?: string[];
}

/**
 * Replays a batch in item order over each key's snapshot: every item gets the counts as they
 * were right after it (so exactly one item reports each escalation crossing), duplicates and
 * expired items get the counts unchanged.
 */
export function sequenceBatch(
	batch: OccurrenceInput[],
	writes: Map<string, KeyWrite>,
	opts: { now: number; cutoff: number; thresholds: EscalationThresholds },
): OccurrenceRecord[] {
	const state = new Map<string, KeySnapshot>();
	const position = new Map<string, number>();
	const seen = new Set<string>();
	return batch.map((o) => {
		const write = writes.get(o.anomaly_key);
		if (!write) throw new Error(`store returned no result for anomaly_key ${o.anomaly_key}`);
		let s = state.get(o.anomaly_key);
		if (!s) {
			s = { ...write.before, counts: [...write.before.counts] };
			state.set(o.anomaly_key, s);
		}
		const before = escalationLevel(s.counts[1], opts.thresholds);
		const id = `${o.anomaly_key}\u0000${o.occurrence_id}`;
		const expired = o.at < opts.cutoff;
		let added = false;
		let reclaimed = false;
		if (!expired && !seen.has(id)) {
			seen.add(id);
			const index = position.get(o.anomaly_key) ?? 0;
			position.set(o.anomaly_key, index + 1);
			added = write.added[index] === true;
			reclaimed = write.reclaimed?.[index] === true;
		}
		if (added) {
			WINDOWS.forEach((w, i) => {
				if (o.at >= opts.now - w.ms) s.counts[i]++;
			});
			s.first_seen = s.first_seen === null ? o.at : Math.min(s.first_seen, o.at);
			s.last_seen = s.last_seen === null ? o.at : Math.max(s.last_seen, o.at);
			if (s.permanent_fix_at !== null && o.at > s.permanent_fix_at) s.recurred_after_fix = true;
		}
		const frequency = frequencyStats(o.anomaly_key, s, opts.thresholds);
		const refired = added
			? (write.refired ?? []).filter((r) => r.occurrence_id === o.occurrence_id)
			: [];
		return {
			duplicate: !added && !reclaimed && !expired,
			reclaimed,
			claimed_until: added || reclaimed ? (write.claimed_until ?? null) : null,
			expired,
			previous_escalation_level: before,
			escalation_level: frequency.escalation_level,
			escalation_crossed: escalationRank(frequency.escalation_level) > escalationRank(before),
			frequency,
			refired_outcomes: refired,
			store_warnings: [...(write.before.warnings ?? []), ...(write.warnings ?? [])],
		};
	});
}
