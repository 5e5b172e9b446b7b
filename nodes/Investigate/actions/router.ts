import type { IExecuteFunctions, INodeExecutionData } from 'n8n-workflow';

import { routeOperation, type OperationTable } from '../../shared/router';
import * as workload from './workload/Workload.resource';

const operations: OperationTable = {
	workload: {
		collectEvidence: workload.collectEvidence,
		diagnose: workload.diagnose,
		investigate: workload.investigate,
	},
};

export async function router(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
	return routeOperation.call(this, operations);
}
