import type { IExecuteFunctions, INodeExecutionData } from 'n8n-workflow';
import { updateDisplayOptions } from 'n8n-workflow';

import { acknowledgeItems, type AcknowledgeResult, type Outcome } from '../../../../lib/incidents';
import {
	emitMerged,
	incidentIdProperty,
	incidentJson,
	incidentStore,
	referenceNow,
} from '../common';

export const description = updateDisplayOptions(
	{ show: { resource: ['incident'], operation: ['acknowledge'] } },
	[
		incidentIdProperty,
		{
			displayName: 'Acknowledged By',
			name: 'acknowledgedBy',
			type: 'string',
			default: '',
			placeholder: 'alice',
			description: 'Who takes the incident',
		},
	],
);

export async function execute(this: IExecuteFunctions): Promise<INodeExecutionData[]> {
	const items = this.getInputData();
	let outcomes: Outcome<AcknowledgeResult>[];
	try {
		outcomes = await acknowledgeItems(
			await incidentStore.call(this),
			items.map((_, i) => ({
				id: this.getNodeParameter('incidentId', i),
				by: String(this.getNodeParameter('acknowledgedBy', i, '')),
			})),
			referenceNow.call(this),
		);
	} catch (error) {
		outcomes = items.map(() => ({ error: error as Error }));
	}
	return emitMerged(this, outcomes, (r) => ({
		incident: incidentJson(r.incident),
		changed: r.changed,
	}));
}
