// Rollback: what `kubectl rollout undo` does client-side (lib/kube rollbackToRevision) — the
// previous ReplicaSet by deployment.kubernetes.io/revision (or a given revision), its pod
// template without pod-template-hash. Refused, with kubectl's words, when there is none.
import { InvalidInputError } from '../errors';
import {
	diffObject,
	REVISION_ANNOTATION,
	rollbackToRevision,
	type KubeObject,
	type RollbackResult,
} from '../kube';
import type { ActionContext, Prepared } from './change';
import { refuse } from './change';
import { describeTarget } from './target';

function images(o: KubeObject | undefined): Record<string, string> {
	const containers =
		(o?.spec as { template?: { spec?: { containers?: { name: string; image?: string }[] } } })
			?.template?.spec?.containers ?? [];
	return Object.fromEntries(containers.map((c) => [c.name, c.image ?? '']));
}

export async function prepareRollback(ctx: ActionContext): Promise<Prepared> {
	const { client, target, workload, params } = ctx;
	const ref = { namespace: target.namespace, name: target.name };
	let preview: RollbackResult;
	try {
		// The server's dry run of the exact patch: it finds the revision, and proves the patch valid.
		preview = await rollbackToRevision(client, ref, {
			toRevision: params.toRevision,
			dryRun: true,
		});
	} catch (error) {
		if (!(error instanceof InvalidInputError)) throw error;
		const m = error.message;
		if (/no rollout history found/.test(m)) {
			return refuse('no_previous_revision', `${m}: there is no previous revision to roll back to`, {
				needs_human: true,
			});
		}
		if (/unable to find specified revision/.test(m)) return refuse('revision_not_found', m);
		if (/paused/.test(m)) return refuse('paused', m, { needs_human: true });
		throw error;
	}
	if (preview.skipped) {
		return refuse(
			'already_at_revision',
			`the Deployment already runs the template of revision ${preview.revision}: nothing to roll back`,
		);
	}
	const current = workload?.metadata.annotations?.[REVISION_ANNOTATION] ?? null;
	return {
		ok: true,
		change: {
			action: 'rollback',
			description: `roll back ${describeTarget(target)} from revision ${current} to revision ${preview.revision}`,
			before: { revision: current === null ? null : Number(current), images: images(workload) },
			after: { revision: preview.revision, images: images(preview.object) },
			details: { to_revision: preview.revision },
			verify: 'rollout',
			async apply(dryRun) {
				const r = dryRun
					? preview
					: await rollbackToRevision(client, ref, { toRevision: preview.revision, dryRun: false });
				return { fields: diffObject(workload, r.object, target.name).changes };
			},
		},
	};
}
