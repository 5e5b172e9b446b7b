// Aggregate Incident's operations item by item: what each input item becomes (a result, or an
// error naming the field and the item), with one store statement per batch.
import { repairOutcomeInput } from '../anomaly';
import { InvalidInputError } from '../errors';
import { alertInput, type FiringAlertInput, type ResolvedAlertInput } from './alertInput';
import {
	incidentId,
	type AcknowledgeResult,
	type OpenOrJoinResult,
	type RepairResultInput,
	type RepairResultOutcome,
	type ResolveResult,
	type SqlIncidentStore,
} from './incidentStore';
import type { Tier } from './tier';
import type { Incident } from './types';

export type Outcome<T> = { ok: T } | { error: Error };

export type AlertOutcome =
	| { ok: OpenOrJoinResult & { kind: 'firing' } }
	| { ok: ResolveResult & { kind: 'resolved' } }
	| { passThrough: true }
	| { error: Error };

/**
 * Runs a batch call on the inputs that parsed and puts results back in item order; a result that
 * is an Error (a stored record of that item's key could not be used) is that item's error.
 */
async function batched<I, R>(
	inputs: (I | Error)[],
	run: (valid: I[]) => Promise<(R | Error)[]>,
): Promise<Outcome<R>[]> {
	const valid = inputs.filter((x): x is I => !(x instanceof Error));
	let results: (R | Error)[] | Error;
	try {
		results = valid.length ? await run(valid) : [];
	} catch (error) {
		results = error as Error;
	}
	let r = 0;
	return inputs.map((x) => {
		if (x instanceof Error) return { error: x };
		if (results instanceof Error) return { error: results };
		const result = results[r++];
		return result instanceof Error ? { error: result } : { ok: result };
	});
}

function checkedTier(tier: number): Tier {
	if (tier === 1 || tier === 2 || tier === 3 || tier === 4) return tier;
	throw new InvalidInputError(`minimum tier must be 1, 2, 3 or 4, got ${tier}`, 'minimumTier');
}

export interface OpenOrJoinOptions {
	now?: number;
	windowMinutes: number;
	/** What resolved alert items do: resolve their incidents (default) or pass through. */
	resolvedItems: 'resolve' | 'passThrough';
	/**
	 * The lowest tier an occurrence recommends (default 1): a predicted breach or a failed health
	 * check is a tier-2 problem on its first occurrence, before any escalation.
	 */
	minimumTier?: Tier;
}

/**
 * Open or Join for firing items; resolved items resolve their incident's alerts (or pass
 * through). Two statements at most: one for the firing items, one for the resolved ones.
 */
export async function openOrJoinItems(
	store: SqlIncidentStore,
	items: Record<string, unknown>[],
	options: OpenOrJoinOptions,
): Promise<AlertOutcome[]> {
	const now = options.now ?? Date.now();
	const parsed = items.map((json, i) => {
		try {
			return alertInput(json, i);
		} catch (error) {
			return error as Error;
		}
	});
	const minimumTier = checkedTier(options.minimumTier ?? 1);
	const firing = parsed.map((p) =>
		p instanceof Error
			? p
			: p.kind === 'firing'
				? { ...p.alert, tier: Math.max(p.alert.tier, minimumTier) as Tier }
				: null,
	);
	const resolved = parsed.map((p) =>
		p instanceof Error || options.resolvedItems === 'passThrough'
			? null
			: p.kind === 'resolved'
				? p.alert
				: null,
	);
	const firingOut = await batched(
		firing.filter((x): x is FiringAlertInput | Error => x !== null),
		(valid) => store.openOrJoin(valid, { now, windowMinutes: options.windowMinutes }),
	);
	const resolvedOut = await batched(
		resolved.filter((x): x is ResolvedAlertInput => x !== null),
		(valid) => store.resolveAlerts(valid, now),
	);
	let f = 0;
	let r = 0;
	return parsed.map((p, i): AlertOutcome => {
		if (firing[i] !== null) {
			const o = firingOut[f++];
			return 'error' in o ? o : { ok: { ...o.ok, kind: 'firing' } };
		}
		if (resolved[i] !== null) {
			const o = resolvedOut[r++];
			return 'error' in o ? o : { ok: { ...o.ok, kind: 'resolved' } };
		}
		return { passThrough: true };
	});
}

/** Resolve: only resolved alert items count; a firing item is an error naming its status. */
export async function resolveItems(
	store: SqlIncidentStore,
	items: Record<string, unknown>[],
	now = Date.now(),
): Promise<Outcome<ResolveResult>[]> {
	const inputs = items.map((json, i) => {
		try {
			const p = alertInput(json, i);
			if (p.kind !== 'resolved') {
				return new InvalidInputError(
					`Item ${i} is a firing alert; Resolve takes resolved alerts (status "resolved")`,
					'status',
				);
			}
			return p.alert;
		} catch (error) {
			return error as Error;
		}
	});
	return batched(inputs, (valid) => store.resolveAlerts(valid, now));
}

function notFound(id: string): Error {
	return new InvalidInputError(`No incident with id ${id}`, 'incidentId');
}

export async function acknowledgeItems(
	store: SqlIncidentStore,
	requests: ({ id: unknown; by: string } | Error)[],
	now = Date.now(),
): Promise<Outcome<AcknowledgeResult>[]> {
	const inputs = requests.map((r, i) => {
		if (r instanceof Error) return r;
		try {
			return { id: incidentId(r.id, i), by: r.by };
		} catch (error) {
			return error as Error;
		}
	});
	const out = await batched(inputs, (valid) => store.acknowledge(valid, now));
	return out.map((o, i) =>
		'ok' in o && o.ok === null ? { error: notFound((inputs[i] as { id: string }).id) } : o,
	) as Outcome<AcknowledgeResult>[];
}

export async function getItems(
	store: SqlIncidentStore,
	ids: unknown[],
): Promise<Outcome<Incident>[]> {
	const inputs = ids.map((id, i) => {
		try {
			return incidentId(id, i);
		} catch (error) {
			return error as Error;
		}
	});
	const out = await batched(inputs, (valid) => store.get(valid));
	return out.map((o, i) =>
		'ok' in o && o.ok === null ? { error: notFound(inputs[i] as string) } : o,
	) as Outcome<Incident>[];
}

export async function recordRepairResultItems(
	store: SqlIncidentStore,
	inputs: (RepairResultInput | Error)[],
	now = Date.now(),
): Promise<Outcome<RepairResultOutcome>[]> {
	const out = await batched(inputs, (valid) => store.recordRepairResults(valid, now));
	return out.map((o, i) =>
		'ok' in o && o.ok === null
			? { error: notFound((inputs[i] as RepairResultInput).incident_id) }
			: o,
	) as Outcome<RepairResultOutcome>[];
}

/** Validates the fields of a Record Repair Result item. */
export function repairResultInput(
	fields: {
		incident_id: unknown;
		action: unknown;
		success: unknown;
		outcome_id?: unknown;
		details?: unknown;
	},
	itemIndex: number,
): RepairResultInput {
	const incident_id = incidentId(fields.incident_id, itemIndex);
	const o = repairOutcomeInput({ ...fields, anomaly_key: incident_id }, itemIndex, 0);
	return {
		incident_id,
		action: o.action,
		success: o.success,
		outcome_id: o.outcome_id,
		details: o.details,
	};
}
