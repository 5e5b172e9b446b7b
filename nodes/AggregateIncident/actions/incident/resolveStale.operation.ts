import type { IExecuteFunctions, INodeExecutionData } from 'n8n-workflow';
import { updateDisplayOptions } from 'n8n-workflow';

import { emitItems } from '../../../shared/items';
import { incidentJson, incidentStore, referenceNow } from '../common';

export const description = updateDisplayOptions(
	{ show: { resource: ['incident'], operation: ['resolveStale'] } },
	[
		{
			displayName: 'Quiet Period (Minutes)',
			name: 'quietMinutes',
			type: 'number',
			typeOptions: { minValue: 1 },
			default: 360,
			description:
				"Resolve open incidents that received no alert for this long; keep it above Alertmanager's repeat_interval (4h by default), which re-sends alerts that still fire",
		},
		{
			displayName: 'Skip Incidents With Firing Alerts',
			name: 'skipFiring',
			type: 'boolean',
			default: false,
			description:
				'Whether to keep incidents open while any of their alerts was never reported resolved (leave off if Alertmanager does not send resolved notifications)',
		},
	],
);

/** Runs once per execution (a sweep, for a Schedule trigger): one output item per incident resolved. */
export async function execute(this: IExecuteFunctions): Promise<INodeExecutionData[]> {
	try {
		const incidents = await (
			await incidentStore.call(this)
		).resolveStale({
			now: referenceNow.call(this),
			quietMinutes: this.getNodeParameter('quietMinutes', 0) as number,
			skipFiring: this.getNodeParameter('skipFiring', 0) as boolean,
		});
		return emitItems.call(this, [{ json: incidents.map((incident) => incidentJson(incident)!) }]);
	} catch (error) {
		return emitItems.call(this, [{ error: error as Error }]);
	}
}
