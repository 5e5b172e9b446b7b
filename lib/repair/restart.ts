// Restart: `kubectl rollout restart` (lib/kube rolloutRestart) — the restartedAt annotation on
// the pod template, sent as exactly the strategic merge patch kubectl sends.
import { diffObject, RESTARTED_AT, rolloutRestart } from '../kube';
import type { ActionContext, Prepared } from './change';
import { describeTarget } from './target';

export function prepareRestart(ctx: ActionContext): Prepared {
	const { client, target, workload } = ctx;
	const annotations =
		(workload?.spec as { template?: { metadata?: { annotations?: Record<string, string> } } })
			?.template?.metadata?.annotations ?? {};
	if (target.kind === 'Deployment' && (workload?.spec as { paused?: boolean })?.paused) {
		return {
			ok: false,
			refusal: {
				code: 'paused',
				reason: "can't restart paused deployment (run rollout resume first)",
				needs_human: true,
			},
		};
	}
	return {
		ok: true,
		change: {
			action: 'restart',
			description: `rollout restart of ${describeTarget(target)}`,
			before: { restartedAt: annotations[RESTARTED_AT] ?? null },
			after: { restartedAt: null },
			verify: 'rollout',
			async apply(dryRun) {
				const r = await rolloutRestart(
					client,
					{ kind: target.kind, namespace: target.namespace, name: target.name },
					{ dryRun, now: new Date(ctx.now) },
				);
				this.after = { restartedAt: r.restartedAt };
				return { fields: diffObject(workload, r.object, target.name).changes };
			},
		},
	};
}
