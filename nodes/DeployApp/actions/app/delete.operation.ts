import type { IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';
import { updateDisplayOptions } from 'n8n-workflow';

import { assertDeleted, deleteApp } from '../../../../lib/deploy';
import type { KubeClient } from '../../../../lib/kube';
import { forEachApp } from './input';
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
	return forEachApp(
		this,
		(app, i) =>
			deleteApp(client, app.objects, {
				timeoutMs: (this.getNodeParameter('namespaceTimeout', i, 300) as number) * 1000,
				waitForNamespace: app.options.waitForNamespace ?? true,
			}),
		assertDeleted,
	);
}
