// Server-side apply, modelled on structured-merge-diff: every manager owns a set of field
// paths (kept in metadata.managedFields as FieldsV1); an apply owns exactly the fields it
// sends, removes the fields it owned before and no longer sends (unless someone else owns
// them), and conflicts with another manager that owns a field it would change. Updates
// (create, PUT, non-apply patches) take ownership of the fields they change.
import type { Json, JsonObject } from './patch';
import { clone, deepEqual, isObject, listMergeKey } from './patch';
import type { StatusCause } from './status';

/** A path segment: a field name, or a list item identified by its merge key. */
type Segment = string | { key: string; value: Json };
type Path = Segment[];

export interface ManagedFieldsEntry {
	manager: string;
	operation: 'Apply' | 'Update';
	apiVersion: string;
	time: string;
	fieldsType: 'FieldsV1';
	fieldsV1: JsonObject;
	subresource?: string;
}

const pathKey = (p: Path) => JSON.stringify(p);

// Fields nobody owns: identity and server-managed metadata, and status on the main resource.
const UNOWNED_META = new Set([
	'name',
	'namespace',
	'uid',
	'resourceVersion',
	'generation',
	'creationTimestamp',
	'deletionTimestamp',
	'deletionGracePeriodSeconds',
	'managedFields',
	'selfLink',
]);

/** The leaf field paths an object sets (maps recurse, keyed lists recurse per item). */
export function fieldSet(obj: JsonObject, includeStatus = false): Map<string, Path> {
	const out = new Map<string, Path>();
	const walk = (value: Json, path: Path) => {
		if (isObject(value)) {
			const entries = Object.entries(value);
			if (entries.length === 0 && path.length > 0) out.set(pathKey(path), path);
			for (const [k, v] of entries) walk(v, [...path, k]);
			return;
		}
		const field = path[path.length - 1];
		const key =
			Array.isArray(value) && typeof field === 'string' ? listMergeKey(field, value) : undefined;
		if (Array.isArray(value) && key && value.every((x) => isObject(x) && x[key] !== undefined)) {
			for (const item of value as JsonObject[]) {
				const itemPath: Path = [...path, { key, value: item[key] }];
				const rest = Object.entries(item).filter(([k]) => k !== key);
				if (rest.length === 0) out.set(pathKey(itemPath), itemPath);
				for (const [k, v] of rest) walk(v, [...itemPath, k]);
			}
			return;
		}
		out.set(pathKey(path), path);
	};
	for (const [k, v] of Object.entries(obj)) {
		if (k === 'apiVersion' || k === 'kind') continue;
		if (k === 'status' && !includeStatus) continue;
		if (k === 'metadata' && isObject(v)) {
			for (const [mk, mv] of Object.entries(v))
				if (!UNOWNED_META.has(mk)) walk(mv, ['metadata', mk]);
			continue;
		}
		walk(v, [k]);
	}
	return out;
}

function child(value: Json | undefined, seg: Segment): Json | undefined {
	if (typeof seg === 'string') return isObject(value) ? value[seg] : undefined;
	return Array.isArray(value)
		? value.find((x) => isObject(x) && deepEqual(x[seg.key], seg.value))
		: undefined;
}

export function valueAt(obj: Json, path: Path): Json | undefined {
	let cur: Json | undefined = obj;
	for (const seg of path) cur = child(cur, seg);
	return cur;
}

function removeAt(obj: Json, path: Path): void {
	const parent = valueAt(obj, path.slice(0, -1));
	const last = path[path.length - 1];
	if (typeof last === 'string') {
		if (isObject(parent)) delete parent[last];
	} else if (Array.isArray(parent)) {
		const at = parent.findIndex((x) => isObject(x) && deepEqual(x[last.key], last.value));
		if (at >= 0) parent.splice(at, 1);
	}
}

/** Deep merge of an applied configuration into an object: maps and keyed lists merge. */
function mergeApplied(target: Json | undefined, applied: Json, field?: string): Json {
	if (isObject(applied)) {
		const result: JsonObject = isObject(target) ? target : {};
		for (const [k, v] of Object.entries(applied)) result[k] = mergeApplied(result[k], v, k);
		return result;
	}
	const key = Array.isArray(applied) && field ? listMergeKey(field, applied) : undefined;
	if (Array.isArray(applied) && key && applied.every((x) => isObject(x) && x[key] !== undefined)) {
		const live = Array.isArray(target) ? target : [];
		const merged = (applied as JsonObject[]).map((item) => {
			const existing = live.find((x) => isObject(x) && deepEqual(x[key], item[key]));
			return mergeApplied(existing === undefined ? undefined : existing, item);
		});
		const rest = live.filter(
			(x) => !(applied as JsonObject[]).some((a) => isObject(x) && deepEqual(x[key], a[key])),
		);
		return [...merged, ...rest];
	}
	return clone(applied);
}

