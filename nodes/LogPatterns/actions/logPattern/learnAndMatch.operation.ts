import type { IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';
import { updateDisplayOptions } from 'n8n-workflow';

import { executeLines } from '../common';
import { outputProperty } from '../properties';

const properties: INodeProperties[] = [
	outputProperty,
	{
		displayName: 'Warm-Up Lines',
		name: 'warmUpLines',
		type: 'number',
		typeOptions: { minValue: 0 },
		default: 1000,
		description:
			'A template is new only once the scope has learned this many lines (and the warm-up minutes have passed)',
	},
	{
		displayName: 'Warm-Up Minutes',
		name: 'warmUpMinutes',
		type: 'number',
		typeOptions: { minValue: 0 },
		default: 60,
		description:
			'A template is new only once this many minutes have passed since the scope’s first line (and the warm-up lines were learned)',
	},
];

export const description = updateDisplayOptions(
	{ show: { resource: ['logPattern'], operation: ['learnAndMatch'] } },
	properties,
);

export async function execute(this: IExecuteFunctions): Promise<INodeExecutionData[]> {
	return executeLines.call(this, true);
}
