import type { IExecuteFunctions, INodeExecutionData } from 'n8n-workflow';
import { SEND_AND_WAIT_OPERATION } from 'n8n-workflow';

import { routeOperation, type OperationTable } from '../../shared/router';
import * as message from './message/Message.resource';

const operations: OperationTable = {
	message: { send: message.send, [SEND_AND_WAIT_OPERATION]: message.sendAndWait },
};

export async function router(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
	return routeOperation.call(this, operations);
}
