// Escalation levels from the 24-hour occurrence count (REPEAT ≥ 3, ESCALATE ≥ 5,
// PERMANENT_FIX ≥ 10 by default; thresholds are node parameters).
import { InvalidInputError } from '../errors';

export type EscalationLevel = 'REPEAT' | 'ESCALATE' | 'PERMANENT_FIX';

export const ESCALATION_ORDER: readonly (EscalationLevel | null)[] = [
	null,
	'REPEAT',
	'ESCALATE',
	'PERMANENT_FIX',
];

export interface EscalationThresholds {
	repeat: number;
	escalate: number;
	permanentFix: number;
}

export const DEFAULT_THRESHOLDS: EscalationThresholds = {
	repeat: 3,
	escalate: 5,
	permanentFix: 10,
};

export function validateThresholds(t: EscalationThresholds): EscalationThresholds {
	for (const [name, value] of Object.entries(t)) {
		if (!Number.isInteger(value) || value < 1) {
			throw new InvalidInputError(
				`threshold ${name} must be a whole number ≥ 1, got ${value}`,
				name,
			);
		}
	}
	if (!(t.repeat <= t.escalate && t.escalate <= t.permanentFix)) {
		throw new InvalidInputError(
			`thresholds must rise: REPEAT (${t.repeat}) ≤ ESCALATE (${t.escalate}) ≤ PERMANENT_FIX (${t.permanentFix})`,
			'thresholds',
		);
	}
	return t;
}

export function escalationLevel(
	count24h: number,
	t: EscalationThresholds = DEFAULT_THRESHOLDS,
): EscalationLevel | null {
	if (count24h >= t.permanentFix) return 'PERMANENT_FIX';
	if (count24h >= t.escalate) return 'ESCALATE';
	if (count24h >= t.repeat) return 'REPEAT';
	return null;
}

/** 0 for no level, 1 REPEAT, 2 ESCALATE, 3 PERMANENT_FIX: for comparing levels. */
export function escalationRank(level: EscalationLevel | null | undefined): number {
	return ESCALATION_ORDER.indexOf(level ?? null);
}
