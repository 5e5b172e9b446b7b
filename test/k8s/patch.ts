// The three non-apply patch formats the API server accepts: JSON merge patch (RFC 7386),
// strategic merge patch (merge keys for the lists the Kubernetes schema declares, for the
// fields this package touches) and JSON patch (RFC 6902).

export type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
export type JsonObject = { [key: string]: Json };

export function isObject(v: unknown): v is JsonObject {
	return typeof v === 'object' && v !== null && !Array.isArray(v);
}

export function clone<T>(v: T): T {
	return v === undefined ? v : (JSON.parse(JSON.stringify(v)) as T);
}

export function deepEqual(a: unknown, b: unknown): boolean {
	if (a === b) return true;
	if (Array.isArray(a) && Array.isArray(b)) {
		return a.length === b.length && a.every((x, i) => deepEqual(x, b[i]));
	}
	if (isObject(a) && isObject(b)) {
		const ka = Object.keys(a);
		const kb = Object.keys(b);
		return ka.length === kb.length && ka.every((k) => k in b && deepEqual(a[k], b[k]));
	}
	return false;
}

/**
 * The merge key of a list field, as the Kubernetes OpenAPI schema declares it
 * (x-kubernetes-patch-merge-key / list-map keys), for the lists our objects carry.
 * Lists without one are atomic: a patch or an apply replaces them whole.
 */
export function listMergeKey(field: string, items: Json[]): string | undefined {
	const first = items.find(isObject);
	switch (field) {
		case 'containers':
		case 'initContainers':
		case 'ephemeralContainers':
		case 'env':
		case 'volumes':
		case 'imagePullSecrets':
			return 'name';
		case 'volumeMounts':
			return 'mountPath';
		case 'ports':
			// container ports are keyed by containerPort, Service ports by port
			return first && 'containerPort' in first ? 'containerPort' : 'port';
		case 'conditions':
			return 'type';
		case 'ownerReferences':
			return 'uid';
		case 'hostAliases':
			return 'ip';
		default:
			return undefined;
	}
}

export function mergePatch(target: Json | undefined, patch: Json): Json {
	if (!isObject(patch)) return clone(patch);
	const result: JsonObject = isObject(target) ? clone(target) : {};
	for (const [k, v] of Object.entries(patch)) {
		if (v === null) delete result[k];
		else result[k] = mergePatch(result[k], v);
	}
	return result;
}

/** Strategic merge: maps merge, keyed lists merge by key, other lists replace; `null` deletes. */
export function strategicMergePatch(target: Json | undefined, patch: Json): Json {
	if (!isObject(patch)) return clone(patch);
	if (patch.$patch === 'replace') {
		const { $patch: _, ...rest } = patch;
		return clone(rest);
	}
	const result: JsonObject = isObject(target) ? clone(target) : {};
	for (const [k, v] of Object.entries(patch)) {
		if (k.startsWith('$setElementOrder/') || k === '$retainKeys' || k === '$patch') continue;
		if (v === null) {
			delete result[k];
		} else if (Array.isArray(v) && listMergeKey(k, v) && v.every(isObject)) {
			result[k] = mergeKeyedList(result[k], v as JsonObject[], listMergeKey(k, v)!);
		} else if (isObject(v)) {
			result[k] = strategicMergePatch(result[k], v);
		} else {
			result[k] = clone(v);
		}
	}
	return result;
}

function mergeKeyedList(target: Json | undefined, patch: JsonObject[], key: string): Json[] {
	const list: Json[] = Array.isArray(target) ? clone(target) : [];
	for (const item of patch) {
		const at = list.findIndex((x) => isObject(x) && deepEqual(x[key], item[key]));
		if (item.$patch === 'delete') {
			if (at >= 0) list.splice(at, 1);
		} else if (at >= 0) {
			list[at] = strategicMergePatch(list[at], item);
		} else {
			list.push(strategicMergePatch({}, item));
		}
	}
	return list;
}

export class JsonPatchError extends Error {}

function pointer(path: string): string[] {
	if (path === '') return [];
	if (!path.startsWith('/')) throw new JsonPatchError(`invalid JSON pointer "${path}"`);
	return path
		.slice(1)
		.split('/')
		.map((s) => s.replace(/~1/g, '/').replace(/~0/g, '~'));
}

function parentOf(doc: Json, parts: string[]): { parent: Json; last: string } {
	let cur: Json = doc;
	for (const p of parts.slice(0, -1)) {
		if (Array.isArray(cur)) cur = cur[Number(p)];
		else if (isObject(cur)) cur = cur[p];
		else cur = undefined as unknown as Json;
		if (cur === undefined) throw new JsonPatchError(`doc is missing path: /${parts.join('/')}`);
	}
	return { parent: cur, last: parts[parts.length - 1] };
}

/** RFC 6902: add, remove, replace, move, copy, test. */
export function jsonPatch(doc: Json, ops: JsonObject[]): Json {
	let result = clone(doc);
	for (const op of ops) {
		const parts = pointer(String(op.path));
		const get = (ps: string[]) => {
			let cur: Json | undefined = result;
			for (const p of ps)
				cur = Array.isArray(cur) ? cur[Number(p)] : isObject(cur) ? cur[p] : undefined;
			return cur;
		};
		const remove = (ps: string[]) => {
			const { parent, last } = parentOf(result, ps);
			if (Array.isArray(parent)) parent.splice(Number(last), 1);
			else if (isObject(parent) && last in parent) delete parent[last];
			else throw new JsonPatchError(`unable to remove nonexistent key: ${last}: missing value`);
		};
		const add = (ps: string[], value: Json) => {
			if (ps.length === 0) {
				result = clone(value);
				return;
			}
			const { parent, last } = parentOf(result, ps);
			if (Array.isArray(parent))
				parent.splice(last === '-' ? parent.length : Number(last), 0, clone(value));
			else if (isObject(parent)) parent[last] = clone(value);
			else throw new JsonPatchError(`doc is missing path: ${op.path}`);
		};
		switch (op.op) {
			case 'add':
				add(parts, op.value);
				break;
			case 'remove':
				remove(parts);
				break;
			case 'replace':
				if (parts.length > 0 && get(parts) === undefined) {
					throw new JsonPatchError(
						`replace operation does not apply: doc is missing key: ${op.path}: missing value`,
					);
				}
				if (parts.length > 0) remove(parts);
				add(parts, op.value);
				break;
			case 'move': {
				const from = pointer(String(op.from));
				const value = get(from);
				remove(from);
				add(parts, value as Json);
				break;
			}
			case 'copy':
				add(parts, get(pointer(String(op.from))) as Json);
				break;
			case 'test':
				if (!deepEqual(get(parts), op.value))
					throw new JsonPatchError(`testing value ${op.path} failed`);
				break;
			default:
				throw new JsonPatchError(`Unexpected kind: ${String(op.op)}`);
		}
	}
	return result;
}
