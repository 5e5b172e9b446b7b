// Turns lib outcomes into the item outcomes emitItems takes, merging each result into its
// input item, and applying the "on store error: continue with degraded output" option: an
// item whose store call failed is emitted with `degraded: true` and the reason — never with
// made-up zero counts.
import type { IDataObject, IExecuteFunctions, INodeExecutionData } from 'n8n-workflow';

import { StoreUnavailableError } from '../../lib/errors';
import { emitItems, type ItemOutcome } from './items';

export type LibOutcome<T> = { ok: T } | { error: Error } | { resolved: true };

export type OnStoreError = 'fail' | 'degrade';

export function emitStoreOutcomes<T>(
	ctx: IExecuteFunctions,
	items: INodeExecutionData[],
	outcomes: LibOutcome<T>[],
	toJson: (result: T, item: INodeExecutionData) => IDataObject,
	onStoreError: OnStoreError,
): INodeExecutionData[] {
	const mapped = outcomes.map((o, i): ItemOutcome => {
		if ('resolved' in o) return { json: items[i].json };
		if ('error' in o) {
			if (onStoreError === 'degrade' && o.error instanceof StoreUnavailableError) {
				return { json: { ...items[i].json, degraded: true, degraded_reason: o.error.message } };
			}
			return { error: o.error };
		}
		return { json: toJson(o.ok, items[i]) };
	});
	return emitItems.call(ctx, mapped);
}

/** The outcome for every item when the store could not even be opened (or was refused). */
export function failAll<T>(count: number, error: Error): LibOutcome<T>[] {
	return Array.from({ length: count }, () => ({ error }));
}

/**
 * Runs `run` on the inputs that were read without error and puts the results back in item
 * order; an input that is an Error stays that item's error. If `run` throws (the store could
 * not be opened), every valid item gets that error.
 */
export async function forValidInputs<T, R>(
	inputs: (T | Error)[],
	run: (valid: T[]) => Promise<LibOutcome<R>[]>,
): Promise<LibOutcome<R>[]> {
	const valid = inputs.filter((x): x is T => !(x instanceof Error));
	let results: LibOutcome<R>[];
	try {
		results = valid.length ? await run(valid) : [];
	} catch (error) {
		results = failAll(valid.length, error as Error);
	}
	let r = 0;
	return inputs.map((x) => (x instanceof Error ? { error: x } : results[r++]));
}
