import type { INodeProperties } from 'n8n-workflow';

import { targetDescription } from '../common';
import * as collectEvidence from './collectEvidence.operation';
import * as diagnose from './diagnose.operation';
import * as investigate from './investigate.operation';

export { collectEvidence, diagnose, investigate };

export const description: INodeProperties[] = [
	{
		displayName: 'Operation',
		name: 'operation',
		type: 'options',
		noDataExpression: true,
		displayOptions: { show: { resource: ['workload'] } },
		options: [
			{
				name: 'Collect Evidence',
				value: 'collectEvidence',
				description: 'Gather the evidence snapshot only (cluster, logs, dependencies, Prometheus, history)',
				action: 'Collect evidence about a workload',
			},
			{
				name: 'Diagnose',
				value: 'diagnose',
				description: "Apply the diagnosis rules to the evidence already on the item",
				action: 'Diagnose from collected evidence',
			},
			{
				name: 'Investigate',
				value: 'investigate',
				description: 'Collect the evidence and diagnose it: cause, confidence, the action that can help and those that cannot',
				action: 'Investigate a workload',
			},
		],
		default: 'investigate',
	},
	...targetDescription,
	...collectEvidence.description,
	...diagnose.description,
	...investigate.description,
];
