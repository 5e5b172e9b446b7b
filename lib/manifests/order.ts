// Objects leave Render Manifests in the order Deploy App applies them (lib/kube's applyOrder:
// Helm's install order, custom resources last), and with a namespace unless their kind has none.
export type { KubeObject } from '../kube/objects';
export { applyOrder as inApplyOrder } from '../kube/order';

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
