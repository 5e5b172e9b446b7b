import type {
	IDataObject,
	IExecuteFunctions,
	INodeExecutionData,
	INodeProperties,
} from 'n8n-workflow';
import { updateDisplayOptions } from 'n8n-workflow';

import { assertDeleted, deleteApp } from '../../../../lib/deploy';
import type { KubeClient } from '../../../../lib/kube';
import { mapItems } from '../../../shared/items';
import { itemObjects } from './input';
import { failureInOutputOption } from './options';

const properties: INodeProperties[] = [
	{
		displayName: 'Namespace Timeout (Seconds)',
		name: 'namespaceTimeout',
		type: 'number',
		typeOptions: { minValue: 1 },
		default: 300,
		description: 'How long to wait for the namespace to finish terminating',
	},
	{
		displayName: 'Options',
		name: 'options',
		type: 'collection',
		placeholder: 'Add Option',
		default: {},
		options: [
			failureInOutputOption('a failed deletion'),
			{
				displayName: 'Wait for Namespace',
				name: 'waitForNamespace',
				type: 'boolean',
				default: true,
				description:
					'Whether to wait until the namespace is gone (it stays Terminating while its contents are removed)',
			},
		],
	},
];

export const description = updateDisplayOptions(
	{ show: { resource: ['app'], operation: ['delete'] } },
	properties,
);

export async function execute(
	this: IExecuteFunctions,
	client: KubeClient,
): Promise<INodeExecutionData[]> {
	return mapItems.call(this, async (item, i) => {
		const options = this.getNodeParameter('options', i, {}) as {
			failureInOutput?: boolean;
			waitForNamespace?: boolean;
		};
		const report = await deleteApp(client, itemObjects.call(this, item, i), {
			timeoutMs: (this.getNodeParameter('namespaceTimeout', i, 300) as number) * 1000,
			waitForNamespace: options.waitForNamespace ?? true,
		});
		if (!options.failureInOutput) assertDeleted(report);
		return report as unknown as IDataObject;
	});
}
