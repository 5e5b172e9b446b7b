// The diagnosis rules: each reads the snapshot and either does not apply or names a cause with a
// confidence, the evidence it rests on, the action that can help and those that cannot. The
// table is in the README; the order below only breaks ties between equal confidences.
import type { ContainerEvidence, EvidenceSnapshot } from '../evidence/types';
import type { RepairAction } from '../repair/actions';
import type { Cause, DiagnosisSubject, Recommendation } from './types';

export interface RuleMatch {
	cause: Cause;
	confidence: number;
	summary: string;
	evidence: string[];
	recommended: Recommendation;
	cannotHelp: RepairAction[];
	subject?: DiagnosisSubject;
}

export type Rule = (s: EvidenceSnapshot) => RuleMatch | undefined;

/** A rollout this recent, followed by crashes, is the prime suspect. */
export const RECENT_ROLLOUT_SECONDS = 2 * 60 * 60;
/** Memory or CPU at this share of the limit counts as saturated. */
export const SATURATION_SHARE = 0.9;
export const THROTTLED_SHARE = 0.25;

const containersOf = (s: EvidenceSnapshot): ContainerEvidence[] => s.pods.flatMap((p) => p.containers);
const where = (c: ContainerEvidence) => `pod ${c.pod} container ${c.name}`;

const imagePull: Rule = (s) => {
	const stuck = containersOf(s).filter((c) => /^(ImagePullBackOff|ErrImagePull|InvalidImageName|ErrImageNeverPull)$/.test(c.reason ?? ''));
	const events = s.events.filter((e) => /^(Failed|BackOff|InspectFailed)$/.test(e.reason) && /pull|image/i.test(e.message));
	if (!stuck.length && !events.length) return undefined;
	const image = stuck[0]?.image || /image "([^"]+)"/.exec(events[0]?.message ?? '')?.[1] || '';
	return {
		cause: 'image_pull_failure',
		confidence: stuck.length ? 0.95 : 0.7,
		summary: `the image ${image || '(unknown)'} cannot be pulled: no restart or rollout of the same image can start it`,
		evidence: [
			...stuck.map((c) => `cluster: ${where(c)} is waiting: ${c.reason}${c.message ? ` — ${c.message}` : ''}`),
			...events.slice(0, 3).map((e) => `event: ${e.object} ${e.reason}: ${e.message}`),
		],
		// a rollback to a revision with another image can help; restarting the same image cannot
		recommended: rollbackImageDiffers(s, image) ? 'rollback' : 'escalate',
		cannotHelp: ['restart', 'raise_memory', 'scale', 'delete_pod'],
		subject: image ? { kind: 'image', name: image } : undefined,
	};
};

function rollbackImageDiffers(s: EvidenceSnapshot, image: string): boolean {
	const [current, previous] = s.workload?.revisions ?? [];
	return Boolean(
		image && current && previous && current.images.includes(image) && !previous.images.includes(image),
	);
}

// The kubelet's CreateContainerConfigError messages: `secret "db" not found`,
// `couldn't find key password in Secret app/db`, `configmap "cfg" not found`, ...
function configSubject(message: string, namespace: string): DiagnosisSubject | undefined {
	const key = /couldn't find key (\S+) in (Secret|ConfigMap) (?:([^/\s]+)\/)?(\S+)/i.exec(message);
	if (key) {
		return {
			kind: key[2].toLowerCase() === 'secret' ? 'secret' : 'configmap',
			name: key[4],
			key: key[1],
			namespace: key[3] ?? namespace,
		};
	}
	const missing = /(secret|configmap)s? "([^"]+)" not found/i.exec(message);
	if (missing) return { kind: missing[1].toLowerCase() === 'secret' ? 'secret' : 'configmap', name: missing[2], namespace };
	return undefined;
}

