// Guardrails kept in a store, per workload ("target") and per target+action: a lease so one
// target is repaired by one execution at a time, cooldown and rate limit, exponential backoff
// after failures, and a breaker that hands the target to a human after consecutive failures.
// The store (Redis or SQL) decides each admission atomically; this module holds the rules, the
// interface and the words.
import { InvalidInputError } from '../errors';
import type { RepairAction } from './actions';

export const MINUTE_MS = 60_000;
export const HOUR_MS = 60 * MINUTE_MS;
export const DAY_MS = 24 * HOUR_MS;

export interface GuardRules {
	/** How long a lease lives if its holder never releases it (crash); ≥ the longest repair. */
	leaseTtlMs: number;
	/** Minimum time between two attempts of the same action on the same target. */
	cooldownMs: number;
	/** At most this many attempts of one action on one target per hour. */
	maxPerHour: number;
	/** First backoff after a failure; doubles with each consecutive failure of the action. */
	backoffBaseMs: number;
	backoffMaxMs: number;
	/** Consecutive failed repairs of a target that open its breaker. */
	breakerThreshold: number;
	/** How long an open breaker refuses every repair of the target. */
	breakerOpenMs: number;
	/** At most this many memory raises per workload per `raiseWindowMs` (then PERMANENT_FIX). */
	maxMemoryRaises: number;
	raiseWindowMs: number;
}

export const DEFAULT_GUARD_RULES: GuardRules = {
	leaseTtlMs: 15 * MINUTE_MS,
	cooldownMs: 5 * MINUTE_MS,
	maxPerHour: 3,
	backoffBaseMs: MINUTE_MS,
	backoffMaxMs: 30 * MINUTE_MS,
	breakerThreshold: 3,
	breakerOpenMs: HOUR_MS,
	maxMemoryRaises: 2,
	raiseWindowMs: 7 * DAY_MS,
};

/** Attempts are kept this long (the longest window any rule looks at, plus a day). */
export const ATTEMPT_RETENTION_MS = 8 * DAY_MS;

export function validateGuardRules(r: GuardRules): GuardRules {
	const whole = (v: number, field: string, min: number) => {
		if (!Number.isInteger(v) || v < min) {
			throw new InvalidInputError(`${field} must be a whole number ≥ ${min}, got ${v}`, field);
		}
	};
	whole(r.leaseTtlMs, 'leaseTtl', 1000);
	whole(r.cooldownMs, 'cooldown', 0);
	whole(r.maxPerHour, 'maxPerHour', 1);
	whole(r.backoffBaseMs, 'backoffBase', 0);
	whole(r.backoffMaxMs, 'backoffMax', 0);
	whole(r.breakerThreshold, 'breakerThreshold', 1);
	whole(r.breakerOpenMs, 'breakerOpen', 0);
	whole(r.maxMemoryRaises, 'maxMemoryRaises', 0);
	whole(r.raiseWindowMs, 'raiseWindow', 1);
	return r;
}

/** A count window an admission checks: at most `max` attempts in the last `ms`. */
export interface AttemptWindow {
	ms: number;
	max: number;
}

/** The windows for an action: the hourly rate limit, and for memory raises the 7-day cap. */
export function attemptWindows(action: RepairAction, rules: GuardRules): AttemptWindow[] {
	const windows = [{ ms: HOUR_MS, max: rules.maxPerHour }];
	if (action === 'raise_memory')
		windows.push({ ms: rules.raiseWindowMs, max: rules.maxMemoryRaises });
	return windows;
}

export interface AdmitRequest {
	target: string;
	action: RepairAction;
	/** ms since the epoch: the caller's (controllable) clock */
	now: number;
	cooldownMs: number;
	windows: AttemptWindow[];
	/** Record the attempt when admitted (false: only check, as a dry run does). */
	record: boolean;
	attemptId: string;
}

export type AdmitResult =
	| { ok: true }
	| { ok: false; code: 'breaker_open'; until: number; failures: number }
	| { ok: false; code: 'backoff'; until: number; failures: number }
	| { ok: false; code: 'cooldown'; until: number; last: number }
	| { ok: false; code: 'window'; until: number; count: number; window: number };

export interface LeaseResult {
	acquired: boolean;
	/** The holder now (this caller when acquired); empty when unknown. */
	holder: string;
	/** ms since the epoch; 0 when unknown */
	expiresAt: number;
}

export interface ResultRules {
	backoffBaseMs: number;
	backoffMaxMs: number;
	breakerThreshold: number;
	breakerOpenMs: number;
}

