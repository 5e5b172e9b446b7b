import type { IExecuteFunctions, INodeExecutionData } from 'n8n-workflow';
import { updateDisplayOptions } from 'n8n-workflow';

import { getItems, type Incident, type Outcome } from '../../../../lib/incidents';
import { emitMerged, incidentIdProperty, incidentJson, incidentStore } from '../common';

export const description = updateDisplayOptions(
	{ show: { resource: ['incident'], operation: ['get'] } },
	[incidentIdProperty],
);

export async function execute(this: IExecuteFunctions): Promise<INodeExecutionData[]> {
	const items = this.getInputData();
	let outcomes: Outcome<Incident>[];
	try {
		outcomes = await getItems(
			await incidentStore.call(this),
			items.map((_, i) => this.getNodeParameter('incidentId', i)),
		);
	} catch (error) {
		outcomes = items.map(() => ({ error: error as Error }));
	}
	return emitMerged(this, outcomes, (incident) => ({ incident: incidentJson(incident) }));
}
