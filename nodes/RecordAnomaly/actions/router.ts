import type { IExecuteFunctions, INodeExecutionData } from 'n8n-workflow';

import { routeOperation, type OperationTable } from '../../shared/router';
import * as anomaly from './anomaly/Anomaly.resource';
import * as repair from './repair/Repair.resource';

const operations: OperationTable = {
	anomaly: {
		recordOccurrence: anomaly.recordOccurrence,
		getFrequency: anomaly.getFrequency,
		markPermanentFix: anomaly.markPermanentFix,
		markHandled: anomaly.markHandled,
	},
	repair: {
		recordOutcome: repair.recordOutcome,
		getStats: repair.getStats,
		checkAction: repair.checkAction,
	},
};

export async function router(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
	return routeOperation.call(this, operations);
}
