// Following one object until a condition holds, the way kubectl's wait and rollout status do:
// list it by name (fieldSelector metadata.name=<name>), then watch from that list's
// resourceVersion; a watch the server closes is resumed from the last version seen, a 410
// (history compacted) starts over with a list. One list and one watch in the usual case.
import type { KubeClient } from './client';
import { KubeApiError } from './errors';
import type { KubeObject, ObjectRef } from './objects';
import { listObjects } from './objects';
import { qualifiedResource, resourceFor, resourcePath } from './resources';

/** What the check sees: the listed object (undefined when absent) or a watch event. */
export type ObjectEvent =
	| { type: 'LISTED'; object: KubeObject | undefined }
	| { type: 'ADDED' | 'MODIFIED' | 'DELETED'; object: KubeObject };

export type WatchResult<T> = { value: T } | { timedOut: true };

/**
 * Calls `check` with the object's state as it changes until it returns a value (resolved),
 * throws (rejected) or `timeoutMs` passes ({ timedOut: true }).
 */
export async function watchObject<T>(
	client: KubeClient,
	ref: ObjectRef,
	timeoutMs: number,
	check: (event: ObjectEvent) => T | undefined,
): Promise<WatchResult<T>> {
	const deadline = Date.now() + timeoutMs;
	const m = await resourceFor(client, ref.apiVersion, ref.kind);
	const target = {
		verb: 'watch',
		resource: qualifiedResource(m),
		namespace: ref.namespace,
		name: ref.name,
	};
	const fieldSelector = `metadata.name=${ref.name}`;
	let resourceVersion: string | undefined;
	for (;;) {
		if (resourceVersion === undefined) {
			const list = await listObjects(client, ref.apiVersion, ref.kind, {
				namespace: ref.namespace,
				fieldSelector,
			});
			const value = check({ type: 'LISTED', object: list.items[0] });
			if (value !== undefined) return { value };
			resourceVersion = list.resourceVersion;
		}
		const remaining = deadline - Date.now();
		if (remaining <= 0) return { timedOut: true };
		const outcome = await new Promise<{ value?: T; expired?: boolean; timedOut?: boolean }>(
			(resolve, reject) => {
				let settled = false;
				let stop: (() => void) | undefined;
				const finish = (fn: () => void) => {
					if (settled) return;
					settled = true;
					clearTimeout(timer);
					stop?.();
					fn();
				};
				const timer = setTimeout(() => finish(() => resolve({ timedOut: true })), remaining);
				client
					.watch(
						resourcePath(m, ref.namespace),
						{
							fieldSelector,
							resourceVersion,
							timeoutSeconds: Math.max(1, Math.ceil(remaining / 1000)),
						},
						target,
						(type, object) => {
							if (settled || type === 'BOOKMARK') return;
							if (type === 'ERROR') {
								const code = Number((object as { code?: number }).code) || 500;
								return finish(() =>
									code === 410
										? resolve({ expired: true })
										: reject(new KubeApiError(target, code, object)),
								);
							}
							const o = object as unknown as KubeObject;
							resourceVersion = String(o.metadata?.resourceVersion ?? resourceVersion);
							try {
								const value = check({ type: type as 'ADDED' | 'MODIFIED' | 'DELETED', object: o });
								if (value !== undefined) finish(() => resolve({ value }));
							} catch (error) {
								finish(() => reject(error));
							}
						},
						(error) =>
							finish(() => {
								if (error instanceof KubeApiError && error.code === 410) resolve({ expired: true });
								else if (error) reject(error);
								else resolve({}); // closed by the server: resume from the last version
							}),
					)
					.then(
						(s) => {
							stop = s;
							if (settled) s();
						},
						(error) => finish(() => reject(error)),
					);
			},
		);
		if (outcome.value !== undefined) return { value: outcome.value };
		if (outcome.timedOut || Date.now() >= deadline) return { timedOut: true };
		if (outcome.expired) resourceVersion = undefined;
	}
}

/** Waits until the object no longer exists; false when it is still there after timeoutMs. */
export async function waitForDeletion(
	client: KubeClient,
	ref: ObjectRef,
	timeoutMs: number,
): Promise<boolean> {
	const result = await watchObject(client, ref, timeoutMs, (e) =>
		(e.type === 'LISTED' && !e.object) || e.type === 'DELETED' ? true : undefined,
	);
	return 'value' in result;
}
