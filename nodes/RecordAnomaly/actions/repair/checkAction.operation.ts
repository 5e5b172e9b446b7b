import type { IExecuteFunctions, INodeExecutionData } from 'n8n-workflow';
import { updateDisplayOptions } from 'n8n-workflow';

import { checkActions } from '../../../../lib/anomaly';
import { InvalidInputError } from '../../../../lib/errors';
import { itemKeys } from '../../../shared/itemParameters';
import { repairActionProperty } from '../../../shared/repairParameters';
import { emitStoreOutcomes, forValidInputs } from '../../../shared/storeOutput';
import { anomalyKeyProperty, anomalyStore, onStoreError } from '../common';

export const description = updateDisplayOptions(
	{ show: { resource: ['repair'], operation: ['checkAction'] } },
	[
		anomalyKeyProperty,
		repairActionProperty,
		{
			displayName: 'Minimum Success Rate (%)',
			name: 'minSuccessRate',
			type: 'number',
			typeOptions: { minValue: 0, maxValue: 100 },
			default: 20,
			description: 'Skip the action when it succeeded less often than this for the signature',
		},
		{
			displayName: 'Minimum Attempts',
			name: 'minAttempts',
			type: 'number',
			typeOptions: { minValue: 1 },
			default: 5,
			description: 'Attempts needed before the success rate can skip the action',
		},
	],
);

export async function execute(this: IExecuteFunctions): Promise<INodeExecutionData[]> {
	const items = this.getInputData();
	const requests = itemKeys.call(this, 'anomalyKey').map((key, i) => {
		if (key instanceof Error) return key;
		const action = String(this.getNodeParameter('action', i, '')).trim();
		return action
			? { anomaly_key: key, action }
			: new InvalidInputError(`Item ${i} has no action`, 'action');
	});
	const gate = {
		minSuccessRate: (this.getNodeParameter('minSuccessRate', 0) as number) / 100,
		minAttempts: this.getNodeParameter('minAttempts', 0) as number,
	};
	const outcomes = await forValidInputs(requests, async (valid) =>
		checkActions(await anomalyStore.call(this), valid, gate),
	);
	return emitStoreOutcomes(
		this,
		items,
		outcomes,
		(check, item) => ({ ...item.json, action_check: { ...check } }),
		onStoreError.call(this),
	);
}
