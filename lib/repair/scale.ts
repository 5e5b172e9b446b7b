// Scale: to N replicas or by +k, capped by the app policy's max-replicas and the node's
// ceiling; refused when a HorizontalPodAutoscaler owns the replicas (it would undo the change).
// Sent as `kubectl scale` sends it: a merge patch {"spec":{"replicas":N}} of the scale subresource.
import { diffObject, patchObject } from '../kube';
import type { ActionContext, Prepared } from './change';
import { refuse } from './change';

import { describeTarget } from './target';
import { hpaFor, replicasOf, workloadRef } from './workload';

export async function prepareScale(ctx: ActionContext): Promise<Prepared> {
	const { client, target, workload, policy, params } = ctx;
	if (!workload) return refuse('not_found', `${describeTarget(target)} not found`);
	const hpa = await hpaFor(client, workload);
	if (hpa) {
		return refuse(
			'hpa_owns_replicas',
			`HorizontalPodAutoscaler ${hpa.metadata.name} owns the replicas of ${describeTarget(target)}: scaling by hand would be undone; change the HPA instead`,
			{ needs_human: true },
		);
	}
	// never to 0: taking an app down is not a repair
	if (!Number.isInteger(params.replicas) || params.replicas < 1) {
		return refuse(
			'invalid_replicas',
			`replicas must be a whole number ≥ 1, got ${params.replicas}`,
		);
	}
	const current = replicasOf(workload);
	const wanted = params.scaleMode === 'to' ? params.replicas : current + params.replicas;
	const caps = [
		{ source: 'the node’s Max Replicas', value: params.maxReplicas },
		...(policy ? [{ source: 'app policy max-replicas', value: policy.maxReplicas }] : []),
	].sort((a, b) => a.value - b.value);
	const cap = caps[0];
	const to = Math.min(wanted, cap.value);
	if (to === current) {
		return wanted > cap.value
			? refuse(
					'at_replica_ceiling',
					`${describeTarget(target)} already runs ${current} replicas, the ceiling (${cap.source} ${cap.value})`,
					{
						needs_human: true,
					},
				)
			: refuse('nothing_to_do', `${describeTarget(target)} already runs ${current} replicas`);
	}
	const ref = workloadRef(target);
	return {
		ok: true,
		change: {
			action: 'scale',
			description: `scale ${describeTarget(target)} from ${current} to ${to} replicas${to < wanted ? ` (capped by ${cap.source} ${cap.value})` : ''}`,
			before: { replicas: current },
			after: { replicas: to },
			details: {
				wanted,
				caps: caps.map((c) => ({ source: c.source, replicas: c.value })),
				limited_by: to < wanted ? cap.source : null,
			},
			verify: 'rollout',
			async apply(dryRun) {
				const scale = await patchObject(
					client,
					ref,
					{ spec: { replicas: to } },
					'application/merge-patch+json',
					{
						dryRun,
						subresource: 'scale',
					},
				);
				const replicas = (scale.spec as { replicas?: number } | undefined)?.replicas;
				return {
					fields: diffObject({ spec: { replicas: current } }, { spec: { replicas } }, target.name)
						.changes,
				};
			},
		},
	};
}
