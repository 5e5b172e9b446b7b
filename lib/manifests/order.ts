// The order objects are applied in: what others refer to comes first (the namespace, the
// identity, config and secrets, then services, then workloads, then what routes to them and
// watches them). Helm's install order for the built-in kinds; custom resources last.
export interface KubeObject {
	apiVersion: string;
	kind: string;
	metadata: {
		name: string;
		namespace?: string;
		labels?: Record<string, string>;
		annotations?: Record<string, string>;
	};
	[field: string]: unknown;
}

export const APPLY_ORDER = [
	'Namespace',
	'NetworkPolicy',
	'ResourceQuota',
	'LimitRange',
	'PodDisruptionBudget',
	'ServiceAccount',
	'Secret',
	'ConfigMap',
	'PersistentVolumeClaim',
	'Role',
	'RoleBinding',
	'Service',
	'DaemonSet',
	'Pod',
	'Deployment',
	'HorizontalPodAutoscaler',
	'StatefulSet',
	'Job',
	'CronJob',
	'IngressClass',
	'Ingress',
	// custom resources: their CRDs may be missing, so they come after everything that works without them
	'Certificate',
	'ServiceMonitor',
	'PodMonitor',
	'PrometheusRule',
] as const;

/** Kinds that live outside namespaces (they carry no metadata.namespace). */
export const CLUSTER_SCOPED_KINDS = new Set([
	'Namespace',
	'ClusterRole',
	'ClusterRoleBinding',
	'ClusterIssuer',
	'CustomResourceDefinition',
	'IngressClass',
	'PersistentVolume',
	'PriorityClass',
	'StorageClass',
]);

function rank(kind: string): number {
	const index = (APPLY_ORDER as readonly string[]).indexOf(kind);
	return index < 0 ? APPLY_ORDER.length : index;
}

/** Sorts by apply order; objects of one kind keep the order their templates gave them. */
export function inApplyOrder<T extends KubeObject>(objects: T[]): T[] {
	return objects
		.map((object, index) => ({ object, index }))
		.sort((a, b) => rank(a.object.kind) - rank(b.object.kind) || a.index - b.index)
		.map(({ object }) => object);
}
