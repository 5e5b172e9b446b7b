// `kubectl rollout undo deployment/<name> [--to-revision=N]`, done client-side as kubectl does
// it (exactness.md 4.2): find the Deployment's ReplicaSets, pick the revision (the previous one
// by default), and send one JSON patch replacing the pod template (without pod-template-hash)
// and the annotations. The Deployment controller then rolls to it.
import { InvalidInputError } from '../errors';
import type { KubeClient } from './client';
import type { KubeObject } from './objects';
import { getObject, listObjects, patchObject } from './objects';

export const REVISION_ANNOTATION = 'deployment.kubernetes.io/revision';
// annotations a rollback keeps from the Deployment instead of taking the ReplicaSet's
const ROLLBACK_SKIPPED_ANNOTATIONS = [
	'kubectl.kubernetes.io/last-applied-configuration',
	REVISION_ANNOTATION,
	'deployment.kubernetes.io/revision-history',
	'deployment.kubernetes.io/desired-replicas',
	'deployment.kubernetes.io/max-replicas',
	'deprecated.deployment.rollback.to',
];

interface Template {
	metadata?: {
		labels?: Record<string, string>;
		annotations?: Record<string, string>;
		[k: string]: unknown;
	};
	spec?: unknown;
}
interface Selector {
	matchLabels?: Record<string, string>;
	matchExpressions?: { key: string; operator: string; values?: string[] }[];
}

export interface RollbackOptions {
	/** 0 (default): the previous revision */
	toRevision?: number;
	dryRun?: boolean;
	/** kubectl sends none (the server then names the manager after the User-Agent) */
	fieldManager?: string;
}

export interface RollbackResult {
	/** the revision rolled back to */
	revision: number;
	/** kubectl's "skipped rollback": the template already matched */
	skipped: boolean;
	message: string;
	/** the JSON patch sent (absent when skipped) */
	patch?: string;
	object: KubeObject;
}

/** metav1.LabelSelectorAsSelector(...).String(): requirements sorted by key. */
export function selectorString(selector: Selector): string {
	const reqs: [string, string][] = [];
	for (const [k, v] of Object.entries(selector.matchLabels ?? {})) reqs.push([k, `${k}=${v}`]);
	for (const e of selector.matchExpressions ?? []) {
		const values = [...(e.values ?? [])].sort().join(',');
		const text =
			e.operator === 'In'
				? `${e.key} in (${values})`
				: e.operator === 'NotIn'
					? `${e.key} notin (${values})`
					: e.operator === 'Exists'
						? e.key
						: `!${e.key}`;
		reqs.push([e.key, text]);
	}
	return reqs
		.sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
		.map(([, t]) => t)
		.join(',');
}

function withoutHash(t: Template | undefined): Template {
	const copy = JSON.parse(JSON.stringify(t ?? {})) as Template;
	if (copy.metadata?.labels) delete copy.metadata.labels['pod-template-hash'];
	return copy;
}

function canonical(v: unknown): string {
	if (Array.isArray(v)) return `[${v.map(canonical).join(',')}]`;
	if (v && typeof v === 'object') {
		return `{${Object.keys(v)
			.filter((k) => (v as Record<string, unknown>)[k] !== undefined)
			.sort()
			.map((k) => `${JSON.stringify(k)}:${canonical((v as Record<string, unknown>)[k])}`)
			.join(',')}}`;
	}
	return JSON.stringify(v);
}

/** Pod templates equal, ignoring the pod-template-hash label (and a null creationTimestamp). */
export function templatesEqual(a: Template | undefined, b: Template | undefined): boolean {
	const norm = (t: Template | undefined) => {
		const c = withoutHash(t);
		if (c.metadata && c.metadata.creationTimestamp === null) delete c.metadata.creationTimestamp;
		return canonical(c);
	};
	return norm(a) === norm(b);
}

/** deploymentutil.Revision: missing → 0, unparsable → undefined (the ReplicaSet is skipped). */
function revisionOf(rs: KubeObject): number | undefined {
	const v = rs.metadata.annotations?.[REVISION_ANNOTATION];
	if (v === undefined) return 0;
	return /^-?\d+$/.test(v) ? Number(v) : undefined;
}

