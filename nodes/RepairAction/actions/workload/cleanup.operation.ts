import type { IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';
import { updateDisplayOptions } from 'n8n-workflow';

import { runOperation } from '../common';

const properties: INodeProperties[] = [
	{
		displayName: 'Clean Up',
		name: 'cleanupWhat',
		type: 'multiOptions',
		options: [
			{ name: 'Failed and Evicted Pods', value: 'pods' },
			{ name: 'Finished Jobs', value: 'jobs' },
		],
		default: ['pods', 'jobs'],
		description: "In the workload's namespace; nothing running, pending or succeeded is touched",
	},
	{
		displayName: 'Older Than (Minutes)',
		name: 'olderThanMinutes',
		type: 'number',
		typeOptions: { minValue: 0 },
		default: 60,
		description: 'Only what failed or finished longer ago than this',
	},
];

export const description = updateDisplayOptions({ show: { operation: ['cleanup'] } }, properties);

export async function execute(this: IExecuteFunctions): Promise<INodeExecutionData[]> {
	return runOperation.call(this, 'cleanup', function (i) {
		const what = this.getNodeParameter('cleanupWhat', i, ['pods', 'jobs']) as string[];
		return {
			cleanupPods: what.includes('pods'),
			cleanupJobs: what.includes('jobs'),
			cleanupOlderThanMs: Math.round(
				(this.getNodeParameter('olderThanMinutes', i, 60) as number) * 60_000,
			),
		};
	});
}
