import type { IDataObject, IExecuteFunctions, INodeExecutionData } from 'n8n-workflow';
import { updateDisplayOptions } from 'n8n-workflow';

import { getRepairStats } from '../../../../lib/anomaly';
import { itemKeys } from '../../../shared/itemParameters';
import { emitStoreOutcomes, forValidInputs } from '../../../shared/storeOutput';
import { anomalyKeyProperty, anomalyStore, onStoreError } from '../common';

export const description = updateDisplayOptions(
	{ show: { resource: ['repair'], operation: ['getStats'] } },
	[anomalyKeyProperty],
);

export async function execute(this: IExecuteFunctions): Promise<INodeExecutionData[]> {
	const items = this.getInputData();
	const outcomes = await forValidInputs(itemKeys.call(this, 'anomalyKey'), async (keys) =>
		getRepairStats(await anomalyStore.call(this), keys),
	);
	return emitStoreOutcomes(
		this,
		items,
		outcomes,
		(stats, item) => ({ ...item.json, repair_stats: stats as unknown as IDataObject }),
		onStoreError.call(this),
	);
}
