// The kinds the fake API server serves, with what discovery says about each (plural,
// namespaced, verbs, subresources) and the behaviour switches the server needs.

export interface ResourceType {
	group: string;
	version: string;
	kind: string;
	plural: string;
	singular: string;
	namespaced: boolean;
	shortNames?: string[];
	/** subresources served: status, scale, log */
	subresources?: string[];
	/** metadata.generation counts changes of everything but metadata and status */
	generation?: boolean;
	/** a CustomResourceDefinition: served only while installed, no strategic merge patch */
	crd?: boolean;
}

const t = (
	gv: string,
	kind: string,
	plural: string,
	namespaced: boolean,
	extra: Partial<ResourceType> = {},
): ResourceType => {
	const [group, version] = gv.includes('/') ? gv.split('/') : ['', gv];
	return { group, version, kind, plural, singular: kind.toLowerCase(), namespaced, ...extra };
};

export const RESOURCE_TYPES: ResourceType[] = [
	t('v1', 'Namespace', 'namespaces', false, { shortNames: ['ns'], subresources: ['status'] }),
	t('v1', 'ConfigMap', 'configmaps', true, { shortNames: ['cm'] }),
	t('v1', 'Secret', 'secrets', true),
	t('v1', 'Service', 'services', true, { shortNames: ['svc'], subresources: ['status'] }),
	t('v1', 'ServiceAccount', 'serviceaccounts', true, { shortNames: ['sa'] }),
	t('v1', 'Pod', 'pods', true, { shortNames: ['po'], subresources: ['status', 'log'] }),
	t('v1', 'Event', 'events', true, { shortNames: ['ev'] }),
	t('v1', 'Endpoints', 'endpoints', true, { shortNames: ['ep'] }),
	t('v1', 'Node', 'nodes', false, { shortNames: ['no'], subresources: ['status'] }),
	t('v1', 'PersistentVolumeClaim', 'persistentvolumeclaims', true, { shortNames: ['pvc'] }),
	t('v1', 'LimitRange', 'limitranges', true, { shortNames: ['limits'] }),
	t('v1', 'ResourceQuota', 'resourcequotas', true, {
		shortNames: ['quota'],
		subresources: ['status'],
	}),
	t('apps/v1', 'Deployment', 'deployments', true, {
		shortNames: ['deploy'],
		subresources: ['status', 'scale'],
		generation: true,
	}),
	t('apps/v1', 'ReplicaSet', 'replicasets', true, {
		shortNames: ['rs'],
		subresources: ['status', 'scale'],
		generation: true,
	}),
	t('apps/v1', 'StatefulSet', 'statefulsets', true, {
		shortNames: ['sts'],
		subresources: ['status', 'scale'],
		generation: true,
	}),
	t('apps/v1', 'DaemonSet', 'daemonsets', true, {
		shortNames: ['ds'],
		subresources: ['status'],
		generation: true,
	}),
	t('batch/v1', 'Job', 'jobs', true, { subresources: ['status'], generation: true }),
	t('batch/v1', 'CronJob', 'cronjobs', true, {
		shortNames: ['cj'],
		subresources: ['status'],
		generation: true,
	}),
	t('autoscaling/v2', 'HorizontalPodAutoscaler', 'horizontalpodautoscalers', true, {
		shortNames: ['hpa'],
		subresources: ['status'],
		generation: true,
	}),
	t('policy/v1', 'PodDisruptionBudget', 'poddisruptionbudgets', true, {
		shortNames: ['pdb'],
		subresources: ['status'],
		generation: true,
	}),
	t('coordination.k8s.io/v1', 'Lease', 'leases', true),
	t('networking.k8s.io/v1', 'Ingress', 'ingresses', true, {
		shortNames: ['ing'],
		subresources: ['status'],
		generation: true,
	}),
	t('networking.k8s.io/v1', 'NetworkPolicy', 'networkpolicies', true, {
		shortNames: ['netpol'],
		generation: true,
	}),
	t('rbac.authorization.k8s.io/v1', 'Role', 'roles', true),
	t('rbac.authorization.k8s.io/v1', 'RoleBinding', 'rolebindings', true),
	t('rbac.authorization.k8s.io/v1', 'ClusterRole', 'clusterroles', false),
	t('rbac.authorization.k8s.io/v1', 'ClusterRoleBinding', 'clusterrolebindings', false),
	t('monitoring.coreos.com/v1', 'ServiceMonitor', 'servicemonitors', true, {
		shortNames: ['smon'],
		generation: true,
		crd: true,
	}),
	t('monitoring.coreos.com/v1', 'PrometheusRule', 'prometheusrules', true, {
		shortNames: ['promrule'],
		generation: true,
		crd: true,
	}),
	t('cert-manager.io/v1', 'Certificate', 'certificates', true, {
		shortNames: ['cert', 'certs'],
		subresources: ['status'],
		generation: true,
		crd: true,
	}),
];

/** `servicemonitors.monitoring.coreos.com`, the name of a CRD object. */
export function crdName(rt: ResourceType): string {
	return `${rt.plural}.${rt.group}`;
}

export function groupVersion(rt: ResourceType): string {
	return rt.group ? `${rt.group}/${rt.version}` : rt.version;
}

const ALL_VERBS = [
	'create',
	'delete',
	'deletecollection',
	'get',
	'list',
	'patch',
	'update',
	'watch',
];

/** One entry of an APIResourceList, as /api/v1 and /apis/<group>/<version> list them. */
export function discoveryEntries(rt: ResourceType): Record<string, unknown>[] {
	const main: Record<string, unknown> = {
		name: rt.plural,
		singularName: rt.singular,
		namespaced: rt.namespaced,
		kind: rt.kind,
		verbs: rt.kind === 'Namespace' ? ALL_VERBS.filter((v) => v !== 'deletecollection') : ALL_VERBS,
	};
	if (rt.shortNames) main.shortNames = rt.shortNames;
	const subs = (rt.subresources ?? []).map((sub) => {
		if (sub === 'log')
			return {
				name: `${rt.plural}/log`,
				singularName: '',
				namespaced: true,
				kind: 'Pod',
				verbs: ['get'],
			};
		if (sub === 'scale') {
			return {
				name: `${rt.plural}/scale`,
				singularName: '',
				namespaced: rt.namespaced,
				group: 'autoscaling',
				version: 'v1',
				kind: 'Scale',
				verbs: ['get', 'patch', 'update'],
			};
		}
		return {
			name: `${rt.plural}/${sub}`,
			singularName: '',
			namespaced: rt.namespaced,
			kind: rt.kind,
			verbs: ['get', 'patch', 'update'],
		};
	});
	return [main, ...subs];
}
