import type { IDataObject, IExecuteFunctions, INodeExecutionData } from 'n8n-workflow';

import { appStatus } from '../../../../lib/deploy';
import type { KubeClient } from '../../../../lib/kube';
import { mapItems } from '../../../shared/items';
import { itemObjects } from './input';

export async function execute(
	this: IExecuteFunctions,
	client: KubeClient,
): Promise<INodeExecutionData[]> {
	return mapItems.call(this, async (item, i) => {
		const report = await appStatus(client, itemObjects.call(this, item, i));
		return report as unknown as IDataObject;
	});
}
