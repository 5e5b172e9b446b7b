import type {
	IDataObject,
	IExecuteFunctions,
	INodeExecutionData,
	INodeProperties,
} from 'n8n-workflow';
import { updateDisplayOptions } from 'n8n-workflow';

import { assertDryRunSucceeded, dryRunApp, parsePolicyAnnotations } from '../../../../lib/deploy';
import type { KubeClient } from '../../../../lib/kube';
import { mapItems } from '../../../shared/items';
import { fieldValue, itemObjects } from './input';
import type { ApplyOptions } from './options';
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
	return mapItems.call(this, async (item, i) => {
		const objects = itemObjects.call(this, item, i);
		const options = this.getNodeParameter('options', i, {}) as ApplyOptions;
		const policyField = options.policyField ?? 'policyAnnotations';
		const report = await dryRunApp(client, objects, {
			force: options.force ?? true,
			policy: parsePolicyAnnotations(fieldValue(item, policyField), policyField),
		});
		if (!options.failureInOutput) assertDryRunSucceeded(report);
		return report as unknown as IDataObject;
	});
}
