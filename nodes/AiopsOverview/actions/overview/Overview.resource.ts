import type { INodeProperties } from 'n8n-workflow';

import * as recordChecks from './recordChecks.operation';
import * as statusPage from './statusPage.operation';

export { recordChecks, statusPage };

export const description: INodeProperties[] = [
	{
		displayName: 'Operation',
		name: 'operation',
		type: 'options',
		noDataExpression: true,
		displayOptions: { show: { resource: ['overview'] } },
		options: [
			{
				name: 'Record Check Results',
				value: 'recordChecks',
				description:
					'Keep the health checks or Notify deliveries of the input items for the page; the items pass on unchanged',
				action: 'Record check results',
			},
			{
				name: 'Status Page',
				value: 'statusPage',
				description:
					'One HTML page (or its JSON, or Prometheus metrics) with incidents, occurrences, repairs, approvals, predictions, log patterns, services, executions and data sources',
				action: 'Render the status page',
			},
		],
		default: 'statusPage',
	},
	...statusPage.description,
	...recordChecks.description,
];
