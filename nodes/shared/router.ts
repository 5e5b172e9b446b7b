// The router of the Postgres v2 layout, shared by the nodes whose operations each run over all
// input items: the node's resource and operation parameters pick one operation module.
import type { IExecuteFunctions, INodeExecutionData } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';

export type Operation = { execute(this: IExecuteFunctions): Promise<INodeExecutionData[]> };

/** resource → operation → module */
export type OperationTable = Record<string, Record<string, Operation>>;

export async function routeOperation(
	this: IExecuteFunctions,
	operations: OperationTable,
): Promise<INodeExecutionData[][]> {
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
