// The cluster's side of the evidence: the workload's spec and status, its revisions, its pods
// (phase, restarts, why each container is not running), the Warning events of the workload, its
// ReplicaSets and pods, and the conditions of the nodes its pods run on. Read-only: get and list.
import type { KubeClient, KubeObject } from '../kube';
import { getObject, listObjects } from '../kube';
import { podsOf, replicaSetsOf } from '../repair/workload';
import type {
	ContainerEvidence,
	EventEvidence,
	EvidenceTarget,
	NodeEvidence,
	PodEvidence,
	RevisionEvidence,
	WorkloadEvidence,
} from './types';

type Json = Record<string, unknown>;
const obj = (v: unknown): Json => (v !== null && typeof v === 'object' ? (v as Json) : {});
const list = (v: unknown): Json[] => (Array.isArray(v) ? v.map(obj) : []);
const text = (v: unknown): string => (v === undefined || v === null ? '' : String(v));

const REVISION_ANNOTATION = 'deployment.kubernetes.io/revision';
const MAX_EVENTS = 30;

export interface ClusterEvidence {
	workload?: WorkloadEvidence;
	/** the env of the workload's containers, for finding the services it depends on */
	env: { container: string; name: string; value: string }[];
	pods: PodEvidence[];
	events: EventEvidence[];
	nodes: NodeEvidence[];
}

export async function collectCluster(
	client: KubeClient,
	target: EvidenceTarget,
	now: number,
): Promise<ClusterEvidence> {
	const live = await getObject(client, {
		apiVersion: 'apps/v1',
		kind: target.kind,
		namespace: target.namespace,
		name: target.name,
	});
	if (!live) {
		return { env: [], pods: [], events: await warningEvents(client, target, new Set([`${target.kind}/${target.name}`])), nodes: [] };
	}
	const sets = target.kind === 'Deployment' ? await replicaSetsOf(client, live) : [];
	const pods = await podsOf(client, live);
	const owners = new Set<string>([`${live.kind}/${live.metadata.name}`]);
	for (const rs of sets) owners.add(`ReplicaSet/${rs.metadata.name}`);
	for (const p of pods) owners.add(`Pod/${p.metadata.name}`);
	const [events, nodes] = await Promise.all([
		warningEvents(client, target, owners),
		nodeProblems(client, pods),
	]);
	return {
		workload: workloadEvidence(live, sets, now),
		env: envOf(live),
		pods: pods.map(podEvidence),
		events,
		nodes,
	};
}

function podSpecOf(o: KubeObject): Json {
	return obj(obj(obj(o.spec).template).spec);
}

function workloadEvidence(live: KubeObject, sets: KubeObject[], now: number): WorkloadEvidence {
	const status = obj(live.status);
	const revisions: RevisionEvidence[] = sets
		.map((rs) => ({
			revision: Number(rs.metadata.annotations?.[REVISION_ANNOTATION] ?? 0) || 0,
			createdAt: text(rs.metadata.creationTimestamp) || undefined,
			images: list(podSpecOf(rs).containers).map((c) => text(c.image)),
		}))
		.sort((a, b) => b.revision - a.revision)
		.slice(0, 2);
	const created = Date.parse(revisions[0]?.createdAt ?? '');
	return {
		kind: live.kind,
		name: live.metadata.name,
		namespace: text(live.metadata.namespace),
		replicas: Number(obj(live.spec).replicas ?? 1),
		readyReplicas: Number(status.readyReplicas ?? 0),
		updatedReplicas: Number(status.updatedReplicas ?? 0),
		containers: list(podSpecOf(live).containers).map((c) => ({
			name: text(c.name),
			image: text(c.image),
			requests: stringMap(obj(c.resources).requests),
			limits: stringMap(obj(c.resources).limits),
		})),
		revisions,
		rolledOutSecondsAgo:
			revisions.length > 1 && Number.isFinite(created) ? Math.max(0, Math.round((now - created) / 1000)) : undefined,
	};
}