const configuration: Rule = (s) => {
	const stuck = containersOf(s).filter((c) => /^(CreateContainerConfigError|CreateContainerError|RunContainerError)$/.test(c.reason ?? ''));
	const events = s.events.filter((e) => e.reason === 'Failed' && /secret|configmap|config/i.test(e.message));
	const mounts = s.events.filter((e) => e.reason === 'FailedMount' && /secret|configmap/i.test(e.message));
	const logMissing = s.logs.flatMap((l) => l.signals.filter((x) => x.kind === 'missing_config').map((x) => ({ l, x })));
	if (!stuck.length && !events.length && !mounts.length && !logMissing.length) return undefined;
	const message = stuck[0]?.message ?? events[0]?.message ?? mounts[0]?.message ?? '';
	const subject = configSubject(message, s.target.namespace);
	const named = subject
		? `${subject.kind === 'secret' ? 'Secret' : 'ConfigMap'} ${subject.namespace}/${subject.name}${subject.key ? ` key ${subject.key}` : ''}`
		: 'its configuration';
	const firm = stuck.length > 0 || mounts.length > 0;
	return {
		cause: 'configuration_error',
		confidence: firm ? 0.95 : events.length ? 0.8 : 0.55,
		summary: `the container cannot start: ${named} is missing — restarting cannot create it`,
		evidence: [
			...stuck.map((c) => `cluster: ${where(c)} is waiting: ${c.reason}${c.message ? ` — ${c.message}` : ''}`),
			...[...events, ...mounts].slice(0, 3).map((e) => `event: ${e.object} ${e.reason}: ${e.message}`),
			...logMissing.slice(0, 2).map(({ l, x }) => `log: ${l.pod}/${l.container}: ${x.line}`),
		],
		recommended: 'escalate',
		cannotHelp: ['restart', 'raise_memory', 'scale', 'delete_pod'],
		subject,
	};
};

const outOfMemory: Rule = (s) => {
	const killed = containersOf(s).filter(
		(c) => c.lastTermination?.reason === 'OOMKilled' || c.reason === 'OOMKilled',
	);
	const events = s.events.filter((e) => /OOMKill/i.test(e.reason) || /OOMKilled|out of memory/i.test(e.message));
	const logs = s.logs.flatMap((l) => l.signals.filter((x) => x.kind === 'out_of_memory').map((x) => ({ l, x })));
	if (!killed.length && !events.length && !logs.length) return undefined;
	return {
		cause: 'out_of_memory',
		confidence: killed.length ? 0.95 : events.length ? 0.8 : 0.6,
		summary: `the container runs out of memory${killed[0] ? ` (${where(killed[0])} was OOMKilled)` : ''}: raise its memory limit`,
		evidence: [
			...killed.map((c) => `cluster: ${where(c)} last terminated OOMKilled (exit ${c.lastTermination?.exitCode ?? 137}), ${c.restartCount} restarts`),
			...events.slice(0, 2).map((e) => `event: ${e.object} ${e.reason}: ${e.message}`),
			...logs.slice(0, 2).map(({ l, x }) => `log: ${l.pod}/${l.container}: ${x.line}`),
		],
		recommended: 'raise_memory',
		cannotHelp: ['restart', 'scale'],
		subject: killed[0] ? { kind: 'container', name: killed[0].name } : undefined,
	};
};

const dependency: Rule = (s) => {
	const down = s.dependencies.filter((d) => !d.exists || d.readyEndpoints === 0);
	const reach = s.logs.flatMap((l) =>
		l.signals.filter((x) => x.kind === 'connection_refused' || x.kind === 'unknown_host' || x.kind === 'timeout').map((x) => ({ l, x })),
	);
	if (!down.length && !reach.length) return undefined;
	const dep = down.find((d) => d.namedIn.includes('log')) ?? down[0];
	const named = dep
		? `${dep.namespace}/${dep.service}`
		: reach.find((r) => r.x.endpoint)?.x.endpoint ?? 'a dependency';
	// the service having no ready endpoint is the firm part; a log line alone is weaker
	const confidence = dep && reach.length ? 0.9 : dep ? 0.7 : 0.6;
	return {
		cause: 'dependency_unreachable',
		confidence,
		summary: `a dependency is unreachable (${named}${dep ? (dep.exists ? ': no ready endpoints' : ': no such Service') : ''}): restarting this workload cannot bring it back`,
		evidence: [
			...down.map((d) => `cluster: Service ${d.namespace}/${d.service} ${d.exists ? `has ${d.readyEndpoints} ready endpoints (${d.notReadyEndpoints} not ready)` : 'does not exist'}; named in ${d.namedIn.join(', ')}`),
			...reach.slice(0, 3).map(({ l, x }) => `log: ${l.pod}/${l.container}: ${x.line}`),
		],
		recommended: 'escalate',
		cannotHelp: ['restart', 'rollback', 'raise_memory', 'scale', 'delete_pod'],
		subject: dep ? { kind: 'service', name: dep.service, namespace: dep.namespace } : undefined,
	};
};

