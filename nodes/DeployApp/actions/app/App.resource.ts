import type { INodeProperties } from 'n8n-workflow';

import * as deploy from './deploy.operation';
import * as dryRun from './dryRun.operation';
import { inputDescription } from './input';
import * as status from './status.operation';
import * as teardown from './delete.operation';

export { deploy, dryRun, status, teardown };

export const description: INodeProperties[] = [
	{
		displayName: 'Operation',
		name: 'operation',
		type: 'options',
		noDataExpression: true,
		displayOptions: { show: { resource: ['app'] } },
		options: [
			{
				name: 'Delete',
				value: 'delete',
				description: "Delete the app's objects in reverse order and wait for its namespace to go",
				action: 'Delete an app',
			},
			{
				name: 'Deploy',
				value: 'deploy',
				description:
					'Server-side apply every object in dependency order, wait for the rollout, report each step',
				action: 'Deploy an app',
			},
			{
				name: 'Dry Run',
				value: 'dryRun',
				description:
					'Let the server check every change (dryRun=All) and show it as a diff; changes nothing',
				action: 'Dry run an app deploy',
			},
			{
				name: 'Status',
				value: 'status',
				description: "Report each object and each workload's rollout as the cluster has them now",
				action: 'Get the status of an app',
			},
		],
		default: 'deploy',
	},
	...inputDescription,
	...deploy.description,
	...dryRun.description,
	...teardown.description,
];
