// Cleanup: deletes, in the target's namespace, pods that have failed (evicted ones included)
// and Jobs that have finished (complete or failed), when they ended longer ago than the age
// given. Nothing running, pending or succeeded is touched; failed pods of a Job go with their
// Job, not on their own.
import { deleteObject, listObjects, type KubeObject } from '../kube';
import type { ActionContext, Prepared } from './change';
import { refuse } from './change';

interface PodStatus {
	phase?: string;
	reason?: string;
	startTime?: string;
	conditions?: { lastTransitionTime?: string }[];
	containerStatuses?: { state?: { terminated?: { finishedAt?: string } } }[];
}

interface JobStatus {
	completionTime?: string;
	conditions?: { type?: string; status?: string; lastTransitionTime?: string }[];
}

const ms = (v: string | undefined) => (v ? Date.parse(v) : NaN);
const latest = (...values: number[]) => Math.max(...values.filter(Number.isFinite));

function controllerKind(o: KubeObject): string | undefined {
	const refs = (o.metadata.ownerReferences ?? []) as { kind?: string; controller?: boolean }[];
	return refs.find((r) => r.controller)?.kind;
}

/** When a failed pod ended: its last container termination or condition change. */
export function podEndedAt(pod: KubeObject): number {
	const s = (pod.status ?? {}) as PodStatus;
	return latest(
		ms(String(pod.metadata.creationTimestamp ?? '')),
		ms(s.startTime),
		...(s.conditions ?? []).map((c) => ms(c.lastTransitionTime)),
		...(s.containerStatuses ?? []).map((c) => ms(c.state?.terminated?.finishedAt)),
	);
}

/** When a Job finished, or undefined while it runs. */
export function jobFinishedAt(job: KubeObject): number | undefined {
	const s = (job.status ?? {}) as JobStatus;
	const done = (s.conditions ?? []).find(
		(c) => (c.type === 'Complete' || c.type === 'Failed') && c.status === 'True',
	);
	if (!done) return undefined;
	const at = latest(ms(s.completionTime), ms(done.lastTransitionTime));
	return Number.isFinite(at) ? at : undefined;
}

export interface CleanupSelection {
	pods: { name: string; reason: string; ended: string }[];
	jobs: { name: string; condition: string; finished: string }[];
}

/** What a cleanup at `now` deletes among these pods and jobs (pure: the rule itself). */
export function selectForCleanup(
	pods: KubeObject[],
	jobs: KubeObject[],
	now: number,
	olderThanMs: number,
	what: { pods: boolean; jobs: boolean },
): CleanupSelection {
	const selection: CleanupSelection = { pods: [], jobs: [] };
	if (what.pods) {
		for (const pod of pods) {
			const s = (pod.status ?? {}) as PodStatus;
			if (s.phase !== 'Failed' || controllerKind(pod) === 'Job') continue;
			const ended = podEndedAt(pod);
			if (now - ended < olderThanMs) continue;
			selection.pods.push({
				name: pod.metadata.name,
				reason: s.reason || 'Failed',
				ended: new Date(ended).toISOString(),
			});
		}
	}
	if (what.jobs) {
		for (const job of jobs) {
			const finished = jobFinishedAt(job);
			if (finished === undefined || now - finished < olderThanMs) continue;
			const condition = ((job.status ?? {}) as JobStatus).conditions!.find(
				(c) => (c.type === 'Complete' || c.type === 'Failed') && c.status === 'True',
			)!.type!;
			selection.jobs.push({
				name: job.metadata.name,
				condition,
				finished: new Date(finished).toISOString(),
			});
		}
	}
	return selection;
}

export async function prepareCleanup(ctx: ActionContext): Promise<Prepared> {
	const { client, target, params, now } = ctx;
	const namespace = target.namespace;
	const [pods, jobs] = await Promise.all([
		params.cleanupPods ? listObjects(client, 'v1', 'Pod', { namespace }) : { items: [] },
		params.cleanupJobs ? listObjects(client, 'batch/v1', 'Job', { namespace }) : { items: [] },
	]);
	const selection = selectForCleanup(pods.items, jobs.items, now, params.cleanupOlderThanMs, {
		pods: params.cleanupPods,
		jobs: params.cleanupJobs,
	});
	if (selection.pods.length + selection.jobs.length === 0) {
		return refuse(
			'nothing_to_do',
			`namespace ${namespace} has no failed pods or finished Jobs older than ${Math.round(params.cleanupOlderThanMs / 60_000)} min`,
		);
	}
	return {
		ok: true,
		change: {
			action: 'cleanup',
			description: `delete ${selection.pods.length} failed pod(s) and ${selection.jobs.length} finished Job(s) in namespace ${namespace}`,
			before: {
				failed_pods: selection.pods.map((p) => p.name),
				finished_jobs: selection.jobs.map((j) => j.name),
			},
			after: { failed_pods: [], finished_jobs: [] },
			details: { selection, older_than_minutes: Math.round(params.cleanupOlderThanMs / 60_000) },
			verify: 'none',
			async apply(dryRun) {
				const deleted: string[] = [];
				for (const p of selection.pods) {
					if (
						await deleteObject(
							client,
							{ apiVersion: 'v1', kind: 'Pod', namespace, name: p.name },
							{ dryRun },
						)
					) {
						deleted.push(`pod/${p.name}`);
					}
				}
				for (const j of selection.jobs) {
					// Background propagation (kubectl's default): the Job's pods go with it
					if (
						await deleteObject(
							client,
							{ apiVersion: 'batch/v1', kind: 'Job', namespace, name: j.name },
							{ dryRun },
						)
					) {
						deleted.push(`job/${j.name}`);
					}
				}
				return {
					fields: deleted.map((d) => ({ path: d, op: 'remove' as const })),
					deleted,
				};
			},
		},
	};
}
