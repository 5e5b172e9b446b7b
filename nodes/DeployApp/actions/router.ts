// One Kubernetes client per execution (discovery answers are shared by all items), then the
// chosen operation over the items.
import type { IExecuteFunctions, INodeExecutionData } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';

import { optionalKubeClient } from '../../shared/kubernetes';
import { toNodeError } from '../../shared/items';
import * as app from './app/App.resource';

type Operation = 'deploy' | 'dryRun' | 'status' | 'delete';

export async function router(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
	const operation = this.getNodeParameter('operation', 0) as Operation;
	let client;
	try {
		client = await optionalKubeClient.call(this);
	} catch (error) {
		throw toNodeError.call(this, error as Error, 0);
	}
	if (!client) {
		// No cluster yet: Deploy and Dry Run report the plan; Status and Delete need one.
		if (operation === 'deploy' || operation === 'dryRun') return [await app.deploy.plan.call(this)];
		throw new NodeOperationError(this.getNode(), `${operation} needs a Kubernetes API credential`);
	}
	switch (operation) {
		case 'deploy':
			return [await app.deploy.execute.call(this, client)];
		case 'dryRun':
			return [await app.dryRun.execute.call(this, client)];
		case 'status':
			return [await app.status.execute.call(this, client)];
		case 'delete':
			return [await app.teardown.execute.call(this, client)];
		default:
			throw new NodeOperationError(
				this.getNode(),
				`The operation "${String(operation)}" is not supported`,
			);
	}
}
