import type { IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';
import { updateDisplayOptions } from 'n8n-workflow';

import { markHandled, type ClaimOutcome } from '../../../../lib/anomaly';
import { emitStoreOutcomes, failAll } from '../../../shared/storeOutput';
import { anomalyStore, onStoreError } from '../common';

const properties: INodeProperties[] = [
	{
		displayName:
			'Put this at the end of every path a recorded occurrence takes (after its repair and messages): from then on a re-delivery of it is a duplicate. Use the same store and options as Record Occurrence.',
		name: 'notice',
		type: 'notice',
		default: '',
	},
];

export const description = updateDisplayOptions(
	{ show: { resource: ['anomaly'], operation: ['markHandled'] } },
	properties,
);

export async function execute(this: IExecuteFunctions): Promise<INodeExecutionData[]> {
	const items = this.getInputData();
	let outcomes: ClaimOutcome[];
	try {
		outcomes = await markHandled(
			await anomalyStore.call(this),
			items.map((i) => i.json),
		);
	} catch (error) {
		outcomes = failAll(items.length, error as Error);
	}
	// a duplicate's claim belongs to another execution: it passes with handled: false
	const mapped = outcomes.map((o) => ('skipped' in o ? { ok: { handled: false } } : o));
	return emitStoreOutcomes(
		this,
		items,
		mapped,
		(r, item) => ({ ...item.json, handled: r.handled }),
		onStoreError.call(this),
	);
}
