import type { IDataObject, IExecuteFunctions, INodeExecutionData } from 'n8n-workflow';
import { updateDisplayOptions } from 'n8n-workflow';

import { openOrJoinItems, type AlertOutcome, type Tier } from '../../../../lib/incidents';
import { emitItems, type ItemOutcome } from '../../../shared/items';
import { incidentJson, incidentStore, referenceNow } from '../common';

export const description = updateDisplayOptions(
	{ show: { resource: ['incident'], operation: ['openOrJoin'] } },
	[
		{
			displayName: 'Aggregation Window (Minutes)',
			name: 'windowMinutes',
			type: 'number',
			typeOptions: { minValue: 1 },
			default: 10,
			description:
				'An occurrence joins the open incident of its signature if that incident received an alert within this many minutes; otherwise a new incident opens',
		},
		{
			displayName: 'Resolved Alerts',
			name: 'resolvedItems',
			type: 'options',
			options: [
				{
					name: 'Resolve Their Incidents',
					value: 'resolve',
					description: 'Mark the alert resolved; the incident resolves when all its alerts are',
				},
				{
					name: 'Pass Through',
					value: 'passThrough',
					description: 'Output resolved items unchanged',
				},
			],
			default: 'resolve',
			description: "What resolved alert items (from the trigger's output) do",
		},
		{
			displayName: 'Minimum Tier',
			name: 'minimumTier',
			type: 'options',
			options: [
				{ name: '1 — Restart', value: 1, description: 'Tier from escalation alone (default)' },
				{ name: '2 — Mitigate', value: 2 },
				{ name: '3 — Root Cause', value: 3 },
				{ name: '4 — Architecture', value: 4 },
			],
			default: 1,
			description:
				'The lowest tier an incident opened or joined here recommends; escalation can raise it further. E.g. 2 for predicted breaches, which need mitigation before they happen.',
		},
	],
);

export async function execute(this: IExecuteFunctions): Promise<INodeExecutionData[]> {
	const items = this.getInputData();
	let outcomes: AlertOutcome[];
	try {
		outcomes = await openOrJoinItems(
			await incidentStore.call(this),
			items.map((i) => i.json),
			{
				now: referenceNow.call(this),
				windowMinutes: this.getNodeParameter('windowMinutes', 0) as number,
				resolvedItems: this.getNodeParameter('resolvedItems', 0) as 'resolve' | 'passThrough',
				minimumTier: this.getNodeParameter('minimumTier', 0, 1) as Tier,
			},
		);
	} catch (error) {
		outcomes = items.map(() => ({ error: error as Error }));
	}
	const mapped = outcomes.map((o, i): ItemOutcome => {
		if ('error' in o) return o;
		if ('passThrough' in o) return { json: items[i].json };
		const r = o.ok;
		const extra: IDataObject =
			r.kind === 'firing'
				? {
						is_new: r.is_new,
						aggregated: r.aggregated,
						duplicate: r.duplicate,
						escalation_changed: r.escalation_changed,
						superseded_incident_id: r.superseded_incident_id,
						replayed: r.replayed,
					}
				: { alert_found: r.alert_found, resolved_now: r.resolved_now };
		return { json: { ...items[i].json, incident: incidentJson(r.incident), ...extra } };
	});
	return emitItems.call(this, mapped);
}