function stringMap(v: unknown): Record<string, string> {
	const out: Record<string, string> = Object.create(null);
	for (const [k, x] of Object.entries(obj(v))) out[k] = text(x);
	return out;
}

function envOf(live: KubeObject): ClusterEvidence['env'] {
	return list(podSpecOf(live).containers).flatMap((c) =>
		list(c.env)
			.filter((e) => typeof e.value === 'string')
			.map((e) => ({ container: text(c.name), name: text(e.name), value: text(e.value) })),
	);
}

function podEvidence(pod: KubeObject): PodEvidence {
	const status = obj(pod.status);
	const problems = list(status.conditions)
		.filter((c) => c.status === 'False' && c.reason)
		.map((c) => `${text(c.type)}: ${text(c.reason)}${c.message ? ` — ${text(c.message)}` : ''}`);
	const statuses = [...list(status.initContainerStatuses), ...list(status.containerStatuses)];
	return {
		name: pod.metadata.name,
		phase: text(status.phase) || 'Unknown',
		node: text(obj(pod.spec).nodeName) || undefined,
		problems,
		containers: statuses.map((s) => containerEvidence(pod.metadata.name, s)),
	};
}

function containerEvidence(pod: string, s: Json): ContainerEvidence {
	const state = obj(s.state);
	const [stateName, detail] = (Object.entries(state)[0] ?? ['unknown', {}]) as [string, unknown];
	const d = obj(detail);
	const last = obj(obj(s.lastState).terminated);
	return {
		pod,
		name: text(s.name),
		image: text(s.image),
		ready: s.ready === true,
		restartCount: Number(s.restartCount ?? 0),
		state: stateName,
		reason: text(d.reason) || undefined,
		message: text(d.message) || undefined,
		lastTermination: last.reason || last.exitCode !== undefined
			? {
					reason: text(last.reason),
					exitCode: Number(last.exitCode ?? 0),
					finishedAt: text(last.finishedAt) || undefined,
					message: text(last.message) || undefined,
				}
			: undefined,
	};
}

async function warningEvents(
	client: KubeClient,
	target: EvidenceTarget,
	owners: Set<string>,
): Promise<EventEvidence[]> {
	const { items } = await listObjects(client, 'v1', 'Event', { namespace: target.namespace });
	return items
		.filter((e) => e.type === 'Warning')
		.filter((e) => {
			const o = obj(e.involvedObject);
			return owners.has(`${text(o.kind)}/${text(o.name)}`);
		})
		.map((e) => {
			const o = obj(e.involvedObject);
			return {
				type: text(e.type),
				reason: text(e.reason),
				message: text(e.message),
				object: `${text(o.kind)} ${text(o.name)}`,
				count: Number(e.count ?? obj(e.series).count ?? 1) || 1,
				lastSeen: text(e.lastTimestamp) || text(e.eventTime) || text(e.metadata.creationTimestamp) || undefined,
			};
		})
		.sort((a, b) => (b.lastSeen ?? '').localeCompare(a.lastSeen ?? ''))
		.slice(0, MAX_EVENTS);
}

// Ready must be True; every other condition (MemoryPressure, DiskPressure, PIDPressure,
// NetworkUnavailable) must not be.
async function nodeProblems(client: KubeClient, pods: KubeObject[]): Promise<NodeEvidence[]> {
	const names = [...new Set(pods.map((p) => text(obj(p.spec).nodeName)).filter(Boolean))];
	const nodes = await Promise.all(names.map((name) => getObject(client, { apiVersion: 'v1', kind: 'Node', name })));
	return nodes.flatMap((node, i) => {
		if (!node) return [{ name: names[i], problems: ['node not found'] }];
		const problems = list(obj(node.status).conditions)
			.filter((c) => (c.type === 'Ready' ? c.status !== 'True' : c.status === 'True'))
			.map((c) => `${text(c.type)}=${text(c.status)}${c.reason ? ` (${text(c.reason)})` : ''}`);
		if (obj(node.spec).unschedulable === true) problems.push('cordoned (unschedulable)');
		return problems.length ? [{ name: names[i], problems }] : [];
	});
}
