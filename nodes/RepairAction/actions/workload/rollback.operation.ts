import type { IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';
import { updateDisplayOptions } from 'n8n-workflow';

import { runOperation } from '../common';

const properties: INodeProperties[] = [
	{
		displayName: 'To Revision',
		name: 'toRevision',
		type: 'number',
		typeOptions: { minValue: 0 },
		default: 0,
		description:
			'The deployment.kubernetes.io/revision to go back to; 0: the previous one (as kubectl rollout undo)',
	},
];

export const description = updateDisplayOptions({ show: { operation: ['rollback'] } }, properties);

export async function execute(this: IExecuteFunctions): Promise<INodeExecutionData[]> {
	return runOperation.call(this, 'rollback', function (i) {
		return { toRevision: this.getNodeParameter('toRevision', i, 0) as number };
	});
}
