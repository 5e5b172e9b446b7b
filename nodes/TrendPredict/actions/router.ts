import type { IExecuteFunctions, INodeExecutionData } from 'n8n-workflow';

import { routeOperation, type OperationTable } from '../../shared/router';
import * as series from './series/Series.resource';

const operations: OperationTable = {
	series: {
		baseline: series.baseline,
		linearTrend: series.linearTrend,
		smoothing: series.smoothing,
	},
};

export async function router(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
	return routeOperation.call(this, operations);
}
