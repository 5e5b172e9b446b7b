// Blast radius by namespace: a repair never touches a denied namespace (the cluster's own, and
// the one n8n itself runs in), and when an allow list is given, only namespaces on it.
import { readFileSync } from 'node:fs';

export const DEFAULT_DENIED_NAMESPACES = ['kube-system', 'kube-public'] as const;

/** Where Kubernetes mounts the pod's own namespace for in-cluster clients. */
export const SERVICE_ACCOUNT_NAMESPACE_FILE =
	'/var/run/secrets/kubernetes.io/serviceaccount/namespace';

/**
 * The namespace n8n runs in, when it runs in Kubernetes: POD_NAMESPACE (the downward API
 * convention), else the service account's namespace file; undefined outside a cluster.
 */
export function ownNamespace(
	env: Record<string, string | undefined> = process.env,
	readFile: (path: string) => string = (p) => readFileSync(p, 'utf8'),
): string | undefined {
	if (env.POD_NAMESPACE?.trim()) return env.POD_NAMESPACE.trim();
	try {
		return readFile(SERVICE_ACCOUNT_NAMESPACE_FILE).trim() || undefined;
	} catch {
		return undefined;
	}
}

/** A comma- or newline-separated list of names or `*` patterns (`team-*`). */
export function namespaceList(text: string): string[] {
	return text
		.split(/[,\n]/)
		.map((s) => s.trim())
		.filter((s) => s !== '');
}

function matches(pattern: string, namespace: string): boolean {
	if (!pattern.includes('*')) return pattern === namespace;
	const re = new RegExp(
		'^' +
			pattern
				.split('*')
				.map((p) => p.replace(/[.+?^${}()|[\]\\-]/g, '\\$&'))
				.join('.*') +
			'$',
	);
	return re.test(namespace);
}

export interface NamespaceRules {
	/** Empty: every namespace not denied. */
	allowed: string[];
	denied: string[];
}

export interface NamespaceRefusal {
	code: 'namespace_denied' | 'namespace_not_allowed';
	reason: string;
}

/** Why a repair may not touch `namespace`, or undefined when it may. Deny wins over allow. */
export function checkNamespace(
	namespace: string,
	rules: NamespaceRules,
): NamespaceRefusal | undefined {
	const deny = rules.denied.find((p) => matches(p, namespace));
	if (deny) {
		return {
			code: 'namespace_denied',
			reason: `namespace ${namespace} is denied (${deny === namespace ? 'on the deny list' : `matches ${deny}`}): repairs never touch it`,
		};
	}
	if (rules.allowed.length > 0 && !rules.allowed.some((p) => matches(p, namespace))) {
		return {
			code: 'namespace_not_allowed',
			reason: `namespace ${namespace} is not on the allow list (${rules.allowed.join(', ')})`,
		};
	}
	return undefined;
}

/** The deny list a node uses: its parameter's entries plus n8n's own namespace when known. */
export function deniedNamespaces(configured: string[], own: string | undefined): string[] {
	return own && !configured.includes(own) ? [...configured, own] : configured;
}
