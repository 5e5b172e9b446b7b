// Repair outcomes per anomaly_key and what they say about each action: attempts, successes,
// success rate, the last outcome, and the skip gate (an action that rarely works for this
// signature is skipped, once there are enough attempts to judge).
import { InvalidInputError } from '../errors';

export interface RepairOutcomeInput {
	anomaly_key: string;
	action: string;
	success: boolean;
	/** Makes recording idempotent: an outcome_id already recorded for the key changes nothing. */
	outcome_id?: string;
	details?: unknown;
	/** ms since the epoch */
	at: number;
}

export interface RepairOutcome {
	action: string;
	success: boolean;
	at: string;
	outcome_id: string | null;
	details: unknown;
	/**
	 * When the same signature fired again within the verification window after this outcome was
	 * recorded as a success (the start of that occurrence): the outcome then counts as a failure.
	 */
	refired_at?: string | null;
}

/** A successful outcome that a new occurrence turned into a failure ("re-fired"). */
export interface RefiredOutcome {
	action: string;
	outcome_id: string | null;
	/** when the outcome was recorded */
	at: string;
	/** the occurrence that fired again, and when it started */
	occurrence_id: string;
	refired_at: string;
}

/** Default verification window: a re-fire within 30 minutes means the repair did not work. */
export const DEFAULT_VERIFY_WINDOW_MINUTES = 30;

export interface ActionStats {
	action: string;
	total: number;
	successes: number;
	failures: number;
	success_rate: number;
	last_success: boolean;
	last_at: string;
	last_details: unknown;
}

/** Actions counted as restarts for the tier rule "≥ 2 restarts → tier 2". */
export function isRestartAction(action: string): boolean {
	return /restart/i.test(action);
}

/** Stats per action over a key's outcome history (newest first). */
export function actionStats(history: RepairOutcome[]): Record<string, ActionStats> {
	const stats: Record<string, ActionStats> = {};
	for (const o of history) {
		let s = stats[o.action];
		if (!s) {
			s = stats[o.action] = {
				action: o.action,
				total: 0,
				successes: 0,
				failures: 0,
				success_rate: 0,
				last_success: o.success,
				last_at: o.at,
				last_details: o.details ?? null,
			};
		}
		s.total++;
		if (o.success) s.successes++;
		else s.failures++;
	}
	for (const s of Object.values(stats)) s.success_rate = s.total ? s.successes / s.total : 0;
	return stats;
}

export interface SkipGate {
	/** Skip when the success rate is below this (0–1); default 0.2. */
	minSuccessRate: number;
	/** …and there are at least this many attempts; default 5. */
	minAttempts: number;
}

export const DEFAULT_SKIP_GATE: SkipGate = { minSuccessRate: 0.2, minAttempts: 5 };

export interface ActionCheck {
	anomaly_key: string;
	action: string;
	skip: boolean;
	reason: string;
	attempts: number;
	successes: number;
	success_rate: number;
	min_success_rate: number;
	min_attempts: number;
	/** Stored outcomes that were unreadable and left out, each named (absent when none). */
	store_warnings?: string[];
}

const pct = (x: number) => `${Math.round(x * 1000) / 10}%`;

export function validateSkipGate(g: SkipGate): SkipGate {
	if (!(g.minSuccessRate >= 0 && g.minSuccessRate <= 1)) {
		throw new InvalidInputError(
			`minimum success rate must be between 0 and 100%`,
			'minSuccessRate',
		);
	}
	if (!Number.isInteger(g.minAttempts) || g.minAttempts < 1) {
		throw new InvalidInputError(`minimum attempts must be a whole number ≥ 1`, 'minAttempts');
	}
	return g;
}

/** Whether `action` should be skipped for this key, with the reason in words. */
export function checkAction(
	anomaly_key: string,
	action: string,
	history: RepairOutcome[],
	gate: SkipGate = DEFAULT_SKIP_GATE,
): ActionCheck {
	const s = actionStats(history)[action];
	const attempts = s?.total ?? 0;
	const successes = s?.successes ?? 0;
	const rate = attempts ? successes / attempts : 0;
	const base = {
		anomaly_key,
		action,
		attempts,
		successes,
		success_rate: rate,
		min_success_rate: gate.minSuccessRate,
		min_attempts: gate.minAttempts,
	};
	if (attempts < gate.minAttempts) {
		return {
			...base,
			skip: false,
			reason: `${action} has ${attempts} recorded attempt(s) for this signature, fewer than ${gate.minAttempts}: not enough to judge`,
		};
	}
	const skip = rate < gate.minSuccessRate;
	return {
		...base,
		skip,
		reason: `${action} succeeded ${successes} of ${attempts} times (${pct(rate)}) for this signature, ${skip ? 'below' : 'not below'} ${pct(gate.minSuccessRate)}`,
	};
}

/** Validates the fields of a Record Repair Outcome item (as n8n parameters deliver them). */
export function repairOutcomeInput(
	fields: {
		anomaly_key: string;
		action: unknown;
		success: unknown;
		outcome_id?: unknown;
		details?: unknown;
	},
	itemIndex: number,
	at: number,
): RepairOutcomeInput {
	const action = typeof fields.action === 'string' ? fields.action.trim() : '';
	if (!action) throw new InvalidInputError(`Item ${itemIndex} has no action`, 'action');
	let success = fields.success;
	if (success === 'true' || success === 'false') success = success === 'true';
	if (typeof success !== 'boolean') {
		throw new InvalidInputError(
			`Item ${itemIndex}: success must be true or false, got ${JSON.stringify(fields.success)}`,
			'success',
		);
	}
	let details = fields.details ?? null;
	if (typeof details === 'string') {
		try {
			details = details.trim() === '' ? null : JSON.parse(details);
		} catch {
			throw new InvalidInputError(`Item ${itemIndex}: details must be JSON`, 'details');
		}
	}
	const id = typeof fields.outcome_id === 'string' ? fields.outcome_id.trim() : '';
	return {
		anomaly_key: fields.anomaly_key,
		action,
		success,
		outcome_id: id || undefined,
		details,
		at,
	};
}