/** After removing `path`, removes the ancestors it left empty (maps, key-only list items). */
function pruneAncestors(obj: JsonObject, path: Path, owned: Set<string>): void {
	for (let n = path.length - 1; n > 0; n--) {
		const at = path.slice(0, n);
		const value = valueAt(obj, at);
		const last = at[at.length - 1];
		const keyOnly =
			typeof last !== 'string' &&
			isObject(value) &&
			Object.keys(value).every((k) => k === last.key);
		const empty = isObject(value) && Object.keys(value).length === 0;
		if (!(empty || keyOnly) || owned.has(pathKey(at))) return;
		removeAt(obj, at);
	}
}

// ---- FieldsV1 encoding: {"f:spec":{"f:replicas":{}}}, list items as k:{"name":"app"} ----

export function encodeFields(paths: Iterable<Path>): JsonObject {
	const root: JsonObject = {};
	for (const path of paths) {
		let cur = root;
		for (const seg of path) {
			const name =
				typeof seg === 'string' ? `f:${seg}` : `k:${JSON.stringify({ [seg.key]: seg.value })}`;
			cur[name] ??= typeof seg === 'string' ? {} : { '.': {} };
			cur = cur[name] as JsonObject;
		}
	}
	return root;
}

export function decodeFields(fields: JsonObject): Map<string, Path> {
	const out = new Map<string, Path>();
	const walk = (node: JsonObject, path: Path) => {
		const children = Object.entries(node).filter(([k]) => k !== '.');
		if (children.length === 0 && path.length > 0) out.set(pathKey(path), path);
		for (const [k, v] of children) {
			let seg: Segment;
			if (k.startsWith('f:')) seg = k.slice(2);
			else {
				const [key, value] = Object.entries(JSON.parse(k.slice(2)) as JsonObject)[0];
				seg = { key, value };
			}
			walk(v as JsonObject, [...path, seg]);
		}
	};
	walk(fields, []);
	return out;
}

/** `.spec.template.spec.containers[name="app"].image`, as conflicts print a path. */
export function printPath(path: Path): string {
	return path
		.map((s) => (typeof s === 'string' ? `.${s}` : `[${s.key}=${JSON.stringify(s.value)}]`))
		.join('');
}

function managerLabel(e: ManagedFieldsEntry): string {
	let text = JSON.stringify(e.manager);
	if (e.subresource) text += ` with subresource ${JSON.stringify(e.subresource)}`;
	if (e.operation === 'Update') text += ` using ${e.apiVersion}`;
	return text;
}

function managerId(e: ManagedFieldsEntry): string {
	return JSON.stringify({
		manager: e.manager,
		operation: e.operation,
		apiVersion: e.apiVersion,
		subresource: e.subresource,
	});
}

function sameManager(
	a: ManagedFieldsEntry,
	m: { manager: string; operation: string; subresource?: string },
) {
	// Apply entries are per manager; Update entries per manager and API version (we serve one).
	return (
		a.manager === m.manager &&
		a.operation === m.operation &&
		(a.subresource ?? '') === (m.subresource ?? '')
	);
}

export class ApplyConflict extends Error {
	constructor(
		message: string,
		readonly causes: StatusCause[],
	) {
		super(message);
	}
}

function conflictMessage(conflicts: { entry: ManagedFieldsEntry; path: Path }[]): string {
	if (conflicts.length === 1) {
		const c = conflicts[0];
		return `Apply failed with 1 conflict: conflict with ${managerLabel(c.entry)}: ${printPath(c.path)}`;
	}
	const byManager = new Map<string, { entry: ManagedFieldsEntry; paths: Path[] }>();
	for (const c of conflicts) {
		const id = managerId(c.entry);
		if (!byManager.has(id)) byManager.set(id, { entry: c.entry, paths: [] });
		byManager.get(id)!.paths.push(c.path);
	}
	const lines: string[] = [];
	for (const id of [...byManager.keys()].sort()) {
		const { entry, paths } = byManager.get(id)!;
		lines.push(`conflicts with ${managerLabel(entry)}:`);
		for (const p of paths) lines.push(`- ${printPath(p)}`);
	}
	return `Apply failed with ${conflicts.length} conflicts: ${lines.join('\n')}`;
}

function entries(obj: JsonObject | undefined): ManagedFieldsEntry[] {
	const meta = obj?.metadata;
	return isObject(meta) && Array.isArray(meta.managedFields)
		? (clone(meta.managedFields) as unknown as ManagedFieldsEntry[])
		: [];
}

function setEntries(obj: JsonObject, list: ManagedFieldsEntry[]) {
	const meta = obj.metadata as JsonObject;
	const kept = list.filter((e) => Object.keys(e.fieldsV1).length > 0);
	if (kept.length) meta.managedFields = kept as unknown as Json;
	else delete meta.managedFields;
}

export interface ApplyOptions {
	manager: string;
	force: boolean;
	apiVersion: string;
	now: string;
}

/**
 * Server-side apply of `applied` onto `live` (undefined: create). Returns the new object
 * (identity and status taken from live) or throws ApplyConflict.
 */
