import type { IExecuteFunctions, INodeExecutionData } from 'n8n-workflow';
import { updateDisplayOptions } from 'n8n-workflow';

import {
	recordRepairOutcomes,
	repairOutcomeInput,
	type RepairOutcomeInput,
} from '../../../../lib/anomaly';
import { itemKeys } from '../../../shared/itemParameters';
import { emitStoreOutcomes, forValidInputs } from '../../../shared/storeOutput';
import {
	actionProperty,
	anomalyKeyProperty,
	anomalyStore,
	onStoreError,
	referenceNow,
} from '../common';

export const description = updateDisplayOptions(
	{ show: { resource: ['repair'], operation: ['recordOutcome'] } },
	[
		anomalyKeyProperty,
		actionProperty,
		{
			displayName: 'Success',
			name: 'success',
			type: 'boolean',
			default: false,
			description:
				"Whether the repair worked (verified, and the signature did not fire again within the verification window); usually an expression reading the repair's result",
		},
		{
			displayName: 'Outcome ID',
			name: 'outcomeId',
			type: 'string',
			default: '',
			placeholder: 'e.g. exec-1234-restart',
			description:
				'Makes recording idempotent: an outcome ID already recorded for this signature changes nothing (a retried execution is not counted twice)',
		},
		{
			displayName: 'Details',
			name: 'details',
			type: 'json',
			default: '{}',
			description:
				'Anything worth keeping with the outcome (before/after values, duration, reason)',
		},
	],
);

export async function execute(this: IExecuteFunctions): Promise<INodeExecutionData[]> {
	const items = this.getInputData();
	const now = referenceNow.call(this);
	const inputs = itemKeys.call(this, 'anomalyKey').map((key, i): RepairOutcomeInput | Error => {
		if (key instanceof Error) return key;
		try {
			return repairOutcomeInput(
				{
					anomaly_key: key,
					action: this.getNodeParameter('action', i, ''),
					success: this.getNodeParameter('success', i),
					outcome_id: this.getNodeParameter('outcomeId', i, ''),
					details: this.getNodeParameter('details', i, '{}'),
				},
				i,
				now,
			);
		} catch (error) {
			return error as Error;
		}
	});
	const outcomes = await forValidInputs(inputs, async (valid) =>
		recordRepairOutcomes(await anomalyStore.call(this), valid),
	);
	return emitStoreOutcomes(
		this,
		items,
		outcomes,
		(recorded, item) => ({ ...item.json, repair_outcome: { ...recorded } }),
		onStoreError.call(this),
	);
}
