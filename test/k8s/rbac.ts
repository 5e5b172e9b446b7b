// RBAC as the API server's authorizer decides it, for one user: ClusterRole rules bound
// cluster-wide, Role rules bound in a namespace. A denied request gets the real 403 text:
// `User "<u>" cannot <verb> resource "<res>[/<sub>]" in API group "<g>" in the namespace "<ns>"`.
import { parseAllDocuments } from 'yaml';

export interface PolicyRule {
	apiGroups?: string[];
	resources?: string[];
	verbs: string[];
	resourceNames?: string[];
	nonResourceURLs?: string[];
}

export interface RequestAttributes {
	verb: string;
	apiGroup: string;
	resource: string;
	subresource: string;
	namespace: string;
	name: string;
}

export interface RbacTable {
	/** rules that apply in every namespace and to cluster-scoped resources */
	cluster: PolicyRule[];
	/** rules that apply only inside one namespace */
	namespaced: Record<string, PolicyRule[]>;
}

const has = (list: string[] | undefined, v: string) =>
	!!list && (list.includes('*') || list.includes(v));

function ruleAllows(rule: PolicyRule, a: RequestAttributes): boolean {
	const resource = a.subresource ? `${a.resource}/${a.subresource}` : a.resource;
	return (
		has(rule.verbs, a.verb) &&
		has(rule.apiGroups, a.apiGroup) &&
		(has(rule.resources, resource) || (!a.subresource && has(rule.resources, a.resource))) &&
		(!rule.resourceNames?.length || (a.name !== '' && rule.resourceNames.includes(a.name)))
	);
}

export function allows(table: RbacTable, a: RequestAttributes): boolean {
	if (table.cluster.some((r) => ruleAllows(r, a))) return true;
	return !!a.namespace && (table.namespaced[a.namespace] ?? []).some((r) => ruleAllows(r, a));
}

export function forbiddenReason(user: string, a: RequestAttributes): string {
	const resource = a.subresource ? `${a.resource}/${a.subresource}` : a.resource;
	const scope = a.namespace ? `in the namespace "${a.namespace}"` : 'at the cluster scope';
	return `User "${user}" cannot ${a.verb} resource "${resource}" in API group "${a.apiGroup}" ${scope}`;
}

interface Subject {
	kind: string;
	name: string;
	namespace?: string;
}

/**
 * The table for a service account from RBAC manifests (ClusterRole, Role, and their
 * bindings), as the authorizer would assemble it after `kubectl apply -f` of that YAML.
 */
export function rbacTableFromYaml(
	yamlText: string,
	serviceAccount: { namespace: string; name: string },
): RbacTable {
	const docs = parseAllDocuments(yamlText)
		.map((d) => d.toJS() as Record<string, any>)
		.filter(Boolean);
	const roles = new Map<string, PolicyRule[]>();
	for (const d of docs) {
		if (d.kind === 'ClusterRole') roles.set(`ClusterRole/${d.metadata.name}`, d.rules ?? []);
		if (d.kind === 'Role')
			roles.set(`Role/${d.metadata.namespace}/${d.metadata.name}`, d.rules ?? []);
	}
	const isUs = (s: Subject) =>
		s.kind === 'ServiceAccount' &&
		s.name === serviceAccount.name &&
		s.namespace === serviceAccount.namespace;
	const table: RbacTable = { cluster: [], namespaced: {} };
	for (const d of docs) {
		if (!(d.subjects ?? []).some(isUs)) continue;
		if (d.kind === 'ClusterRoleBinding')
			table.cluster.push(...(roles.get(`ClusterRole/${d.roleRef.name}`) ?? []));
		if (d.kind === 'RoleBinding') {
			const ns = d.metadata.namespace;
			const rules =
				d.roleRef.kind === 'ClusterRole'
					? roles.get(`ClusterRole/${d.roleRef.name}`)
					: roles.get(`Role/${ns}/${d.roleRef.name}`);
			(table.namespaced[ns] ??= []).push(...(rules ?? []));
		}
	}
	return table;
}
