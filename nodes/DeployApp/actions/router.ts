// One Kubernetes client per execution (discovery answers are shared by all items), then the
// chosen operation over the items.
import type { IExecuteFunctions, INodeExecutionData } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';

import type { KubeClient } from '../../../lib/kube';
import { optionalKubeClient } from '../../shared/kubernetes';
import { toNodeError } from '../../shared/items';
import * as app from './app/App.resource';

interface AppOperation {
	execute(this: IExecuteFunctions, client: KubeClient): Promise<INodeExecutionData[]>;
	/** what the operation does with no cluster credential (absent: it needs one) */
	plan?(this: IExecuteFunctions): Promise<INodeExecutionData[]>;
}

const operations: Record<string, AppOperation> = {
	deploy: app.deploy,
	// no cluster yet: Dry Run reports Deploy's plan too
	dryRun: { execute: app.dryRun.execute, plan: app.deploy.plan },
	status: app.status,
	delete: app.teardown,
};

export async function router(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
	const operation = this.getNodeParameter('operation', 0) as string;
	const op = operations[operation];
	if (!op) {
		throw new NodeOperationError(this.getNode(), `The operation "${operation}" is not supported`);
	}
	let client;
	try {
		client = await optionalKubeClient.call(this);
	} catch (error) {
		throw toNodeError.call(this, error as Error, 0);
	}
	if (client) return [await op.execute.call(this, client)];
	if (op.plan) return [await op.plan.call(this)];
	throw new NodeOperationError(this.getNode(), `${operation} needs a Kubernetes API credential`);
}
