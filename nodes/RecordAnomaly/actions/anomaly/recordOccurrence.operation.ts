import type {
	IDataObject,
	IExecuteFunctions,
	INodeExecutionData,
	INodeProperties,
} from 'n8n-workflow';
import { updateDisplayOptions } from 'n8n-workflow';

import {
	DEFAULT_CLAIM_LEASE_SECONDS,
	derivedAlertFields,
	recordOccurrences,
	type OccurrenceOutcome,
} from '../../../../lib/anomaly';
import { writeFrequency } from '../../../../lib/contract';
import { emitStoreOutcomes, failAll } from '../../../shared/storeOutput';
import {
	anomalyStore,
	onStoreError,
	referenceNow,
	thresholdProperties,
	thresholds,
} from '../common';

const handledWhenChoices: INodeProperties['options'] = [
	{
		name: 'When Marked Handled',
		value: 'marked',
		description:
			'Each new occurrence is claimed by this execution until a Mark Handled step at the end of the path; if the execution dies first, the next delivery of it goes on as new once (never counted twice)',
	},
	{
		name: 'When Recorded',
		value: 'recorded',
		description:
			'Recording is handling: a re-delivery is a duplicate even if the execution that recorded it died before acting',
	},
];

// Default "recorded" (the rule before claims), so existing workflows keep their behaviour; the
// shipped alert-to-repair sets "marked" and ends its paths with Mark Handled.
const handledWhen: INodeProperties = {
	displayName: 'An Occurrence Is Handled',
	name: 'handledWhen',
	type: 'options',
	options: handledWhenChoices,
	default: 'recorded',
};

const properties: INodeProperties[] = [
	{
		displayName:
			'Records each firing item (from the Alertmanager Trigger) once per occurrence; re-deliveries and HA replicas are duplicates, resolved items pass through uncounted. End each path with Mark Handled.',
		name: 'notice',
		type: 'notice',
		default: '',
	},
	handledWhen,
	{
		displayName: 'Claim Lease (Seconds)',
		name: 'claimLeaseSeconds',
		type: 'number',
		typeOptions: { minValue: 1 },
		default: DEFAULT_CLAIM_LEASE_SECONDS,
		description:
			'How long an execution holds a new occurrence before a re-delivery may take it over (when the execution died without marking it handled). Longer than the slowest path, repair verification included.',
		displayOptions: { show: { handledWhen: ['marked'] } },
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
		const claims = this.getNodeParameter('handledWhen', 0, 'recorded') === 'marked';
		const store = await anomalyStore.call(this, retentionDays);
		outcomes = await recordOccurrences(
			store,
			items.map((i) => i.json),
			{
				now: referenceNow.call(this),
				retentionDays,
				thresholds: thresholds.call(this),
				verifyWindowMinutes,
				claimLeaseSeconds: claims
					? (this.getNodeParameter('claimLeaseSeconds', 0, DEFAULT_CLAIM_LEASE_SECONDS) as number)
					: 0,
			},
		);
	} catch (error) {
		outcomes = failAll(items.length, error as Error);
	}
	return emitStoreOutcomes(
		this,
		items,
		outcomes,
		(r, item) => writeFrequency(item.json, r) as unknown as IDataObject,
		onStoreError.call(this),
	);
}
