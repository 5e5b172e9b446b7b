// Delete Pod: removes one pod of the workload (its controller replaces it). The pod must be one
// the workload controls: a pod name from an alert never reaches another workload's pods.
import { deleteObject } from '../kube';
import type { ActionContext, Prepared } from './change';
import { refuse } from './change';
import { describeTarget } from './target';
import { podsOf } from './workload';

export async function prepareDeletePod(ctx: ActionContext): Promise<Prepared> {
	const { client, target, workload } = ctx;
	if (!workload) return refuse('not_found', `${describeTarget(target)} not found`);
	if (!target.pod) {
		return refuse(
			'no_pod',
			'no pod named: the item has no `pod` label and the Pod parameter is empty',
		);
	}
	const pods = await podsOf(client, workload);
	const pod = pods.find((p) => p.metadata.name === target.pod);
	if (!pod) {
		return refuse(
			'pod_not_found',
			`pod ${target.pod} is not a pod of ${describeTarget(target)} (it runs ${pods.map((p) => p.metadata.name).join(', ') || 'no pods'})`,
		);
	}
	const phase = (pod.status as { phase?: string } | undefined)?.phase ?? '';
	const ref = { apiVersion: 'v1', kind: 'Pod', namespace: target.namespace, name: target.pod };
	return {
		ok: true,
		change: {
			action: 'delete_pod',
			description: `delete pod ${target.pod} of ${describeTarget(target)} (its controller replaces it)`,
			before: { pod: target.pod, phase },
			after: { pod: null },
			verify: 'rollout',
			awaitDeletion: { namespace: target.namespace, name: target.pod },
			async apply(dryRun) {
				const deleted = await deleteObject(client, ref, { dryRun });
				return {
					fields: deleted ? [{ path: `pods/${target.pod}`, op: 'remove', before: { phase } }] : [],
					deleted: deleted ? [`pod/${target.pod}`] : [],
				};
			},
		},
	};
}