const crashAfterRollout: Rule = (s) => {
	const w = s.workload;
	if (!w || w.revisions.length < 2 || w.rolledOutSecondsAgo === undefined) return undefined;
	if (w.rolledOutSecondsAgo > RECENT_ROLLOUT_SECONDS) return undefined;
	const crashing = containersOf(s).filter(
		(c) => c.reason === 'CrashLoopBackOff' || (c.restartCount > 0 && c.lastTermination && c.lastTermination.exitCode !== 0),
	);
	if (!crashing.length) return undefined;
	const [current, previous] = w.revisions;
	return {
		cause: 'crash_after_rollout',
		confidence: 0.8,
		summary: `the crashes began with revision ${current.revision}, rolled out ${Math.round(w.rolledOutSecondsAgo / 60)} min ago: roll back to revision ${previous.revision}`,
		evidence: [
			`cluster: revision ${current.revision} (${current.images.join(', ')}) created ${current.createdAt ?? '?'}; previous revision ${previous.revision} (${previous.images.join(', ')})`,
			...crashing.slice(0, 3).map((c) => `cluster: ${where(c)} ${c.reason ?? c.state}, ${c.restartCount} restarts, last exit ${c.lastTermination?.exitCode ?? '?'} ${c.lastTermination?.reason ?? ''}`.trim()),
		],
		recommended: 'rollback',
		cannotHelp: ['restart', 'scale'],
		subject: { kind: 'revision', name: String(current.revision) },
	};
};

const failingProbes: Rule = (s) => {
	const probes = s.events.filter((e) => e.reason === 'Unhealthy' && /probe failed/i.test(e.message));
	if (!probes.length) return undefined;
	const liveness = probes.some((e) => /liveness/i.test(e.message));
	return {
		cause: 'failing_probes',
		confidence: 0.6,
		summary: `the ${liveness ? 'liveness' : 'readiness'} probe fails: the kubelet ${liveness ? 'restarts the container itself' : 'keeps it out of the Service'}, so another restart adds nothing`,
		evidence: probes.slice(0, 3).map((e) => `event: ${e.object} ${e.reason} ×${e.count}: ${e.message}`),
		recommended: 'escalate',
		cannotHelp: ['restart', 'delete_pod'],
	};
};

const nodeProblem: Rule = (s) => {
	const sick = s.nodes.filter((n) => n.problems.length > 0);
	if (!sick.length) return undefined;
	const affected = s.pods.filter((p) => sick.some((n) => n.name === p.node));
	if (!affected.length) return undefined;
	return {
		cause: 'node_problem',
		confidence: 0.75,
		summary: `the pods run on an unwell node (${sick[0].name}: ${sick[0].problems.join(', ')}): move them off it`,
		evidence: sick.map((n) => `cluster: node ${n.name}: ${n.problems.join(', ')} — pods ${affected.filter((p) => p.node === n.name).map((p) => p.name).join(', ')}`),
		recommended: 'delete_pod',
		cannotHelp: ['raise_memory', 'rollback'],
		subject: { kind: 'node', name: sick[0].name },
	};
};

const saturation: Rule = (s) => {
	const hot = s.metrics.filter(
		(m) =>
			(m.cpuThrottled ?? 0) >= THROTTLED_SHARE ||
			(m.cpuCores !== undefined && m.cpuLimitCores ? m.cpuCores / m.cpuLimitCores >= SATURATION_SHARE : false),
	);
	const unschedulable = s.pods.flatMap((p) => p.problems.filter((x) => /Unschedulable|Insufficient/i.test(x)).map((x) => `${p.name}: ${x}`));
	if (!hot.length && !unschedulable.length) return undefined;
	if (unschedulable.length) {
		return {
			cause: 'resource_saturation',
			confidence: 0.8,
			summary: 'the cluster has no room for the pods: more replicas or memory cannot be scheduled either',
			evidence: unschedulable.slice(0, 3).map((x) => `cluster: ${x}`),
			recommended: 'escalate',
			cannotHelp: ['scale', 'raise_memory', 'restart'],
		};
	}
	return {
		cause: 'resource_saturation',
		confidence: 0.65,
		summary: 'the workload is saturated (CPU at its limit or throttled): more replicas relieve it',
		evidence: hot.map(
			(m) =>
				`prometheus: container ${m.container ?? '?'} CPU ${m.cpuCores?.toFixed(2) ?? '?'} of ${m.cpuLimitCores ?? '?'} cores, throttled ${Math.round((m.cpuThrottled ?? 0) * 100)}%`,
		),
		recommended: 'scale',
		cannotHelp: ['restart', 'rollback'],
	};
};

/** In tie order: a container that cannot start outranks one that crashes, and so on. */
export const RULES: Rule[] = [
	imagePull,
	configuration,
	outOfMemory,
	dependency,
	crashAfterRollout,
	nodeProblem,
	saturation,
	failingProbes,
];
