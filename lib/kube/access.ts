// What the Kubernetes credential test asks the cluster: can this user do what the nodes do?
// One SelfSubjectAccessReview per verb and resource, cluster-wide, for the rules of the
// ClusterRoles in templates/rbac/ (a unit test keeps the two in step). The answer names what is
// missing and which node needs it, so the fix is one binding away.
import type { KubeClient } from './client';

export interface AccessRule {
	/** the nodes that need it, as the editor names them */
	nodes: string[];
	group: string;
	/** plural, with a subresource after a slash (pods/log) */
	resource: string;
	verbs: string[];
}

const REPAIR = ['Repair Action', 'Log Patterns'];
const DEPLOY = ['Deploy App'];

/** templates/rbac/repair-action.yaml and deploy-app.yaml, rule by rule. */
export const NODE_ACCESS: AccessRule[] = [
	{ nodes: REPAIR, group: 'apps', resource: 'deployments', verbs: ['get', 'list', 'watch', 'patch'] },
	{ nodes: REPAIR, group: 'apps', resource: 'statefulsets', verbs: ['get', 'list', 'watch', 'patch'] },
	{ nodes: REPAIR, group: 'apps', resource: 'replicasets', verbs: ['get', 'list'] },
	{ nodes: REPAIR, group: '', resource: 'pods', verbs: ['get', 'list', 'delete'] },
	{ nodes: REPAIR, group: '', resource: 'pods/log', verbs: ['get'] },
	{ nodes: REPAIR, group: 'batch', resource: 'jobs', verbs: ['list', 'delete'] },
	{ nodes: REPAIR, group: 'autoscaling', resource: 'horizontalpodautoscalers', verbs: ['get', 'list'] },
	{ nodes: REPAIR, group: '', resource: 'limitranges', verbs: ['get', 'list'] },
	{ nodes: REPAIR, group: '', resource: 'resourcequotas', verbs: ['get', 'list'] },
	{
		nodes: DEPLOY,
		group: '',
		resource: 'namespaces',
		verbs: ['get', 'list', 'watch', 'create', 'patch', 'delete'],
	},
	...['serviceaccounts', 'configmaps', 'services'].map((resource) => ({
		nodes: DEPLOY,
		group: '',
		resource,
		verbs: ['get', 'create', 'patch', 'delete'],
	})),
	{ nodes: DEPLOY, group: '', resource: 'secrets', verbs: ['create', 'delete'] },
	...['deployments', 'statefulsets'].map((resource) => ({
		nodes: DEPLOY,
		group: 'apps',
		resource,
		verbs: ['get', 'list', 'watch', 'create', 'patch', 'delete'],
	})),
	...[
		['networking.k8s.io', 'ingresses'],
		['networking.k8s.io', 'networkpolicies'],
		['cert-manager.io', 'certificates'],
		['monitoring.coreos.com', 'servicemonitors'],
		['monitoring.coreos.com', 'prometheusrules'],
	].map(([group, resource]) => ({
		nodes: DEPLOY,
		group,
		resource,
		verbs: ['get', 'create', 'patch', 'delete'],
	})),
];

export interface MissingAccess {
	verb: string;
	/** `deployments.apps`, `pods/log` */
	resource: string;
	nodes: string[];
}

function resourceName(rule: AccessRule): string {
	return rule.group ? `${rule.resource}.${rule.group}` : rule.resource;
}

/** Asks one SelfSubjectAccessReview per verb; returns what is denied (empty: all allowed). */
export async function missingAccess(
	client: KubeClient,
	rules: AccessRule[] = NODE_ACCESS,
	timeoutMs = 10_000,
): Promise<MissingAccess[]> {
	const checks = rules.flatMap((rule) => rule.verbs.map((verb) => ({ rule, verb })));
	const allowed: boolean[] = new Array(checks.length);
	// a few at a time: a credential test must not flood the API server
	let next = 0;
	const worker = async () => {
		while (next < checks.length) {
			const i = next++;
			const { rule, verb } = checks[i];
			const [resource, subresource] = rule.resource.split('/');
			const review = await client.request<{ status?: { allowed?: boolean } }>({
				method: 'POST',
				path: '/apis/authorization.k8s.io/v1/selfsubjectaccessreviews',
				body: {
					apiVersion: 'authorization.k8s.io/v1',
					kind: 'SelfSubjectAccessReview',
					spec: { resourceAttributes: { group: rule.group, resource, subresource, verb } },
				},
				target: { verb: 'create', resource: 'selfsubjectaccessreviews' },
				timeoutMs,
			});
			allowed[i] = review.status?.allowed === true;
		}
	};
	await Promise.all(Array.from({ length: 8 }, worker));
	return checks
		.filter((_, i) => !allowed[i])
		.map(({ rule, verb }) => ({ verb, resource: resourceName(rule), nodes: rule.nodes }));
}

/** "Repair Action, Log Patterns cannot patch deployments.apps, delete pods; Deploy App cannot …" */
export function describeMissingAccess(missing: MissingAccess[]): string {
	const byNodes = new Map<string, string[]>();
	for (const m of missing) {
		const key = m.nodes.join(', ');
		byNodes.set(key, [...(byNodes.get(key) ?? []), `${m.verb} ${m.resource}`]);
	}
	return [...byNodes].map(([nodes, what]) => `${nodes} cannot ${what.join(', ')}`).join('; ');
}
