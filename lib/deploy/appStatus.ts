// Status: each object as the cluster has it now (present or not, versions) and each
// workload's rollout as `kubectl rollout status --watch=false` would print it. Reads only.
import type { KubeClient, KubeObject, RolloutStatus } from '../kube';
import {
	applyOrder,
	CrdNotInstalledError,
	describeRef,
	getObject,
	refOf,
	rolloutStatus,
} from '../kube';
import { errorMessage } from './failure';
import type { ObjectId, StepName } from './steps';
import { appNamespace, isSecret, isWorkload, objectId, plural, STEP_NAMES } from './steps';

export interface ObjectStatus extends ObjectId {
	/** absent for Secrets, which are not read */
	exists?: boolean;
	note?: string;
	resourceVersion?: string;
	generation?: number;
	observedGeneration?: number;
	rollout?: RolloutStatus;
	warning?: string;
	error?: string;
}

export interface StatusReport {
	operation: 'status';
	namespace?: string;
	/** every object present (CRD-less ones aside) and every rollout done */
	ready: boolean;
	summary: string;
	steps: { step: StepName; status: 'present' | 'partial' | 'missing' | 'skipped' | 'failed' }[];
	objects: ObjectStatus[];
	warnings: string[];
}

export async function appStatus(client: KubeClient, objects: KubeObject[]): Promise<StatusReport> {
	const ordered = applyOrder(objects);
	const results: ObjectStatus[] = [];
	for (const o of ordered) {
		const base = objectId(o);
		if (isSecret(o)) {
			results.push({
				...base,
				note: 'not read: Secrets are written, never read (no get on secrets needed)',
			});
			continue;
		}
		try {
			const live = await getObject(client, refOf(o));
			if (!live) {
				results.push({ ...base, exists: false });
				continue;
			}
			const entry: ObjectStatus = {
				...base,
				exists: true,
				resourceVersion: live.metadata.resourceVersion as string,
			};
			if (live.metadata.generation !== undefined)
				entry.generation = live.metadata.generation as number;
			const observed = (live.status as { observedGeneration?: number } | undefined)
				?.observedGeneration;
			if (observed !== undefined) entry.observedGeneration = observed;
			if (isWorkload(o)) entry.rollout = rolloutStatus({ ...live, kind: o.kind });
			results.push(entry);
		} catch (error) {
			if (error instanceof CrdNotInstalledError) {
				results.push({
					...base,
					exists: false,
					warning: `${describeRef(refOf(o))}: ${error.message}`,
				});
			} else {
				results.push({ ...base, exists: false, error: errorMessage(error) });
			}
		}
	}
	const counted = results.filter((r) => !r.warning && r.exists !== undefined);
	const present = counted.filter((r) => r.exists).length;
	const rollouts = results.filter((r) => r.rollout);
	const rolledOut = rollouts.filter((r) => r.rollout!.done).length;
	return {
		operation: 'status',
		namespace: appNamespace(objects),
		ready:
			present === counted.length && rolledOut === rollouts.length && !results.some((r) => r.error),
		summary: `${present} of ${plural(counted.length, 'object')} present; ${rolledOut} of ${plural(rollouts.length, 'workload')} rolled out`,
		steps: STEP_NAMES.filter((s) => s !== 'setup_auto_repair').map((step) => {
			// Secrets (not read) say nothing about a step's state
			const mine = results.filter(
				(r) => r.step === step && (r.exists !== undefined || !!r.warning),
			);
			const live = mine.filter((r) => r.exists).length;
			const status = mine.some((r) => r.error)
				? 'failed'
				: !mine.length || mine.every((r) => r.warning)
					? 'skipped'
					: live === mine.filter((r) => !r.warning).length
						? 'present'
						: live === 0
							? 'missing'
							: 'partial';
			return { step, status };
		}),
		objects: results,
		warnings: results.filter((r) => r.warning).map((r) => r.warning!),
	};
}
