import type { IExecuteFunctions, INodeExecutionData } from 'n8n-workflow';
import { updateDisplayOptions } from 'n8n-workflow';

import { markPermanentFixes } from '../../../../lib/anomaly';
import { itemKeys } from '../../../shared/itemParameters';
import { emitStoreOutcomes, forValidInputs } from '../../../shared/storeOutput';
import { anomalyKeyProperty, anomalyStore, onStoreError, referenceNow } from '../common';

export const description = updateDisplayOptions(
	{ show: { resource: ['anomaly'], operation: ['markPermanentFix'] } },
	[
		anomalyKeyProperty,
		{
			displayName: 'Description',
			name: 'fixDescription',
			type: 'string',
			typeOptions: { rows: 3 },
			default: '',
			placeholder: 'Raised the connection pool and fixed the leak in v2.3.1',
			description:
				'What was changed; if the signature fires again afterwards, incidents go to tier 4 (architecture)',
		},
	],
);

export async function execute(this: IExecuteFunctions): Promise<INodeExecutionData[]> {
	const items = this.getInputData();
	const keys = itemKeys.call(this, 'anomalyKey');
	const marks = keys.map((k, i) =>
		k instanceof Error
			? k
			: { anomaly_key: k, description: String(this.getNodeParameter('fixDescription', i, '')) },
	);
	const outcomes = await forValidInputs(marks, async (valid) =>
		markPermanentFixes(await anomalyStore.call(this), valid, referenceNow.call(this)),
	);
	return emitStoreOutcomes(
		this,
		items,
		outcomes,
		(fix, item) => ({ ...item.json, permanent_fix: { ...fix } }),
		onStoreError.call(this),
	);
}
