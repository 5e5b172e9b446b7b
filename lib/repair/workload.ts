// Reading what a repair needs to know about its workload: the object, its containers and
// replicas, its pods, the HPA that owns its replicas, and its latest rollout.
import {
	getObject,
	listObjects,
	REVISION_ANNOTATION,
	selectorString,
	type KubeClient,
	type KubeObject,
	type ObjectRef,
} from '../kube';
import type { RepairTarget } from './target';

export function workloadRef(t: Pick<RepairTarget, 'namespace' | 'kind' | 'name'>): ObjectRef {
	return { apiVersion: 'apps/v1', kind: t.kind, namespace: t.namespace, name: t.name };
}

export function readWorkload(client: KubeClient, t: RepairTarget): Promise<KubeObject | undefined> {
	return getObject(client, workloadRef(t));
}

export interface ContainerResources {
	name: string;
	limits: Record<string, string>;
	requests: Record<string, string>;
}

interface PodTemplate {
	spec?: {
		containers?: {
			name: string;
			resources?: { limits?: Record<string, string>; requests?: Record<string, string> };
		}[];
	};
}

export function templateOf(workload: KubeObject): PodTemplate {
	return ((workload.spec as { template?: PodTemplate } | undefined)?.template ?? {}) as PodTemplate;
}

export function containersOf(workload: KubeObject): ContainerResources[] {
	return (templateOf(workload).spec?.containers ?? []).map((c) => ({
		name: c.name,
		limits: { ...(c.resources?.limits ?? {}) },
		requests: { ...(c.resources?.requests ?? {}) },
	}));
}

/** Pods the workload runs: spec.replicas (Deployment, StatefulSet) or the DaemonSet's desired count. */
export function replicasOf(workload: KubeObject): number {
	const spec = workload.spec as { replicas?: number } | undefined;
	if (workload.kind === 'DaemonSet') {
		return Number(
			(workload.status as { desiredNumberScheduled?: number } | undefined)
				?.desiredNumberScheduled ?? 1,
		);
	}
	return spec?.replicas ?? 1;
}

function controllerUid(o: KubeObject): string | undefined {
	const refs = (o.metadata.ownerReferences ?? []) as { uid?: string; controller?: boolean }[];
	return refs.find((r) => r.controller)?.uid;
}

/** The workload's selector as a label selector string. */
export function workloadSelector(workload: KubeObject): string {
	return selectorString(
		(workload.spec as { selector?: Record<string, unknown> } | undefined)?.selector ?? {},
	);
}

/** The Deployment's ReplicaSets (selected and controlled by it), any order. */
export async function replicaSetsOf(
	client: KubeClient,
	deployment: KubeObject,
): Promise<KubeObject[]> {
	const { items } = await listObjects(client, 'apps/v1', 'ReplicaSet', {
		namespace: deployment.metadata.namespace,
		labelSelector: workloadSelector(deployment),
	});
	return items.filter((rs) => controllerUid(rs) === deployment.metadata.uid);
}

/** The pods the workload controls (through its ReplicaSets for a Deployment). */
export async function podsOf(client: KubeClient, workload: KubeObject): Promise<KubeObject[]> {
	const owners = new Set<string>([String(workload.metadata.uid)]);
	if (workload.kind === 'Deployment') {
		for (const rs of await replicaSetsOf(client, workload)) owners.add(String(rs.metadata.uid));
	}
	const { items } = await listObjects(client, 'v1', 'Pod', {
		namespace: workload.metadata.namespace,
		labelSelector: workloadSelector(workload),
	});
	return items.filter((p) => owners.has(controllerUid(p) ?? ''));
}

/** The HorizontalPodAutoscaler whose scaleTargetRef is the workload, if any. */
export async function hpaFor(
	client: KubeClient,
	workload: KubeObject,
): Promise<KubeObject | undefined> {
	const { items } = await listObjects(client, 'autoscaling/v2', 'HorizontalPodAutoscaler', {
		namespace: workload.metadata.namespace,
	});
	return items.find((h) => {
		const ref = (h.spec as { scaleTargetRef?: { kind?: string; name?: string } } | undefined)
			?.scaleTargetRef;
		return ref?.kind === workload.kind && ref?.name === workload.metadata.name;
	});
}

const revisionOf = (rs: KubeObject) =>
	Number(rs.metadata.annotations?.[REVISION_ANNOTATION] ?? 0) || 0;

/**
 * The Deployment's latest rollout when it happened within `windowMs` before `now` and there is
 * an earlier revision to go back to: the newest revision's ReplicaSet and when it was created.
 */
export async function recentRollout(
	client: KubeClient,
	deployment: KubeObject,
	now: number,
	windowMs: number,
): Promise<{ revision: number; at: string } | null> {
	const sets = await replicaSetsOf(client, deployment);
	if (sets.length < 2) return null;
	const latest = sets.reduce((a, b) => (revisionOf(b) > revisionOf(a) ? b : a));
	const created = Date.parse(String(latest.metadata.creationTimestamp ?? ''));
	if (!Number.isFinite(created) || now - created > windowMs || created > now + 60_000) return null;
	return { revision: revisionOf(latest), at: new Date(created).toISOString() };
}
