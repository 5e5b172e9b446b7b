import type { IExecuteFunctions, INodeExecutionData } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';

import * as app from './app/App.resource';

export async function router(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
	const resource = this.getNodeParameter('resource', 0) as string;
	const operation = this.getNodeParameter('operation', 0) as string;
	if (resource === 'app' && (operation === 'render' || operation === 'validate')) {
		return [await app[operation].execute.call(this)];
	}
	throw new NodeOperationError(this.getNode(), `The operation "${operation}" is not supported`);
}
