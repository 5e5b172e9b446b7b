import type { IExecuteFunctions, INodeExecutionData } from 'n8n-workflow';
import { updateDisplayOptions } from 'n8n-workflow';

import {
	recordRepairOutcomes,
	repairOutcomeInput,
	type RepairOutcomeInput,
} from '../../../../lib/anomaly';
import { itemKeys } from '../../../shared/itemParameters';
import {
	repairActionProperty,
	repairFields,
	repairResultProperties,
} from '../../../shared/repairParameters';
import { emitStoreOutcomes, forValidInputs } from '../../../shared/storeOutput';
import { anomalyKeyProperty, anomalyStore, onStoreError, referenceNow } from '../common';

export const description = updateDisplayOptions(
	{ show: { resource: ['repair'], operation: ['recordOutcome'] } },
	[anomalyKeyProperty, repairActionProperty, ...repairResultProperties('for this signature')],
);

export async function execute(this: IExecuteFunctions): Promise<INodeExecutionData[]> {
	const items = this.getInputData();
	const now = referenceNow.call(this);
	const inputs = itemKeys.call(this, 'anomalyKey').map((key, i): RepairOutcomeInput | Error => {
		if (key instanceof Error) return key;
		try {
			return repairOutcomeInput({ anomaly_key: key, ...repairFields.call(this, i) }, i, now);
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
