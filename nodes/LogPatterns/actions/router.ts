import type { IExecuteFunctions, INodeExecutionData } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';

import * as logPattern from './logPattern/LogPattern.resource';

type Operation = { execute(this: IExecuteFunctions): Promise<INodeExecutionData[]> };

const operations: Record<string, Record<string, Operation>> = {
	logPattern: {
		learnAndMatch: logPattern.learnAndMatch,
		matchOnly: logPattern.matchOnly,
		listTemplates: logPattern.listTemplates,
		resetScope: logPattern.resetScope,
	},
};

export async function router(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
	const resource = this.getNodeParameter('resource', 0) as string;
	const operation = this.getNodeParameter('operation', 0) as string;
	const op = operations[resource]?.[operation];
	if (!op) {
		throw new NodeOperationError(
			this.getNode(),
			`The operation "${operation}" of "${resource}" is not supported`,
		);
	}
	return [await op.execute.call(this)];
}
