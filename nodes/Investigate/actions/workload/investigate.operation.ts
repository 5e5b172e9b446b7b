import type { IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';

import { investigateItems } from '../common';

export const description: INodeProperties[] = [];

export async function execute(this: IExecuteFunctions): Promise<INodeExecutionData[]> {
	return investigateItems.call(this, true);
}
