// What the rendered objects assume about the cluster they land in: the ingress controller, the
// cert-manager issuer, where Prometheus runs and which labels its operator selects. These are
// the ops team's settings (node parameters), not the app owner's (the app spec).
import { dns1123Label, dns1123Subdomain, fail, labelMap, oneOf } from './rules';

export interface ClusterProfile {
	/** prepended to the app name to form its namespace (the seed's `app-`) */
	namespacePrefix: string;
	ingressClassName: string;
	issuerName: string;
	issuerKind: 'ClusterIssuer' | 'Issuer';
	/** namespace of the ingress controller, allowed in by the NetworkPolicy */
	ingressNamespace: string;
	/** namespace of Prometheus, allowed in by the NetworkPolicy to scrape */
	monitoringNamespace: string;
	/** labels the Prometheus operator selects ServiceMonitors and PrometheusRules by */
	monitoringLabels: Record<string, string>;
}

export const DEFAULT_CLUSTER: ClusterProfile = {
	namespacePrefix: 'app-',
	ingressClassName: 'nginx',
	issuerName: 'letsencrypt-prod',
	issuerKind: 'ClusterIssuer',
	ingressNamespace: 'ingress-nginx',
	monitoringNamespace: 'monitoring',
	monitoringLabels: {},
};

function given(value: unknown): boolean {
	return value !== undefined && value !== null && value !== '';
}

export function validateClusterProfile(
	input: Partial<Record<keyof ClusterProfile, unknown>> = {},
): ClusterProfile {
	const profile: ClusterProfile = { ...DEFAULT_CLUSTER, monitoringLabels: {} };
	if (input.namespacePrefix !== undefined && input.namespacePrefix !== null) {
		const prefix = input.namespacePrefix;
		if (typeof prefix !== 'string' || !/^([a-z0-9][-a-z0-9]{0,21})?$/.test(prefix)) {
			fail(
				'cluster.namespacePrefix',
				"must be empty or start a DNS-1123 label: lowercase letters, digits and '-', starting with a letter or digit, at most 22 characters",
				prefix,
			);
		}
		profile.namespacePrefix = prefix;
	}
	if (given(input.ingressClassName)) {
		profile.ingressClassName = dns1123Subdomain(input.ingressClassName, 'cluster.ingressClassName');
	}
	if (given(input.issuerName)) {
		profile.issuerName = dns1123Subdomain(input.issuerName, 'cluster.issuerName');
	}
	if (given(input.issuerKind)) {
		profile.issuerKind = oneOf(input.issuerKind, 'cluster.issuerKind', ['ClusterIssuer', 'Issuer']);
	}
	if (given(input.ingressNamespace)) {
		profile.ingressNamespace = dns1123Label(input.ingressNamespace, 'cluster.ingressNamespace');
	}
	if (given(input.monitoringNamespace)) {
		profile.monitoringNamespace = dns1123Label(
			input.monitoringNamespace,
			'cluster.monitoringNamespace',
		);
	}
	profile.monitoringLabels = labelMap(input.monitoringLabels, 'cluster.monitoringLabels');
	return profile;
}
