// Where an object lives in the REST API: apiVersion + kind → group, version, plural resource
// and whether it is namespaced. Built-in kinds come from a fixed table (their mapping never
// changes, and it saves a discovery request per group); any other kind — the CRDs we apply
// (ServiceMonitor, PrometheusRule, Certificate) or a user's own — is looked up through
// discovery once per client, and a 404 on its group/version or a kind missing from the list
// means its CRD is not installed.
import type { KubeClient } from './client';
import { CrdNotInstalledError, KubeApiError } from './errors';

export interface ResourceMapping {
	group: string;
	version: string;
	kind: string;
	plural: string;
	namespaced: boolean;
}

const BUILT_IN: [string, string, string, boolean][] = [
	['v1', 'Namespace', 'namespaces', false],
	['v1', 'ConfigMap', 'configmaps', true],
	['v1', 'Secret', 'secrets', true],
	['v1', 'Service', 'services', true],
	['v1', 'ServiceAccount', 'serviceaccounts', true],
	['v1', 'Pod', 'pods', true],
	['v1', 'PersistentVolumeClaim', 'persistentvolumeclaims', true],
	['v1', 'LimitRange', 'limitranges', true],
	['v1', 'ResourceQuota', 'resourcequotas', true],
	['v1', 'Endpoints', 'endpoints', true],
	['v1', 'Event', 'events', true],
	['v1', 'Node', 'nodes', false],
	['apps/v1', 'Deployment', 'deployments', true],
	['apps/v1', 'ReplicaSet', 'replicasets', true],
	['apps/v1', 'StatefulSet', 'statefulsets', true],
	['apps/v1', 'DaemonSet', 'daemonsets', true],
	['batch/v1', 'Job', 'jobs', true],
	['batch/v1', 'CronJob', 'cronjobs', true],
	['autoscaling/v2', 'HorizontalPodAutoscaler', 'horizontalpodautoscalers', true],
	['autoscaling/v1', 'HorizontalPodAutoscaler', 'horizontalpodautoscalers', true],
	['policy/v1', 'PodDisruptionBudget', 'poddisruptionbudgets', true],
	['coordination.k8s.io/v1', 'Lease', 'leases', true],
	['networking.k8s.io/v1', 'Ingress', 'ingresses', true],
	['networking.k8s.io/v1', 'NetworkPolicy', 'networkpolicies', true],
	['networking.k8s.io/v1', 'IngressClass', 'ingressclasses', false],
	['rbac.authorization.k8s.io/v1', 'Role', 'roles', true],
	['rbac.authorization.k8s.io/v1', 'RoleBinding', 'rolebindings', true],
	['rbac.authorization.k8s.io/v1', 'ClusterRole', 'clusterroles', false],
	['rbac.authorization.k8s.io/v1', 'ClusterRoleBinding', 'clusterrolebindings', false],
	['storage.k8s.io/v1', 'StorageClass', 'storageclasses', false],
	['v1', 'PersistentVolume', 'persistentvolumes', false],
	['apiextensions.k8s.io/v1', 'CustomResourceDefinition', 'customresourcedefinitions', false],
];

function splitApiVersion(apiVersion: string): { group: string; version: string } {
	const [a, b] = apiVersion.split('/');
	return b === undefined ? { group: '', version: a } : { group: a, version: b };
}

export function builtInMapping(apiVersion: string, kind: string): ResourceMapping | undefined {
	const row = BUILT_IN.find(([v, k]) => v === apiVersion && k === kind);
	if (!row) return undefined;
	return { ...splitApiVersion(apiVersion), kind, plural: row[2], namespaced: row[3] };
}

interface ApiResourceList {
	resources?: { name: string; kind: string; namespaced: boolean }[];
}

export async function resourceFor(
	client: KubeClient,
	apiVersion: string,
	kind: string,
): Promise<ResourceMapping> {
	const known = builtInMapping(apiVersion, kind);
	if (known) return known;
	const { group, version } = splitApiVersion(apiVersion);
	const path = group ? `/apis/${group}/${version}` : `/api/${version}`;
	if (!client.discovery.has(apiVersion)) {
		const lookup = client
			.request<ApiResourceList>({
				method: 'GET',
				path,
				target: { verb: 'get', resource: `discovery ${apiVersion}` },
			})
			.catch((error) => {
				if (error instanceof KubeApiError && error.code === 404) return null;
				client.discovery.delete(apiVersion);
				throw error;
			});
		client.discovery.set(apiVersion, lookup);
	}
	const list = (await client.discovery.get(apiVersion)) as ApiResourceList | null;
	const entry = list?.resources?.find((r) => r.kind === kind && !r.name.includes('/'));
	if (!entry) throw new CrdNotInstalledError(apiVersion, kind);
	return { group, version, kind, plural: entry.name, namespaced: entry.namespaced };
}

/** `deployments.apps`, `pods` — how RBAC and error messages name a resource. */
export function qualifiedResource(
	m: Pick<ResourceMapping, 'group' | 'plural'>,
	subresource?: string,
): string {
	const base = m.group ? `${m.plural}.${m.group}` : m.plural;
	return subresource ? `${base}/${subresource}` : base;
}

/** The REST path of a collection (name undefined) or of one object, optionally a subresource. */
export function resourcePath(
	m: ResourceMapping,
	namespace: string | undefined,
	name?: string,
	subresource?: string,
): string {
	const root = m.group ? `/apis/${m.group}/${m.version}` : `/api/${m.version}`;
	const ns = m.namespaced && namespace ? `/namespaces/${encodeURIComponent(namespace)}` : '';
	const item = name === undefined ? '' : `/${encodeURIComponent(name)}`;
	return `${root}${ns}/${m.plural}${item}${subresource ? `/${subresource}` : ''}`;
}
