// The repair section, written by Repair Action: what it did to the item's workload and why,
// and where the outcome was recorded.
import type { RepairResult } from '../repair/engine';
import type { RecordStatus } from '../repair/record';
import { isRecord, itemError, type Json } from './fields';

export type RepairSection = {
	repair: (RepairResult & { recorded: RecordStatus }) | ResolvedSkip;
};

/** A resolved alert is not repaired: the section says so. */
export interface ResolvedSkip {
	status: 'skipped';
	code: 'resolved';
	reason: string;
	action: null;
}

export function writeRepair<T extends Json>(
	json: T,
	result: RepairResult,
	recorded: RecordStatus,
): T & RepairSection {
	return { ...json, repair: { ...result, recorded } };
}

export function writeResolvedSkip<T extends Json>(json: T): T & RepairSection {
	return {
		...json,
		repair: {
			status: 'skipped',
			code: 'resolved',
			reason: 'the alert is resolved: nothing to repair',
			action: null,
		},
	};
}

/** What the nodes after Repair Action act on. */
export interface RepairRef {
	status: string;
	action: string | null;
	reason: string;
}

/** The item's repair; null when no Repair Action ran. */
export function readRepair(json: Json, itemIndex: number): RepairRef | null {
	const repair = json.repair;
	if (repair === undefined || repair === null) return null;
	if (!isRecord(repair)) throw itemError(itemIndex, 'repair', 'must be an object');
	if (typeof repair.status !== 'string' || repair.status === '') {
		throw itemError(itemIndex, 'repair.status', 'is missing (the result Repair Action output)');
	}
	return {
		status: repair.status,
		action: typeof repair.action === 'string' ? repair.action : null,
		reason: typeof repair.reason === 'string' ? repair.reason : '',
	};
}
