import type { IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';
import { updateDisplayOptions } from 'n8n-workflow';

import { assertDryRunSucceeded, dryRunApp } from '../../../../lib/deploy';
import type { KubeClient } from '../../../../lib/kube';
import { forEachApp } from './input';
import { failureInOutputOption, forceOption, policyFieldOption } from './options';

const properties: INodeProperties[] = [
	{
		displayName: 'Options',
		name: 'options',
		type: 'collection',
		placeholder: 'Add Option',
		default: {},
		options: [
			policyFieldOption(
				'Item field holding the remediation policy annotations, to include their change',
			),
			failureInOutputOption('an object the server would refuse'),
			forceOption(
				'Whether the dry run takes ownership of fields another manager set, as Deploy would',
			),
		],
	},
];

export const description = updateDisplayOptions(
	{ show: { resource: ['app'], operation: ['dryRun'] } },
	properties,
);

export async function execute(
	this: IExecuteFunctions,
	client: KubeClient,
): Promise<INodeExecutionData[]> {
	return forEachApp(
		this,
		(app) =>
			dryRunApp(client, app.objects, { force: app.options.force ?? true, policy: app.policy }),
		assertDryRunSucceeded,
	);
}
