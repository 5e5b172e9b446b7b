import type { IExecuteFunctions, INodeExecutionData } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';

import * as incident from './incident/Incident.resource';

type Operation = { execute(this: IExecuteFunctions): Promise<INodeExecutionData[]> };

const operations: Record<string, Operation> = {
	openOrJoin: incident.openOrJoin,
	resolve: incident.resolve,
	acknowledge: incident.acknowledge,
	get: incident.get,
	list: incident.list,
	recordRepairResult: incident.recordRepairResult,
	resolveStale: incident.resolveStale,
};

export async function router(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
	const operation = this.getNodeParameter('operation', 0) as string;
	const op = operations[operation];
	if (!op) {
		throw new NodeOperationError(this.getNode(), `The operation "${operation}" is not supported`);
	}
	return [await op.execute.call(this)];
}
