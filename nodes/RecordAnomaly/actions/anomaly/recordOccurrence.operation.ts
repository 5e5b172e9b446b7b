import type {
	IDataObject,
	IExecuteFunctions,
	INodeExecutionData,
	INodeProperties,
} from 'n8n-workflow';
import { updateDisplayOptions } from 'n8n-workflow';

import {
	derivedAlertFields,
	recordOccurrences,
	type OccurrenceOutcome,
} from '../../../../lib/anomaly';
import { emitStoreOutcomes, failAll } from '../../../shared/storeOutput';
import {
	anomalyStore,
	onStoreError,
	referenceNow,
	thresholdProperties,
	thresholds,
} from '../common';

const properties: INodeProperties[] = [
	{
		displayName:
			'Records each firing item (from the Alertmanager Trigger) once per occurrence; re-deliveries and HA replicas are duplicates, resolved items pass through uncounted',
		name: 'notice',
		type: 'notice',
		default: '',
	},
	...thresholdProperties,
	{
		displayName: 'Retention (Days)',
		name: 'retentionDays',
		type: 'number',
		typeOptions: { minValue: 1 },
		default: 30,
		description:
			'Occurrences older than this are pruned (keep at least 30 for a complete 30-day count)',
	},
	{
		displayName: 'Verification Window (Minutes)',
		name: 'verifyWindowMinutes',
		type: 'number',
		typeOptions: { minValue: 0 },
		default: 30,
		description:
			'A new occurrence within this time after a successful repair of the same signature turns that repair into a failure ("re-fired"), so success rates tell the truth; 0 turns this off',
	},
];

export const description = updateDisplayOptions(
	{ show: { resource: ['anomaly'], operation: ['recordOccurrence'] } },
	properties,
);

export async function execute(this: IExecuteFunctions): Promise<INodeExecutionData[]> {
	// raw alerts (labels + startsAt) go on with the fields the trigger would have given them
	const items = this.getInputData().map(
		(item): INodeExecutionData => ({
			...item,
			json: { ...(derivedAlertFields(item.json) as IDataObject), ...item.json },
		}),
	);
	let outcomes: OccurrenceOutcome[];
	try {
		const retentionDays = this.getNodeParameter('retentionDays', 0) as number;
		const verifyWindowMinutes = this.getNodeParameter('verifyWindowMinutes', 0, 30) as number;
		const store = await anomalyStore.call(this, retentionDays);
		outcomes = await recordOccurrences(
			store,
			items.map((i) => i.json),
			{
				now: referenceNow.call(this),
				retentionDays,
				thresholds: thresholds.call(this),
				verifyWindowMinutes,
			},
		);
	} catch (error) {
		outcomes = failAll(items.length, error as Error);
	}
	return emitStoreOutcomes(
		this,
		items,
		outcomes,
		(r, item) => ({
			...item.json,
			duplicate: r.duplicate,
			expired: r.expired,
			escalation_level: r.escalation_level,
			previous_escalation_level: r.previous_escalation_level,
			escalation_crossed: r.escalation_crossed,
			frequency: { ...r.frequency },
			refired_outcomes: r.refired_outcomes.map((o) => ({ ...o })),
		}),
		onStoreError.call(this),
	);
}
