import type {
	IDataObject,
	IExecuteFunctions,
	INodeExecutionData,
	INodeProperties,
} from 'n8n-workflow';
import { updateDisplayOptions } from 'n8n-workflow';

import {
	policyAnnotations,
	validateAppSpec,
	validateClusterProfile,
} from '../../../../lib/manifests';
import { mapItems } from '../../../shared/items';
import { appSpecProperties, readAppSpec } from './appSpec';

export const description: INodeProperties[] = updateDisplayOptions(
	{ show: { resource: ['app'], operation: ['validate'] } },
	appSpecProperties.filter((p) => p.name !== 'templates'),
);

/** Checks the spec and returns it completed with its defaults, rendering nothing. */
export async function execute(this: IExecuteFunctions): Promise<INodeExecutionData[]> {
	return await mapItems.call(this, async (item, i) => {
		const cluster = validateClusterProfile(this.getNodeParameter('cluster', i, {}) as IDataObject);
		const { spec, warnings } = validateAppSpec(readAppSpec.call(this, item, i), cluster);
		return {
			valid: true,
			name: spec.name,
			namespace: spec.namespace,
			spec,
			policy: spec.policy,
			policyAnnotations: policyAnnotations(spec.policy),
			warnings,
		} as unknown as IDataObject;
	});
}
