// Raise Memory: the container's memory limit × factor (request left ≤ limit), capped by the
// lowest of the app policy, the node's ceiling, the namespace LimitRange and what the
// ResourceQuotas leave. Sent as a strategic merge patch of that one field, as `kubectl set
// resources` would change it. The 7-day raise cap is the guard store's (guards.ts).
import { diffObject, listObjects, patchObject, type KubeObject } from '../kube';
import type { ActionContext, Prepared } from './change';
import { refuse } from './change';
import { parseQuantity, planMemoryRaise, type LimitRangeItem, type QuotaStatus } from './memory';

import { describeTarget } from './target';
import { containersOf, replicasOf, workloadRef } from './workload';

export async function prepareRaiseMemory(ctx: ActionContext): Promise<Prepared> {
	const { client, target, workload, policy, params } = ctx;
	if (!workload) return refuse('not_found', `${describeTarget(target)} not found`);
	const containers = containersOf(workload);
	const chosen = target.container
		? containers.find((c) => c.name === target.container)
		: containers.length === 1
			? containers[0]
			: undefined;
	if (!chosen) {
		return refuse(
			'container_unknown',
			target.container
				? `${describeTarget(target)} has no container ${target.container} (it has ${containers.map((c) => c.name).join(', ')})`
				: `${describeTarget(target)} has ${containers.length} containers (${containers.map((c) => c.name).join(', ')}): say which one (the alert's container label, or the Container parameter)`,
		);
	}
	const namespace = target.namespace;
	const [limitRanges, quotas] = await Promise.all([
		listObjects(client, 'v1', 'LimitRange', { namespace }),
		listObjects(client, 'v1', 'ResourceQuota', { namespace }),
	]);
	// the node's own ceiling and the app policy's: the lower applies (both are caps)
	const ceilings = [policy?.maxMemory, params.maxMemory].filter((v): v is string => !!v);
	const policyMax = ceilings.sort((a, b) => parseQuantity(a) - parseQuantity(b))[0];
	const plan = planMemoryRaise({
		container: { name: chosen.name, limit: chosen.limits.memory, request: chosen.requests.memory },
		otherContainers: containers
			.filter((c) => c !== chosen)
			.map((c) => ({ name: c.name, limit: c.limits.memory, request: c.requests.memory })),
		replicas: replicasOf(workload),
		factor: params.memoryFactor,
		policyMax,
		limitRanges: limitRanges.items.map((lr: KubeObject) => ({
			name: lr.metadata.name,
			limits: ((lr.spec as { limits?: LimitRangeItem[] })?.limits ?? []) as LimitRangeItem[],
		})),
		quotas: quotas.items.map(
			(q: KubeObject): QuotaStatus => ({
				name: q.metadata.name,
				hard: {
					...((q.status as { hard?: Record<string, string> })?.hard ??
						(q.spec as { hard?: Record<string, string> })?.hard ??
						{}),
				},
				used: { ...((q.status as { used?: Record<string, string> })?.used ?? {}) },
			}),
		),
	});
	if (!plan.ok) return refuse(plan.code, plan.reason, { needs_human: true });
	const patch = {
		spec: {
			template: {
				spec: { containers: [{ name: chosen.name, resources: { limits: { memory: plan.to } } }] },
			},
		},
	};
	return {
		ok: true,
		change: {
			action: 'raise_memory',
			description: `raise the memory limit of container ${chosen.name} of ${describeTarget(target)} from ${plan.from} to ${plan.to}`,
			before: {
				container: chosen.name,
				memory_limit: plan.from,
				memory_request: chosen.requests.memory ?? null,
			},
			after: {
				container: chosen.name,
				memory_limit: plan.to,
				memory_request: chosen.requests.memory ?? null,
			},
			details: {
				factor: params.memoryFactor,
				caps: plan.caps.map((c) => ({ source: c.source, bytes: c.bytes })),
				limited_by: plan.limitedBy,
			},
			verify: 'rollout',
			async apply(dryRun) {
				const after = await patchObject(
					client,
					workloadRef(target),
					patch,
					'application/strategic-merge-patch+json',
					{
						dryRun,
					},
				);
				return { fields: diffObject(workload, after, target.name).changes };
			},
		},
	};
}
