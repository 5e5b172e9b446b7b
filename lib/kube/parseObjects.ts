// Kubernetes objects from an item: an array of objects (what Render Manifests outputs) or a
// multi-document YAML string, read as kubectl reads it (YAML 1.1, `kind: List` flattened,
// empty documents skipped). Every object must say what it is and what it is called.
import { parseAllDocuments } from 'yaml';

import { InvalidInputError } from '../errors';
import type { KubeObject } from './objects';

function isObject(v: unknown): v is Record<string, unknown> {
	return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function checkObject(v: unknown, field: string): KubeObject[] {
	if (!isObject(v)) throw new InvalidInputError(`${field} is not an object`, field);
	if (
		v.kind === 'List' ||
		(typeof v.kind === 'string' && v.kind.endsWith('List') && Array.isArray(v.items))
	) {
		return (v.items as unknown[]).flatMap((item, i) => checkObject(item, `${field}.items[${i}]`));
	}
	if (typeof v.apiVersion !== 'string' || !v.apiVersion)
		throw new InvalidInputError(`${field} has no apiVersion`, `${field}.apiVersion`);
	if (typeof v.kind !== 'string' || !v.kind)
		throw new InvalidInputError(`${field} has no kind`, `${field}.kind`);
	const meta = v.metadata;
	if (!isObject(meta) || typeof meta.name !== 'string' || !meta.name) {
		throw new InvalidInputError(
			`${field} (${v.kind}) has no metadata.name`,
			`${field}.metadata.name`,
		);
	}
	if (meta.namespace !== undefined && typeof meta.namespace !== 'string') {
		throw new InvalidInputError(
			`${field} (${v.kind} ${meta.name}) has a metadata.namespace that is not a string`,
			`${field}.metadata.namespace`,
		);
	}
	return [v as unknown as KubeObject];
}

export function parseYamlObjects(text: string, field = 'yaml'): KubeObject[] {
	const docs = parseAllDocuments(text, { version: '1.1', prettyErrors: true });
	const list = Array.isArray(docs) ? docs : [docs];
	const objects: KubeObject[] = [];
	list.forEach((doc, i) => {
		if (doc.errors.length) {
			throw new InvalidInputError(
				`${field} document ${i + 1} is not valid YAML: ${doc.errors[0].message}`,
				`${field}[${i}]`,
			);
		}
		const value = doc.toJS({ maxAliasCount: 100 });
		if (value === null || value === undefined) return;
		objects.push(...checkObject(value, `${field}[${i}]`));
	});
	return objects;
}

export function parseObjectList(value: unknown, field = 'objects'): KubeObject[] {
	if (!Array.isArray(value))
		throw new InvalidInputError(`${field} must be an array of Kubernetes objects`, field);
	return value.flatMap((v, i) => checkObject(v, `${field}[${i}]`));
}
