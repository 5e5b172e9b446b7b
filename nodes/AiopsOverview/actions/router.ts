import type { IExecuteFunctions, INodeExecutionData } from 'n8n-workflow';

import { routeOperation, type OperationTable } from '../../shared/router';
import * as overview from './overview/Overview.resource';

const operations: OperationTable = {
	overview: {
		statusPage: overview.statusPage,
		recordChecks: overview.recordChecks,
	},
};

export async function router(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
	return routeOperation.call(this, operations);
}
