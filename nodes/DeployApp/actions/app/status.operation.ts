import type { IExecuteFunctions, INodeExecutionData } from 'n8n-workflow';

import { appStatus } from '../../../../lib/deploy';
import type { KubeClient } from '../../../../lib/kube';
import { forEachApp } from './input';

export async function execute(
	this: IExecuteFunctions,
	client: KubeClient,
): Promise<INodeExecutionData[]> {
	return forEachApp(this, (app) => appStatus(client, app.objects));
}
