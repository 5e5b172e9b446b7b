import type { INodeProperties } from 'n8n-workflow';

import * as getFrequency from './getFrequency.operation';
import * as markHandled from './markHandled.operation';
import * as markPermanentFix from './markPermanentFix.operation';
import * as recordOccurrence from './recordOccurrence.operation';

export { getFrequency, markHandled, markPermanentFix, recordOccurrence };

export const description: INodeProperties[] = [
	{
		displayName: 'Operation',
		name: 'operation',
		type: 'options',
		noDataExpression: true,
		displayOptions: { show: { resource: ['anomaly'] } },
		options: [
			{
				name: 'Get Frequency',
				value: 'getFrequency',
				description: 'Read the counts and escalation of a signature without recording anything',
				action: 'Get the frequency of an anomaly',
			},
			{
				name: 'Mark Handled',
				value: 'markHandled',
				description:
					'End of the path: the occurrences of these items are handled, a re-delivery is a duplicate from now on',
				action: 'Mark occurrences handled',
			},
			{
				name: 'Mark Permanent Fix',
				value: 'markPermanentFix',
				description: 'Record that the root cause was fixed; a later occurrence means tier 4',
				action: 'Mark a permanent fix for an anomaly',
			},
			{
				name: 'Record Occurrence',
				value: 'recordOccurrence',
				description:
					'Count each firing alert once per occurrence: 1h/24h/7d/30d counts, first/last seen, escalation',
				action: 'Record an occurrence of an anomaly',
			},
		],
		default: 'recordOccurrence',
	},
	...recordOccurrence.description,
	...getFrequency.description,
	...markPermanentFix.description,
	...markHandled.description,
];
