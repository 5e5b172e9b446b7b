// Generic object operations: server-side apply (field manager `n8n-aiops`), get, list and
// delete of any kind, by its apiVersion/kind. Retries version conflicts and transient errors.
import { InvalidInputError } from '../errors';
import type { KubeClient } from './client';
import { KubeApiError } from './errors';
import type { ResourceMapping } from './resources';
import { qualifiedResource, resourceFor, resourcePath } from './resources';
import type { RetryOptions } from './retry';
import { withRetry } from './retry';

export const FIELD_MANAGER = 'n8n-aiops';

export interface KubeObject {
	apiVersion: string;
	kind: string;
	metadata: {
		name: string;
		namespace?: string;
		labels?: Record<string, string>;
		annotations?: Record<string, string>;
		[key: string]: unknown;
	};
	[key: string]: unknown;
}

export interface ObjectRef {
	apiVersion: string;
	kind: string;
	name: string;
	namespace?: string;
}

export function refOf(o: KubeObject): ObjectRef {
	return {
		apiVersion: o.apiVersion,
		kind: o.kind,
		name: o.metadata?.name,
		namespace: o.metadata?.namespace,
	};
}

/** `Deployment app-x/web`, `Namespace app-x` — how outputs and messages name an object. */
export function describeRef(r: ObjectRef): string {
	return r.namespace ? `${r.kind} ${r.namespace}/${r.name}` : `${r.kind} ${r.name}`;
}

/** The namespace a request goes to: the object's, else the credential's default (kubectl's rule). */
function namespaceOf(client: KubeClient, m: ResourceMapping, ref: ObjectRef): string | undefined {
	if (!m.namespaced) return undefined;
	if (ref.namespace) return ref.namespace;
	const ctx = client.config.getContextObject(client.config.getCurrentContext());
	return ctx?.namespace || 'default';
}

// metadata only the server sets; sending it in an apply is an error or a stale precondition
const SERVER_SET_METADATA = [
	'uid',
	'resourceVersion',
	'generation',
	'creationTimestamp',
	'deletionTimestamp',
	'deletionGracePeriodSeconds',
	'managedFields',
	'selfLink',
];

/** The apply intent for an object: what the user declared, without server-set fields or status. */
export function applyIntent(o: KubeObject): KubeObject {
	const intent: KubeObject = { ...o, metadata: { ...o.metadata } };
	delete intent.status;
	for (const k of SERVER_SET_METADATA) delete intent.metadata[k];
	return intent;
}

export interface ApplyOptions {
	dryRun?: boolean;
	/** take over fields another manager owns (kubectl's --force-conflicts) */
	force?: boolean;
	fieldManager?: string;
	retry?: RetryOptions;
}

function checkRef(ref: ObjectRef) {
	if (!ref.apiVersion) throw new InvalidInputError('An object has no apiVersion', 'apiVersion');
	if (!ref.kind) throw new InvalidInputError('An object has no kind', 'kind');
	if (!ref.name) throw new InvalidInputError(`A ${ref.kind} has no metadata.name`, 'metadata.name');
}

/** Server-side apply: creates or updates the object to the declared intent; returns the server's object. */
export async function applyObject(
	client: KubeClient,
	o: KubeObject,
	opts: ApplyOptions = {},
): Promise<KubeObject> {
	return (await applyObjectWithOutcome(client, o, opts)).object;
}

/** As applyObject, saying whether the apply created the object (201) or updated it (200). */
export async function applyObjectWithOutcome(
	client: KubeClient,
	o: KubeObject,
	opts: ApplyOptions = {},
): Promise<{ object: KubeObject; created: boolean }> {
	const ref = refOf(o);
	checkRef(ref);
	const m = await resourceFor(client, ref.apiVersion, ref.kind);
	const namespace = namespaceOf(client, m, ref);
	const intent = applyIntent(o);
	if (namespace) intent.metadata.namespace = namespace;
	const { status, body } = await withRetry(
		() =>
			client.requestWithStatus<KubeObject>({
				method: 'PATCH',
				path: resourcePath(m, namespace, ref.name),
				query: {
					fieldManager: opts.fieldManager ?? FIELD_MANAGER,
					force: opts.force ? 'true' : undefined,
					dryRun: opts.dryRun ? 'All' : undefined,
				},
				// JSON is YAML: the apply content type takes it as is
				contentType: 'application/apply-patch+yaml',
				body: intent,
				target: { verb: 'patch', resource: qualifiedResource(m), namespace, name: ref.name },
			}),
		opts.retry,
	);
	return { object: body, created: status === 201 };
}

/**
 * Creates the object unless it exists (POST; an AlreadyExists answer is not an error):
 * for objects that must never be overwritten once made, like a generated password.
 */
export async function createObject(
	client: KubeClient,
	o: KubeObject,
	opts: { dryRun?: boolean; fieldManager?: string; retry?: RetryOptions } = {},
): Promise<{ object?: KubeObject; created: boolean }> {
	const ref = refOf(o);
	checkRef(ref);
	const m = await resourceFor(client, ref.apiVersion, ref.kind);
	const namespace = namespaceOf(client, m, ref);
	const body = applyIntent(o);
	if (namespace) body.metadata.namespace = namespace;
	try {
		const object = await withRetry(
			() =>
				client.request<KubeObject>({
					method: 'POST',
					path: resourcePath(m, namespace),
					query: {
						fieldManager: opts.fieldManager ?? FIELD_MANAGER,
						dryRun: opts.dryRun ? 'All' : undefined,
					},
					body,
					target: { verb: 'create', resource: qualifiedResource(m), namespace, name: ref.name },
				}),
			opts.retry,
		);
		return { object, created: true };
	} catch (error) {
		if (error instanceof KubeApiError && error.code === 409 && error.reason === 'AlreadyExists') {
			return { created: false };
		}
		throw error;
	}
}

