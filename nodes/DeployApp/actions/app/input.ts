// Where an item's Kubernetes objects come from: an array of objects (Render Manifests'
// `objects`) or a multi-document YAML string (`yaml`); the remediation policy map; and the item
// loop every operation runs in.
import type {
	IDataObject,
	IExecuteFunctions,
	INodeExecutionData,
	INodeProperties,
} from 'n8n-workflow';

import { parsePolicyAnnotations } from '../../../../lib/deploy';
import { InvalidInputError } from '../../../../lib/errors';
import type { KubeObject } from '../../../../lib/kube';
import { parseObjectList, parseYamlObjects } from '../../../../lib/kube';
import { mapItems } from '../../../shared/items';
import type { AppOptions } from './options';

export const inputDescription: INodeProperties[] = [
	{
		displayName: 'Objects From',
		name: 'source',
		type: 'options',
		options: [
			{
				name: 'Auto',
				value: 'auto',
				description: 'The objects field if the item has it, else the YAML field',
			},
			{ name: 'Objects Field (JSON Array)', value: 'objects' },
			{ name: 'YAML Field (Multi-Document)', value: 'yaml' },
		],
		default: 'auto',
		description: 'Where in the input item the Kubernetes objects are',
	},
	{
		displayName: 'Objects Field',
		name: 'objectsField',
		type: 'string',
		default: 'objects',
		displayOptions: { show: { source: ['auto', 'objects'] } },
		description:
			'Item field holding an array of Kubernetes objects, as Render Manifests outputs it',
	},
	{
		displayName: 'YAML Field',
		name: 'yamlField',
		type: 'string',
		default: 'yaml',
		displayOptions: { show: { source: ['auto', 'yaml'] } },
		description: 'Item field holding the objects as multi-document YAML',
	},
];

/** A dotted path into the item (`deploy.objects`). */
export function fieldValue(item: INodeExecutionData, path: string): unknown {
	let cur: unknown = item.json;
	for (const part of path.split('.')) {
		cur = cur && typeof cur === 'object' ? (cur as Record<string, unknown>)[part] : undefined;
	}
	return cur;
}

export function objectsFromItem(
	item: INodeExecutionData,
	params: { source: string; objectsField: string; yamlField: string },
): KubeObject[] {
	const fromObjects =
		params.source === 'objects' ||
		(params.source === 'auto' && fieldValue(item, params.objectsField) !== undefined);
	let objects: KubeObject[];
	if (fromObjects) {
		objects = parseObjectList(fieldValue(item, params.objectsField), params.objectsField);
	} else {
		const text = fieldValue(item, params.yamlField);
		if (typeof text !== 'string') {
			throw new InvalidInputError(
				params.source === 'auto'
					? `The item has neither "${params.objectsField}" (array of objects) nor "${params.yamlField}" (YAML text)`
					: `"${params.yamlField}" must be a YAML string`,
				params.source === 'auto' ? params.objectsField : params.yamlField,
			);
		}
		objects = parseYamlObjects(text, params.yamlField);
	}
	if (!objects.length)
		throw new InvalidInputError(
			'There are no Kubernetes objects to work on',
			fromObjects ? params.objectsField : params.yamlField,
		);
	return objects;
}

/** What every operation reads for item i: its objects, its options, and the policy they name. */
export interface AppItem {
	objects: KubeObject[];
	options: AppOptions;
	policy: Record<string, string> | undefined;
}

function appItem(this: IExecuteFunctions, item: INodeExecutionData, i: number): AppItem {
	const objects = objectsFromItem(item, {
		source: this.getNodeParameter('source', i) as string,
		objectsField: this.getNodeParameter('objectsField', i, 'objects') as string,
		yamlField: this.getNodeParameter('yamlField', i, 'yaml') as string,
	});
	const options = this.getNodeParameter('options', i, {}) as AppOptions;
	const policyField = options.policyField ?? 'policyAnnotations';
	return {
		objects,
		options,
		policy: parsePolicyAnnotations(fieldValue(item, policyField), policyField),
	};
}

/**
 * Runs `work` for each item's app in turn; `assertOk` turns a failed report into the item's
 * error unless the item's options report failures in the output.
 */
export async function forEachApp<R extends object>(
	ctx: IExecuteFunctions,
	work: (app: AppItem, i: number) => Promise<R> | R,
	assertOk?: (report: R) => unknown,
): Promise<INodeExecutionData[]> {
	return mapItems.call(ctx, async (item, i) => {
		const app = appItem.call(ctx, item, i);
		const report = await work(app, i);
		if (assertOk && !app.options.failureInOutput) assertOk(report);
		return report as unknown as IDataObject;
	});
}
