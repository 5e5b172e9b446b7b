import type { IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';
import { updateDisplayOptions } from 'n8n-workflow';

import { runOperation } from '../common';

const properties: INodeProperties[] = [
	{
		displayName: 'Scale',
		name: 'scaleMode',
		type: 'options',
		options: [
			{ name: 'By', value: 'by', description: 'Add this many replicas' },
			{ name: 'To', value: 'to', description: 'Set this many replicas' },
		],
		default: 'by',
	},
	{
		displayName: 'Replicas',
		name: 'replicas',
		type: 'number',
		typeOptions: { minValue: 1 },
		default: 1,
	},
];

export const maxReplicasProperty: INodeProperties = {
	displayName: 'Max Replicas',
	name: 'maxReplicas',
	type: 'number',
	typeOptions: { minValue: 1 },
	default: 10,
	description: 'A ceiling of your own (besides the app policy’s max-replicas)',
};

export const description = updateDisplayOptions({ show: { operation: ['scale'] } }, [
	...properties,
	maxReplicasProperty,
]);

export async function execute(this: IExecuteFunctions): Promise<INodeExecutionData[]> {
	return runOperation.call(this, 'scale', function (i) {
		return {
			scaleMode: this.getNodeParameter('scaleMode', i, 'by') as 'by' | 'to',
			replicas: this.getNodeParameter('replicas', i, 1) as number,
			maxReplicas: this.getNodeParameter('maxReplicas', i, 10) as number,
		};
	});
}
