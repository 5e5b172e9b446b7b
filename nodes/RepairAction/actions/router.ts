import type { IExecuteFunctions, INodeExecutionData } from 'n8n-workflow';

import { routeOperation, type OperationTable } from '../../shared/router';
import * as workload from './workload/Workload.resource';

const operations: OperationTable = {
	workload: {
		auto: workload.auto,
		cleanup: workload.cleanup,
		deletePod: workload.deletePod,
		raiseMemory: workload.raiseMemory,
		restart: workload.restart,
		rollback: workload.rollback,
		scale: workload.scale,
	},
};

export async function router(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
	return routeOperation.call(this, operations);
}
