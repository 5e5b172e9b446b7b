import type {
	IDataObject,
	IExecuteFunctions,
	INodeExecutionData,
	INodeProperties,
} from 'n8n-workflow';
import { updateDisplayOptions } from 'n8n-workflow';

import { renderManifests } from '../../../../lib/manifests';
import { mapItems } from '../../../shared/items';
import { appSpecProperties, readAppSpec, readRenderOptions } from './appSpec';

export const description: INodeProperties[] = updateDisplayOptions(
	{ show: { resource: ['app'], operation: ['render'] } },
	appSpecProperties,
);

/**
 * One output item per input item: the objects in apply order, the same as one YAML stream, the
 * Grafana dashboard and the remediation policy annotations. A bad spec fails its own item only.
 */
export async function execute(this: IExecuteFunctions): Promise<INodeExecutionData[]> {
	const folders = new Map<string, Promise<Record<string, string>>>();
	return await mapItems.call(this, async (item, i) => {
		const result = renderManifests(
			readAppSpec.call(this, item, i),
			await readRenderOptions.call(this, i, folders),
		);
		return {
			name: result.name,
			namespace: result.namespace,
			objects: result.objects,
			yaml: result.yaml,
			dashboard: result.dashboard,
			policy: result.policy,
			policyAnnotations: result.policyAnnotations,
			spec: result.spec,
			templates: result.templates,
			warnings: result.warnings,
		} as unknown as IDataObject;
	});
}
