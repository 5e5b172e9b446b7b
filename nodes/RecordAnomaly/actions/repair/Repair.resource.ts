import type { INodeProperties } from 'n8n-workflow';

import * as checkAction from './checkAction.operation';
import * as getStats from './getStats.operation';
import * as recordOutcome from './recordOutcome.operation';

export { checkAction, getStats, recordOutcome };

export const description: INodeProperties[] = [
	{
		displayName: 'Operation',
		name: 'operation',
		type: 'options',
		noDataExpression: true,
		displayOptions: { show: { resource: ['repair'] } },
		options: [
			{
				name: 'Check Action',
				value: 'checkAction',
				description:
					'Whether an action should be skipped for a signature because it rarely works, with the reason',
				action: 'Check whether a repair action should be skipped',
			},
			{
				name: 'Get Repair Stats',
				value: 'getStats',
				description:
					'Attempts, successes, success rate and last outcome per action for a signature',
				action: 'Get repair stats of an anomaly',
			},
			{
				name: 'Record Repair Outcome',
				value: 'recordOutcome',
				description:
					'Record whether a repair action worked for a signature (the last 100 are kept)',
				action: 'Record a repair outcome',
			},
		],
		default: 'recordOutcome',
	},
	...recordOutcome.description,
	...getStats.description,
	...checkAction.description,
];
