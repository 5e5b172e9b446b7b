import type { IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';
import { updateDisplayOptions } from 'n8n-workflow';

import { runOperation } from '../common';

export const memoryProperties: INodeProperties[] = [
	{
		displayName: 'Memory Factor',
		name: 'memoryFactor',
		type: 'number',
		typeOptions: { minValue: 1.01, numberPrecision: 2 },
		default: 1.5,
		description:
			'The memory limit is multiplied by this (the request stays), capped by the app policy, Max Memory, the namespace LimitRange and what the ResourceQuota leaves',
	},
	{
		displayName: 'Max Memory',
		name: 'maxMemory',
		type: 'string',
		default: '',
		placeholder: '4Gi',
		description:
			'A ceiling of your own for the memory limit (besides the app policy’s max-memory); empty: none',
	},
];

export const description = updateDisplayOptions(
	{ show: { operation: ['raiseMemory'] } },
	memoryProperties,
);

export function memoryParams(this: IExecuteFunctions, i: number) {
	return {
		memoryFactor: this.getNodeParameter('memoryFactor', i, 1.5) as number,
		maxMemory: String(this.getNodeParameter('maxMemory', i, '') ?? '').trim() || undefined,
	};
}

export async function execute(this: IExecuteFunctions): Promise<INodeExecutionData[]> {
	return runOperation.call(this, 'raise_memory', memoryParams);
}