export async function rollbackToRevision(
	client: KubeClient,
	ref: { namespace: string; name: string },
	opts: RollbackOptions = {},
): Promise<RollbackResult> {
	const toRevision = opts.toRevision ?? 0;
	if (toRevision < 0)
		throw new InvalidInputError(
			`unable to find specified revision ${toRevision} in history`,
			'toRevision',
		);
	const deployment = await getObject(client, { apiVersion: 'apps/v1', kind: 'Deployment', ...ref });
	if (!deployment)
		throw new InvalidInputError(`Deployment ${ref.namespace}/${ref.name} not found`, 'name');
	const spec = deployment.spec as { selector?: Selector; template?: Template; paused?: boolean };
	const uid = deployment.metadata.uid;
	const { items } = await listObjects(client, 'apps/v1', 'ReplicaSet', {
		namespace: ref.namespace,
		labelSelector: selectorString(spec.selector ?? {}),
	});
	const owned = items.filter((rs) =>
		((rs.metadata.ownerReferences ?? []) as { uid?: string; controller?: boolean }[]).some(
			(o) => o.controller && o.uid === uid,
		),
	);
	// the "new" ReplicaSet: the oldest whose template matches the Deployment's
	const byAge = [...owned].sort(
		(a, b) =>
			String(a.metadata.creationTimestamp ?? '').localeCompare(
				String(b.metadata.creationTimestamp ?? ''),
			) || a.metadata.name.localeCompare(b.metadata.name),
	);
	const newRS = byAge.find((rs) =>
		templatesEqual((rs.spec as { template?: Template }).template, spec.template),
	);
	const allRSs = [...owned.filter((rs) => rs !== newRS), ...(newRS ? [newRS] : [])];
	let selected: KubeObject | undefined;
	if (toRevision > 0) {
		selected = allRSs.find((rs) => revisionOf(rs) === toRevision);
		if (!selected)
			throw new InvalidInputError(
				`unable to find specified revision ${toRevision} in history`,
				'toRevision',
			);
	} else {
		let latest = -1;
		let previous = -1;
		let latestRS: KubeObject | undefined;
		for (const rs of allRSs) {
			const v = revisionOf(rs);
			if (v === undefined) continue;
			if (latest < v) {
				[previous, selected] = [latest, latestRS];
				[latest, latestRS] = [v, rs];
			} else if (previous < v) {
				[previous, selected] = [v, rs];
			}
		}
		if (!selected)
			throw new InvalidInputError(`no rollout history found for deployment "${ref.name}"`, 'name');
	}
	if (spec.paused) {
		throw new InvalidInputError(
			"you cannot rollback a paused deployment; resume it first with 'kubectl rollout resume' and try again",
			'name',
		);
	}
	const revision = revisionOf(selected) ?? 0;
	const rsTemplate = (selected.spec as { template?: Template }).template;
	if (templatesEqual(rsTemplate, spec.template)) {
		return {
			revision,
			skipped: true,
			message: `skipped rollback (current template already matches revision ${toRevision})`,
			object: deployment,
		};
	}
	const template = withoutHash(rsTemplate);
	const { labels, annotations: templateAnnotations, ...restMeta } = template.metadata ?? {};
	delete restMeta.creationTimestamp;
	// Go marshals ObjectMeta in field order: creationTimestamp (null), labels, annotations
	const value = {
		metadata: {
			...restMeta,
			creationTimestamp: null,
			...(labels ? { labels } : {}),
			...(templateAnnotations ? { annotations: templateAnnotations } : {}),
		},
		spec: template.spec,
	};
	const annotations: Record<string, string> = {};
	const current = deployment.metadata.annotations ?? {};
	for (const k of ROLLBACK_SKIPPED_ANNOTATIONS)
		if (current[k] !== undefined) annotations[k] = current[k];
	for (const [k, v] of Object.entries(selected.metadata.annotations ?? {})) {
		if (!ROLLBACK_SKIPPED_ANNOTATIONS.includes(k)) annotations[k] = v;
	}
	const sorted = Object.fromEntries(
		Object.entries(annotations).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)),
	);
	const patch = JSON.stringify([
		{ op: 'replace', path: '/spec/template', value },
		{ op: 'replace', path: '/metadata/annotations', value: sorted },
	]);
	const object = await patchObject(
		client,
		{ apiVersion: 'apps/v1', kind: 'Deployment', ...ref },
		patch,
		'application/json-patch+json',
		{
			dryRun: opts.dryRun,
			fieldManager: opts.fieldManager,
		},
	);
	return {
		revision,
		skipped: false,
		message: `deployment.apps/${ref.name} rolled back`,
		patch,
		object,
	};
}
