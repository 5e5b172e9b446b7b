import type { INodeProperties } from 'n8n-workflow';

import * as acknowledge from './acknowledge.operation';
import * as get from './get.operation';
import * as list from './list.operation';
import * as openOrJoin from './openOrJoin.operation';
import * as recordRepairResult from './recordRepairResult.operation';
import * as resolve from './resolve.operation';
import * as resolveStale from './resolveStale.operation';

export { acknowledge, get, list, openOrJoin, recordRepairResult, resolve, resolveStale };

export const description: INodeProperties[] = [
	{
		displayName: 'Operation',
		name: 'operation',
		type: 'options',
		noDataExpression: true,
		displayOptions: { show: { resource: ['incident'] } },
		options: [
			{
				name: 'Acknowledge',
				value: 'acknowledge',
				description: 'Mark an open incident as taken by someone',
				action: 'Acknowledge an incident',
			},
			{
				name: 'Get',
				value: 'get',
				description: 'Get an incident by ID',
				action: 'Get an incident',
			},
			{
				name: 'List',
				value: 'list',
				description: 'Open, resolved or recent incidents, optionally of one signature',
				action: 'List incidents',
			},
			{
				name: 'Open or Join',
				value: 'openOrJoin',
				description:
					'Join the open incident of the signature if it saw an alert within the window, else open a new one',
				action: 'Open or join an incident',
			},
			{
				name: 'Record Repair Result',
				value: 'recordRepairResult',
				description: 'Add a repair attempt to the incident (totals, last action, last 20 attempts)',
				action: 'Record a repair result on an incident',
			},
			{
				name: 'Resolve',
				value: 'resolve',
				description:
					'Resolve incidents whose alerts Alertmanager reports resolved (by fingerprint)',
				action: 'Resolve incidents from resolved alerts',
			},
			{
				name: 'Resolve Stale',
				value: 'resolveStale',
				description: 'Resolve incidents that received no alert for a quiet period (for a schedule)',
				action: 'Resolve stale incidents',
			},
		],
		default: 'openOrJoin',
	},
	...openOrJoin.description,
	...resolve.description,
	...acknowledge.description,
	...get.description,
	...list.description,
	...recordRepairResult.description,
	...resolveStale.description,
];
