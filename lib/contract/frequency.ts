// The frequency section, written by Record Anomaly's Record Occurrence: the key's counts and
// escalation in `frequency`, and the verdict on this occurrence beside it (the fields the shipped
// workflows branch on). An item Record Anomaly could not count carries `degraded` instead.
import type { EscalationLevel, FrequencyStats, OccurrenceRecord, RefiredOutcome } from '../anomaly';
import { isRecord, itemError, type Json } from './fields';

export interface FrequencySection {
	frequency: FrequencyStats;
	/** The occurrence was recorded before (a re-delivery, an HA replica): nothing changed. */
	duplicate: boolean;
	/** startsAt is older than the retention: not counted. */
	expired: boolean;
	escalation_level: EscalationLevel | null;
	previous_escalation_level: EscalationLevel | null;
	/** This occurrence moved the key into a higher escalation level. */
	escalation_crossed: boolean;
	refired_outcomes: RefiredOutcome[];
}

/** What a store failure leaves instead, when the node is set to continue. */
export interface DegradedSection {
	degraded: true;
	degraded_reason: string;
}

const LEVELS: readonly EscalationLevel[] = ['REPEAT', 'ESCALATE', 'PERMANENT_FIX'];

export function writeFrequency<T extends Json>(json: T, r: OccurrenceRecord): T & FrequencySection {
	return {
		...json,
		duplicate: r.duplicate,
		expired: r.expired,
		escalation_level: r.escalation_level,
		previous_escalation_level: r.previous_escalation_level,
		escalation_crossed: r.escalation_crossed,
		frequency: { ...r.frequency },
		refired_outcomes: r.refired_outcomes.map((o) => ({ ...o })),
	};
}

export function writeDegraded<T extends Json>(json: T, reason: string): T & DegradedSection {
	return { ...json, degraded: true, degraded_reason: reason };
}

function count(f: Json, name: string, itemIndex: number): number {
	const v = f[name] ?? 0;
	if (typeof v !== 'number' || !Number.isFinite(v) || v < 0) {
		throw itemError(itemIndex, `frequency.${name}`, `must be a count, got ${JSON.stringify(v)}`);
	}
	return v;
}

/** The frequency stats on the item; null when Record Anomaly did not count it (or none ran). */
export function readFrequency(json: Json, itemIndex: number): FrequencyStats | null {
	if (json.degraded === true || json.frequency === undefined || json.frequency === null)
		return null;
	const f = json.frequency;
	if (!isRecord(f)) throw itemError(itemIndex, 'frequency', 'must be an object');
	const level = f.escalation_level ?? null;
	if (level !== null && !LEVELS.includes(level as EscalationLevel)) {
		throw itemError(
			itemIndex,
			'frequency.escalation_level',
			`must be one of ${LEVELS.join(', ')} or null, got ${JSON.stringify(level)}`,
		);
	}
	const text = (name: string) => (typeof f[name] === 'string' ? (f[name] as string) : null);
	return {
		anomaly_key: text('anomaly_key') ?? '',
		count_1h: count(f, 'count_1h', itemIndex),
		count_24h: count(f, 'count_24h', itemIndex),
		count_7d: count(f, 'count_7d', itemIndex),
		count_30d: count(f, 'count_30d', itemIndex),
		first_seen: text('first_seen'),
		last_seen: text('last_seen'),
		escalation_level: level as EscalationLevel | null,
		repair_count: count(f, 'repair_count', itemIndex),
		restart_count: count(f, 'restart_count', itemIndex),
		permanent_fix_applied: f.permanent_fix_applied === true,
		permanent_fix_at: text('permanent_fix_at'),
		permanent_fix_description: text('permanent_fix_description'),
		recurred_after_fix: f.recurred_after_fix === true,
	};
}
