import type { IExecuteFunctions, INodeExecutionData } from 'n8n-workflow';

import { routeOperation, type OperationTable } from '../../shared/router';
import * as logPattern from './logPattern/LogPattern.resource';

const operations: OperationTable = {
	logPattern: {
		learnAndMatch: logPattern.learnAndMatch,
		matchOnly: logPattern.matchOnly,
		listTemplates: logPattern.listTemplates,
		resetScope: logPattern.resetScope,
	},
};

export async function router(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
	return routeOperation.call(this, operations);
}
