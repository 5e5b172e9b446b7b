// The order objects are applied in: what others depend on first (Helm's install order), so a
// Deployment never starts before its ServiceAccount, ConfigMap or Secret exists. Kinds the
// table does not know (custom resources) come last, by kind; deletion runs in reverse.
import type { KubeObject } from './objects';

const INSTALL_ORDER = [
	'Namespace',
	'NetworkPolicy',
	'ResourceQuota',
	'LimitRange',
	'PodSecurityPolicy',
	'PodDisruptionBudget',
	'ServiceAccount',
	'Secret',
	'SecretList',
	'ConfigMap',
	'StorageClass',
	'PersistentVolume',
	'PersistentVolumeClaim',
	'CustomResourceDefinition',
	'ClusterRole',
	'ClusterRoleList',
	'ClusterRoleBinding',
	'ClusterRoleBindingList',
	'Role',
	'RoleList',
	'RoleBinding',
	'RoleBindingList',
	'Service',
	'DaemonSet',
	'Pod',
	'ReplicationController',
	'ReplicaSet',
	'Deployment',
	'HorizontalPodAutoscaler',
	'StatefulSet',
	'Job',
	'CronJob',
	'IngressClass',
	'Ingress',
	'APIService',
];

function rank(kind: string): number {
	const i = INSTALL_ORDER.indexOf(kind);
	return i < 0 ? INSTALL_ORDER.length : i;
}

/** Stable: objects of one kind keep their input order. */
export function applyOrder(objects: KubeObject[]): KubeObject[] {
	return objects
		.map((o, i) => ({ o, i }))
		.sort(
			(a, b) =>
				rank(a.o.kind) - rank(b.o.kind) ||
				(rank(a.o.kind) === INSTALL_ORDER.length ? a.o.kind.localeCompare(b.o.kind) : 0) ||
				a.i - b.i,
		)
		.map(({ o }) => o);
}

export function deleteOrder(objects: KubeObject[]): KubeObject[] {
	return applyOrder(objects).reverse();
}
