import type { IExecuteFunctions, INodeExecutionData } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';

import * as workload from './workload/Workload.resource';

type Operation = { execute(this: IExecuteFunctions): Promise<INodeExecutionData[]> };

const operations: Record<string, Operation> = {
	auto: workload.auto,
	cleanup: workload.cleanup,
	deletePod: workload.deletePod,
	raiseMemory: workload.raiseMemory,
	restart: workload.restart,
	rollback: workload.rollback,
	scale: workload.scale,
};

export async function router(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
	const operation = this.getNodeParameter('operation', 0) as string;
	const op = operations[operation];
	if (!op) {
		throw new NodeOperationError(this.getNode(), `The operation "${operation}" is not supported`);
	}
	return [await op.execute.call(this)];
}
