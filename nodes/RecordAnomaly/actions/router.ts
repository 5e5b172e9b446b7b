import type { IExecuteFunctions, INodeExecutionData } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';

import * as anomaly from './anomaly/Anomaly.resource';
import * as repair from './repair/Repair.resource';

type Operation = { execute(this: IExecuteFunctions): Promise<INodeExecutionData[]> };

const operations: Record<string, Record<string, Operation>> = {
	anomaly: {
		recordOccurrence: anomaly.recordOccurrence,
		getFrequency: anomaly.getFrequency,
		markPermanentFix: anomaly.markPermanentFix,
	},
	repair: {
		recordOutcome: repair.recordOutcome,
		getStats: repair.getStats,
		checkAction: repair.checkAction,
	},
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
