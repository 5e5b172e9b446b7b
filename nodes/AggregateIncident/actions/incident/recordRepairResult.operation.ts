import type { IExecuteFunctions, INodeExecutionData } from 'n8n-workflow';
import { updateDisplayOptions } from 'n8n-workflow';

import {
	recordRepairResultItems,
	repairResultInput,
	type Outcome,
	type RepairResultInput,
	type RepairResultOutcome,
} from '../../../../lib/incidents';
import {
	repairActionProperty,
	repairFields,
	repairResultProperties,
} from '../../../shared/repairParameters';
import {
	emitMerged,
	incidentIdProperty,
	incidentJson,
	incidentStore,
	referenceNow,
} from '../common';

export const description = updateDisplayOptions(
	{ show: { resource: ['incident'], operation: ['recordRepairResult'] } },
	[
		incidentIdProperty,
		repairActionProperty,
		...repairResultProperties('among the last 20 attempts of the incident'),
	],
);

export async function execute(this: IExecuteFunctions): Promise<INodeExecutionData[]> {
	const items = this.getInputData();
	const inputs = items.map((_, i): RepairResultInput | Error => {
		try {
			return repairResultInput(
				{ incident_id: this.getNodeParameter('incidentId', i), ...repairFields.call(this, i) },
				i,
			);
		} catch (error) {
			return error as Error;
		}
	});
	let outcomes: Outcome<RepairResultOutcome>[];
	try {
		outcomes = await recordRepairResultItems(
			await incidentStore.call(this),
			inputs,
			referenceNow.call(this),
		);
	} catch (error) {
		outcomes = items.map(() => ({ error: error as Error }));
	}
	return emitMerged(this, outcomes, (r) => ({
		incident: incidentJson(r.incident),
		repair_recorded: r.recorded,
		duplicate: r.duplicate,
	}));
}
