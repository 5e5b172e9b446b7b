import type { IExecuteFunctions, INodeExecutionData } from 'n8n-workflow';
import { NodeOperationError, SEND_AND_WAIT_OPERATION } from 'n8n-workflow';

import * as message from './message/Message.resource';

type Operation = { execute(this: IExecuteFunctions): Promise<INodeExecutionData[]> };

const operations: Record<string, Record<string, Operation>> = {
	message: { send: message.send, [SEND_AND_WAIT_OPERATION]: message.sendAndWait },
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
