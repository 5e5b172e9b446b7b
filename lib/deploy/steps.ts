// The seed platform's onboarding steps, in order, and which objects belong to which step.
// Every Deploy App report lists all six, each with status, duration and error.
import type { KubeObject, ObjectRef } from '../kube';
import { ANNOTATION_PREFIX } from '../manifests/policy';

export const STEP_NAMES = [
	'create_namespace',
	'deploy_app',
	'configure_ingress',
	'setup_ssl',
	'configure_monitoring',
	'setup_auto_repair',
] as const;

export type StepName = (typeof STEP_NAMES)[number];

/** pending: not reached (an earlier step failed); skipped: nothing to do, or a CRD missing */
export type StepStatus = 'pending' | 'succeeded' | 'skipped' | 'failed';

export interface StepResult {
	step: StepName;
	status: StepStatus;
	durationMs: number;
	/** what the step did, in a sentence */
	detail: string;
	error?: string;
	warnings?: string[];
}

const NAMESPACE_SETUP = new Set(['Namespace', 'ResourceQuota', 'LimitRange', 'NetworkPolicy']);
const INGRESS = new Set(['Ingress', 'IngressClass']);

/** The step an object is applied in. */
export function stepOf(o: Pick<KubeObject, 'apiVersion' | 'kind'>): StepName {
	if (NAMESPACE_SETUP.has(o.kind)) return 'create_namespace';
	if (INGRESS.has(o.kind)) return 'configure_ingress';
	const group = o.apiVersion.includes('/') ? o.apiVersion.split('/')[0] : '';
	if (group === 'cert-manager.io') return 'setup_ssl';
	if (group === 'monitoring.coreos.com') return 'configure_monitoring';
	return 'deploy_app';
}

export const WORKLOAD_KINDS = ['Deployment', 'StatefulSet', 'DaemonSet'];

export function isWorkload(o: Pick<KubeObject, 'apiVersion' | 'kind'>): boolean {
	return o.apiVersion === 'apps/v1' && WORKLOAD_KINDS.includes(o.kind);
}

export function newSteps(): StepResult[] {
	return STEP_NAMES.map((step) => ({ step, status: 'pending', durationMs: 0, detail: 'not run' }));
}

/** The app's namespace: the Namespace object's name, else the namespace most objects are in. */
export function appNamespace(objects: KubeObject[]): string | undefined {
	const namespaces = objects.filter((o) => o.kind === 'Namespace' && o.apiVersion === 'v1');
	if (namespaces.length === 1) return namespaces[0].metadata.name;
	const counts = new Map<string, number>();
	for (const o of objects) {
		if (o.metadata.namespace)
			counts.set(o.metadata.namespace, (counts.get(o.metadata.namespace) ?? 0) + 1);
	}
	return [...counts.entries()].sort((a, b) => b[1] - a[1])[0]?.[0];
}

/** How reports name an object. */
export interface ObjectId extends ObjectRef {
	step: StepName;
}

export function objectId(o: KubeObject): ObjectId {
	const id: ObjectId = {
		apiVersion: o.apiVersion,
		kind: o.kind,
		name: o.metadata.name,
		step: stepOf(o),
	};
	if (o.metadata.namespace) id.namespace = o.metadata.namespace;
	return id;
}

export function plural(n: number, word: string): string {
	return `${n} ${word}${n === 1 ? '' : 's'}`;
}

/** Render Manifests marks objects that must be created once and never overwritten (addon passwords). */
export const APPLY_MODE_ANNOTATION = `${ANNOTATION_PREFIX}/apply`;

export function isCreateOnly(o: KubeObject): boolean {
	return o.metadata.annotations?.[APPLY_MODE_ANNOTATION] === 'create-only';
}

/** Secrets are written but never read: reading them needs cluster-wide `get secrets`. */
export function isSecret(o: Pick<KubeObject, 'apiVersion' | 'kind'>): boolean {
	return o.apiVersion === 'v1' && o.kind === 'Secret';
}
