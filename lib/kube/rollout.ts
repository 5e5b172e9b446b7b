// Waiting for a rollout as `kubectl rollout status` does: follow the workload (one list, then
// one watch — no polling) and evaluate kubectl's rules on every change, until done, an error
// condition (progress deadline exceeded), deletion, or the timeout. A timeout carries the
// last status line kubectl would have printed.
import type { KubeClient } from './client';
import { RolloutFailedError, RolloutTimeoutError } from './errors';
import type { KubeObject, ObjectRef } from './objects';
import { describeRef } from './objects';
import type { RolloutStatus } from './rolloutStatus';
import { rolloutStatus } from './rolloutStatus';
import { watchObject } from './watchObject';

export interface WaitOptions {
	timeoutMs: number;
	/** for Deployments: the revision that must be running (kubectl --revision) */
	revision?: number;
	/** every status line as it changes */
	onStatus?: (status: RolloutStatus, object: KubeObject) => void;
}

export interface RolloutResult {
	message: string;
	object: KubeObject;
	durationMs: number;
}

export async function waitForRollout(
	client: KubeClient,
	ref: ObjectRef,
	opts: WaitOptions,
): Promise<RolloutResult> {
	const started = Date.now();
	const name = describeRef(ref);
	let last: RolloutStatus = { done: false, message: 'no status observed yet' };
	let lastObject: KubeObject | undefined;
	const result = await watchObject(client, ref, opts.timeoutMs, (event) => {
		if (event.type === 'DELETED')
			throw new RolloutFailedError(name, `${name}: object has been deleted`);
		if (!event.object) throw new RolloutFailedError(name, `${name} not found`);
		const status = rolloutStatus({ ...event.object, kind: ref.kind }, opts.revision ?? 0);
		if (status.message !== last.message) opts.onStatus?.(status, event.object);
		last = status;
		lastObject = event.object;
		if (status.error) throw new RolloutFailedError(name, `${name}: ${status.error}`);
		return status.done
			? { message: status.message, object: event.object, durationMs: Date.now() - started }
			: undefined;
	});
	if ('value' in result) return result.value;
	throw new RolloutTimeoutError(name, opts.timeoutMs, last.message, lastObject?.status);
}
