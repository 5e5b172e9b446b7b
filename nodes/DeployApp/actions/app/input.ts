// Where an item's Kubernetes objects come from: an array of objects (Render Manifests'
// `objects`) or a multi-document YAML string (`yaml`); and the remediation policy map.
import type { IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';

import { InvalidInputError } from '../../../../lib/errors';
import type { KubeObject } from '../../../../lib/kube';
import { parseObjectList, parseYamlObjects } from '../../../../lib/kube';

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

/** The input parameters of item i, and its objects. */
export function itemObjects(
	this: IExecuteFunctions,
	item: INodeExecutionData,
	i: number,
): KubeObject[] {
	return objectsFromItem(item, {
		source: this.getNodeParameter('source', i) as string,
		objectsField: this.getNodeParameter('objectsField', i, 'objects') as string,
		yamlField: this.getNodeParameter('yamlField', i, 'yaml') as string,
	});
}