export type PatchType =
	| 'application/strategic-merge-patch+json'
	| 'application/merge-patch+json'
	| 'application/json-patch+json';

export interface PatchOptions {
	dryRun?: boolean;
	fieldManager?: string;
	/** e.g. `scale` or `status` */
	subresource?: string;
	retry?: RetryOptions;
}

/** A non-apply patch (strategic merge, merge or JSON patch), sent as given. */
export async function patchObject(
	client: KubeClient,
	ref: ObjectRef,
	patch: string | object,
	contentType: PatchType,
	opts: PatchOptions = {},
): Promise<KubeObject> {
	checkRef(ref);
	const m = await resourceFor(client, ref.apiVersion, ref.kind);
	const namespace = namespaceOf(client, m, ref);
	return withRetry(
		() =>
			client.request<KubeObject>({
				method: 'PATCH',
				path: resourcePath(m, namespace, ref.name, opts.subresource),
				query: {
					fieldManager: opts.fieldManager ?? FIELD_MANAGER,
					dryRun: opts.dryRun ? 'All' : undefined,
				},
				contentType,
				body: typeof patch === 'string' ? patch : JSON.stringify(patch),
				target: {
					verb: 'patch',
					resource: qualifiedResource(m, opts.subresource),
					namespace,
					name: ref.name,
				},
			}),
		opts.retry,
	);
}

/** The live object, or undefined when it does not exist. */
export async function getObject(
	client: KubeClient,
	ref: ObjectRef,
	retry?: RetryOptions,
): Promise<KubeObject | undefined> {
	checkRef(ref);
	const m = await resourceFor(client, ref.apiVersion, ref.kind);
	const namespace = namespaceOf(client, m, ref);
	try {
		return await withRetry(
			() =>
				client.request<KubeObject>({
					method: 'GET',
					path: resourcePath(m, namespace, ref.name),
					target: { verb: 'get', resource: qualifiedResource(m), namespace, name: ref.name },
				}),
			retry,
		);
	} catch (error) {
		if (error instanceof KubeApiError && error.code === 404) return undefined;
		throw error;
	}
}

export interface ListOptions {
	namespace?: string;
	labelSelector?: string;
	fieldSelector?: string;
	retry?: RetryOptions;
}

export interface ObjectList {
	items: KubeObject[];
	resourceVersion: string;
}

/** Lists a kind (all pages). Items get apiVersion/kind back (built-in lists omit them). */
export async function listObjects(
	client: KubeClient,
	apiVersion: string,
	kind: string,
	opts: ListOptions = {},
): Promise<ObjectList> {
	const m = await resourceFor(client, apiVersion, kind);
	const namespace = m.namespaced ? opts.namespace : undefined;
	const items: KubeObject[] = [];
	let resourceVersion = '';
	let cont: string | undefined;
	do {
		const page = await withRetry(
			() =>
				client.request<{
					items?: KubeObject[];
					metadata?: { resourceVersion?: string; continue?: string };
				}>({
					method: 'GET',
					path: resourcePath(m, namespace),
					query: {
						labelSelector: opts.labelSelector,
						fieldSelector: opts.fieldSelector,
						limit: 500,
						continue: cont,
					},
					target: { verb: 'list', resource: qualifiedResource(m), namespace },
				}),
			opts.retry,
		);
		for (const item of page.items ?? []) items.push({ ...item, apiVersion, kind } as KubeObject);
		resourceVersion = page.metadata?.resourceVersion ?? resourceVersion;
		cont = page.metadata?.continue || undefined;
	} while (cont);
	return { items, resourceVersion };
}

export interface DeleteOptions {
	dryRun?: boolean;
	/** Background (default, as kubectl), Foreground or Orphan */
	propagationPolicy?: 'Background' | 'Foreground' | 'Orphan';
	gracePeriodSeconds?: number;
	retry?: RetryOptions;
}

/** Deletes an object; false when it was already gone. */
export async function deleteObject(
	client: KubeClient,
	ref: ObjectRef,
	opts: DeleteOptions = {},
): Promise<boolean> {
	checkRef(ref);
	const m = await resourceFor(client, ref.apiVersion, ref.kind);
	const namespace = namespaceOf(client, m, ref);
	try {
		await withRetry(
			() =>
				client.request({
					method: 'DELETE',
					path: resourcePath(m, namespace, ref.name),
					query: {
						dryRun: opts.dryRun ? 'All' : undefined,
						propagationPolicy: opts.propagationPolicy ?? 'Background',
						gracePeriodSeconds: opts.gracePeriodSeconds,
					},
					target: { verb: 'delete', resource: qualifiedResource(m), namespace, name: ref.name },
				}),
			opts.retry,
		);
		return true;
	} catch (error) {
		if (error instanceof KubeApiError && error.code === 404) return false;
		throw error;
	}
}
