import type { IExecuteFunctions, INodeExecutionData } from 'n8n-workflow';
import { updateDisplayOptions } from 'n8n-workflow';

import { getFrequencies } from '../../../../lib/anomaly';
import { itemKeys } from '../../../shared/itemParameters';
import { emitStoreOutcomes, forValidInputs } from '../../../shared/storeOutput';
import {
	anomalyKeyProperty,
	anomalyStore,
	onStoreError,
	referenceNow,
	thresholdProperties,
	thresholds,
} from '../common';

export const description = updateDisplayOptions(
	{ show: { resource: ['anomaly'], operation: ['getFrequency'] } },
	[anomalyKeyProperty, ...thresholdProperties],
);

export async function execute(this: IExecuteFunctions): Promise<INodeExecutionData[]> {
	const items = this.getInputData();
	const outcomes = await forValidInputs(itemKeys.call(this, 'anomalyKey'), async (keys) =>
		getFrequencies(await anomalyStore.call(this), keys, {
			now: referenceNow.call(this),
			thresholds: thresholds.call(this),
		}),
	);
	return emitStoreOutcomes(
		this,
		items,
		outcomes,
		(frequency, item) => ({ ...item.json, frequency: { ...frequency } }),
		onStoreError.call(this),
	);
}
