// A non-apply patch (strategic merge, merge or JSON patch) of one object, optionally of a
// subresource, retried on version conflicts and transient errors like every lib/kube write.
// TODO(kube): lib/kube is adding patchObject with this signature; switch to it when it lands.
import {
	FIELD_MANAGER,
	qualifiedResource,
	resourceFor,
	resourcePath,
	withRetry,
	type KubeClient,
	type KubeObject,
	type ObjectRef,
	type RetryOptions,
} from '../kube';

export type PatchType =
	| 'application/strategic-merge-patch+json'
	| 'application/merge-patch+json'
	| 'application/json-patch+json';

export interface PatchOptions {
	dryRun?: boolean;
	fieldManager?: string;
	/** e.g. `scale` */
	subresource?: string;
	retry?: RetryOptions;
}

export async function patchObject(
	client: KubeClient,
	ref: ObjectRef,
	patch: string | object,
	contentType: PatchType,
	opts: PatchOptions = {},
): Promise<KubeObject> {
	const m = await resourceFor(client, ref.apiVersion, ref.kind);
	const namespace = m.namespaced ? ref.namespace : undefined;
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
