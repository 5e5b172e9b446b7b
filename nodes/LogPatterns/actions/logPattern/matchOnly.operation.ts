import type { IExecuteFunctions, INodeExecutionData } from 'n8n-workflow';
import { updateDisplayOptions } from 'n8n-workflow';

import { executeLines } from '../common';
import { outputProperty } from '../properties';

export const description = updateDisplayOptions(
	{ show: { resource: ['logPattern'], operation: ['matchOnly'] } },
	[outputProperty],
);

export async function execute(this: IExecuteFunctions): Promise<INodeExecutionData[]> {
	return executeLines.call(this, false);
}