/** The guard state after a result was recorded. */
export interface GuardState {
	/** Consecutive failed repairs of the target (any action). */
	targetFailures: number;
	/** Consecutive failures of this action on the target. */
	actionFailures: number;
	/** ms; 0 when no backoff applies */
	retryAfter: number;
	/** ms; 0 when the breaker is closed */
	breakerUntil: number;
}

export interface GuardStore {
	readonly description: string;
	/** Takes the target's lease for `holder` unless another holder's lease is still live. */
	acquireLease(target: string, holder: string, now: number, ttlMs: number): Promise<LeaseResult>;
	/** Releases the lease if `holder` still holds it. */
	releaseLease(target: string, holder: string): Promise<boolean>;
	/** Checks breaker, backoff, cooldown and windows, and records the attempt, in one step. */
	admit(request: AdmitRequest): Promise<AdmitResult>;
	/** Records whether the attempt worked: resets or advances backoff and breaker. */
	recordResult(
		target: string,
		action: RepairAction,
		success: boolean,
		now: number,
		rules: ResultRules,
	): Promise<GuardState>;
}

/** Exponential backoff after the n-th consecutive failure (n ≥ 1). */
export function backoffDelay(
	failures: number,
	rules: Pick<ResultRules, 'backoffBaseMs' | 'backoffMaxMs'>,
): number {
	if (failures < 1) return 0;
	return Math.min(rules.backoffMaxMs, rules.backoffBaseMs * 2 ** Math.min(failures - 1, 30));
}

export type GuardCode =
	| 'lease_held'
	| 'breaker_open'
	| 'backoff'
	| 'cooldown'
	| 'rate_limit'
	| 'raise_limit';

export interface GuardRefusal {
	code: GuardCode;
	reason: string;
	/** ISO time when the guard lets this repair through again, when known */
	until?: string;
	/** A person should look: the breaker is open, or memory keeps running out. */
	needs_human?: boolean;
	/** The memory raise limit was reached: a code fix, not more memory, is needed. */
	permanent_fix?: boolean;
}

const iso = (ms: number) => new Date(ms).toISOString();

function duration(ms: number): string {
	if (ms % DAY_MS === 0) return `${ms / DAY_MS} day${ms === DAY_MS ? '' : 's'}`;
	if (ms % HOUR_MS === 0) return `${ms / HOUR_MS} hour${ms === HOUR_MS ? '' : 's'}`;
	if (ms % MINUTE_MS === 0) return `${ms / MINUTE_MS} min`;
	return `${Math.round(ms / 1000)} s`;
}

export function leaseRefusal(lease: LeaseResult, target: string): GuardRefusal {
	return {
		code: 'lease_held',
		reason: `lease held: another execution${lease.holder ? ` (${lease.holder})` : ''} is repairing ${target}`,
		until: lease.expiresAt ? iso(lease.expiresAt) : undefined,
	};
}

/** The refusal an admission result means, in words; undefined when admitted. */
export function admitRefusal(
	result: AdmitResult,
	request: Pick<AdmitRequest, 'action' | 'windows'>,
	rules: Pick<GuardRules, 'breakerThreshold'>,
): GuardRefusal | undefined {
	if (result.ok) return undefined;
	const until = iso(result.until);
	switch (result.code) {
		case 'breaker_open':
			return {
				code: 'breaker_open',
				reason: `breaker open: ${result.failures} consecutive failed repairs (threshold ${rules.breakerThreshold}); automatic repair of this workload is off until ${until} — a person should look`,
				until,
				needs_human: true,
			};
		case 'backoff':
			return {
				code: 'backoff',
				reason: `backoff: ${request.action} failed ${result.failures} time(s) in a row; next attempt allowed at ${until}`,
				until,
			};
		case 'cooldown':
			return {
				code: 'cooldown',
				reason: `cooldown: ${request.action} was attempted at ${iso(result.last)}; next attempt allowed at ${until}`,
				until,
			};
		case 'window': {
			const w = request.windows[result.window];
			if (request.action === 'raise_memory' && result.window === 1) {
				return {
					code: 'raise_limit',
					reason: `PERMANENT_FIX: probable memory leak — memory was already raised ${result.count} time(s) in ${duration(w.ms)} (limit ${w.max}); raising it again would hide the leak`,
					until,
					needs_human: true,
					permanent_fix: true,
				};
			}
			return {
				code: 'rate_limit',
				reason: `rate limit: ${result.count} ${request.action} attempt(s) in the last ${duration(w.ms)} (limit ${w.max}); next allowed at ${until}`,
				until,
			};
		}
	}
}