export function serverSideApply(
	live: JsonObject | undefined,
	applied: JsonObject,
	opts: ApplyOptions,
): JsonObject {
	const managers = entries(live);
	const appliedFields = fieldSet(applied);
	const conflicts: { entry: ManagedFieldsEntry; path: Path }[] = [];
	const self = { manager: opts.manager, operation: 'Apply' };
	for (const entry of managers) {
		if (sameManager(entry, self)) continue;
		const owned = decodeFields(entry.fieldsV1);
		for (const [k, path] of appliedFields) {
			if (owned.has(k) && live && !deepEqual(valueAt(live, path), valueAt(applied, path))) {
				conflicts.push({ entry, path });
			}
		}
	}
	if (conflicts.length && !opts.force) {
		throw new ApplyConflict(
			conflictMessage(conflicts),
			conflicts.map((c) => ({
				reason: 'FieldManagerConflict',
				message: `conflict with ${managerLabel(c.entry)}`,
				field: printPath(c.path),
			})),
		);
	}
	const identity = { name: (applied.metadata as JsonObject)?.name ?? null };
	const result: JsonObject = live
		? clone(live)
		: { apiVersion: applied.apiVersion, kind: applied.kind, metadata: identity };
	const others = managers.filter((e) => !sameManager(e, self));
	if (opts.force) {
		for (const e of others) {
			const owned = decodeFields(e.fieldsV1);
			for (const k of appliedFields.keys()) owned.delete(k);
			e.fieldsV1 = encodeFields(owned.values());
		}
	}
	const ownedByOthers = new Set<string>();
	for (const e of others) for (const k of decodeFields(e.fieldsV1).keys()) ownedByOthers.add(k);
	const previous = managers.find((e) => sameManager(e, self));
	const stillOwned = new Set([...ownedByOthers, ...appliedFields.keys()]);
	if (previous) {
		for (const [k, path] of decodeFields(previous.fieldsV1)) {
			if (stillOwned.has(k)) continue;
			removeAt(result, path);
			pruneAncestors(result, path, stillOwned);
		}
	}
	const { status: _status, ...spec } = applied;
	const appliedMeta = isObject(applied.metadata) ? applied.metadata : {};
	const strippedMeta = Object.fromEntries(
		Object.entries(appliedMeta).filter(([k]) => !UNOWNED_META.has(k)),
	);
	mergeApplied(result, { ...spec, metadata: strippedMeta });
	const fieldsV1 = encodeFields(appliedFields.values());
	const entry: ManagedFieldsEntry = {
		manager: opts.manager,
		operation: 'Apply',
		apiVersion: opts.apiVersion,
		// an apply that changes nothing keeps its timestamp, so the object stays unchanged
		time: previous && deepEqual(previous.fieldsV1, fieldsV1) ? previous.time : opts.now,
		fieldsType: 'FieldsV1',
		fieldsV1,
	};
	// `others` are the entries of `managers` (force may have taken fields from them)
	setEntries(
		result,
		previous ? managers.map((e) => (e === previous ? entry : e)) : [...managers, entry],
	);
	return result;
}

/** An Update (create, PUT, merge/strategic/JSON patch) takes the fields it changed. */
export function recordUpdate(
	before: JsonObject | undefined,
	after: JsonObject,
	opts: { manager: string; apiVersion: string; now: string; subresource?: string },
): void {
	const managers = entries(before);
	const isStatus = opts.subresource === 'status';
	const afterFields = fieldSet(after, isStatus);
	const beforeFields = before ? fieldSet(before, isStatus) : new Map<string, Path>();
	const changed = new Map<string, Path>();
	for (const [k, path] of afterFields) {
		if (!before || !beforeFields.has(k) || !deepEqual(valueAt(before, path), valueAt(after, path)))
			changed.set(k, path);
	}
	const removed = [...beforeFields.keys()].filter((k) => !afterFields.has(k));
	const self = { manager: opts.manager, operation: 'Update', subresource: opts.subresource };
	for (const e of managers) {
		const owned = decodeFields(e.fieldsV1);
		for (const k of removed) owned.delete(k);
		if (!sameManager(e, self)) for (const k of changed.keys()) owned.delete(k);
		e.fieldsV1 = encodeFields(owned.values());
	}
	if (changed.size === 0 && removed.length === 0) {
		after.metadata ??= {};
		setEntries(after, managers);
		return;
	}
	let mine = managers.find((e) => sameManager(e, self));
	if (!mine) {
		mine = {
			manager: opts.manager,
			operation: 'Update',
			apiVersion: opts.apiVersion,
			time: opts.now,
			fieldsType: 'FieldsV1',
			fieldsV1: {},
		};
		if (opts.subresource) mine.subresource = opts.subresource;
		managers.push(mine);
	}
	const owned = decodeFields(mine.fieldsV1);
	for (const [k, p] of changed) owned.set(k, p);
	mine.fieldsV1 = encodeFields(owned.values());
	mine.time = opts.now;
	after.metadata ??= {};
	setEntries(after, managers);
}
