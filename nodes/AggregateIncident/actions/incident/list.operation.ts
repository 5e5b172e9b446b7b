import type { IExecuteFunctions, INodeExecutionData } from 'n8n-workflow';
import { updateDisplayOptions } from 'n8n-workflow';

import type { ListQuery } from '../../../../lib/incidents';
import { mapItems } from '../../../shared/items';
import { incidentJson, incidentStore } from '../common';

export const description = updateDisplayOptions(
	{ show: { resource: ['incident'], operation: ['list'] } },
	[
		{
			displayName: 'Status',
			name: 'status',
			type: 'options',
			options: [
				{ name: 'Any', value: 'any', description: 'Recent incidents of any status' },
				{ name: 'Open', value: 'open', description: 'Open or acknowledged' },
				{ name: 'Resolved', value: 'resolved' },
			],
			default: 'open',
		},
		{
			displayName: 'Anomaly Key',
			name: 'anomalyKey',
			type: 'string',
			default: '',
			description: 'Only incidents of this signature; empty means all',
		},
		{
			displayName: 'Limit',
			name: 'limit',
			type: 'number',
			typeOptions: { minValue: 1, maxValue: 1000 },
			default: 50,
			description: 'Max number of results to return',
		},
	],
);

/** One output item per incident (most recently seen first), for each input item. */
export async function execute(this: IExecuteFunctions): Promise<INodeExecutionData[]> {
	return mapItems.call(this, async (_item, i) => {
		const store = await incidentStore.call(this);
		const key = String(this.getNodeParameter('anomalyKey', i, '')).trim();
		const incidents = await store.list({
			status: this.getNodeParameter('status', i) as ListQuery['status'],
			anomaly_key: key || undefined,
			limit: this.getNodeParameter('limit', i) as number,
		});
		return incidents.map((incident) => incidentJson(incident)!);
	});
}
