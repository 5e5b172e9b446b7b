// `kubectl rollout restart`: stamp the pod template with kubectl.kubernetes.io/restartedAt,
// sent as kubectl sends it — a strategic merge patch whose body is exactly
// {"spec":{"template":{"metadata":{"annotations":{"kubectl.kubernetes.io/restartedAt":"<t>"}}}}},
// the time in RFC 3339 at second precision in the local time zone (exactness.md 4.1).
import { InvalidInputError } from '../errors';
import type { KubeClient } from './client';
import type { KubeObject } from './objects';
import { getObject, patchObject } from './objects';

export const RESTARTED_AT = 'kubectl.kubernetes.io/restartedAt';

export interface WorkloadRef {
	kind: 'Deployment' | 'StatefulSet' | 'DaemonSet';
	namespace: string;
	name: string;
}

export interface RestartOptions {
	dryRun?: boolean;
	now?: Date;
	/** default `n8n-aiops`; kubectl sends `kubectl-rollout` */
	fieldManager?: string;
}

export interface RestartResult {
	restartedAt: string;
	previousRestartedAt?: string;
	/** the patch body sent */
	patch: string;
	object: KubeObject;
}

const pad = (n: number) => String(Math.trunc(Math.abs(n))).padStart(2, '0');

/** Go's time.Now().Format(time.RFC3339) in the local zone: 2024-05-01T14:34:56+02:00, or Z at UTC. */
export function rfc3339Local(d: Date): string {
	const date = `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}`;
	const time = `${pad(d.getHours())}:${pad(d.getMinutes())}:${pad(d.getSeconds())}`;
	const offset = -d.getTimezoneOffset();
	const zone =
		offset === 0 ? 'Z' : `${offset > 0 ? '+' : '-'}${pad(offset / 60)}:${pad(offset % 60)}`;
	return `${date}T${time}${zone}`;
}

export async function rolloutRestart(
	client: KubeClient,
	ref: WorkloadRef,
	opts: RestartOptions = {},
): Promise<RestartResult> {
	const apiVersion = 'apps/v1';
	const live = await getObject(client, {
		apiVersion,
		kind: ref.kind,
		namespace: ref.namespace,
		name: ref.name,
	});
	if (!live)
		throw new InvalidInputError(`${ref.kind} ${ref.namespace}/${ref.name} not found`, 'name');
	const spec = (live.spec ?? {}) as {
		paused?: boolean;
		template?: { metadata?: { annotations?: Record<string, string> } };
	};
	if (ref.kind === 'Deployment' && spec.paused) {
		throw new InvalidInputError(
			"can't restart paused deployment (run rollout resume first)",
			'name',
		);
	}
	const restartedAt = rfc3339Local(opts.now ?? new Date());
	const previous = spec.template?.metadata?.annotations?.[RESTARTED_AT];
	if (previous === restartedAt) {
		throw new InvalidInputError(
			`failed to create patch for ${ref.name}: if restart has already been triggered within the past second, please wait before attempting to trigger another`,
			'name',
		);
	}
	const patch = JSON.stringify({
		spec: { template: { metadata: { annotations: { [RESTARTED_AT]: restartedAt } } } },
	});
	const object = await patchObject(
		client,
		{ apiVersion, kind: ref.kind, namespace: ref.namespace, name: ref.name },
		patch,
		'application/strategic-merge-patch+json',
		{
			dryRun: opts.dryRun,
			fieldManager: opts.fieldManager,
		},
	);
	return { restartedAt, ...(previous ? { previousRestartedAt: previous } : {}), patch, object };
}
