import type { ICredentialType, INodeProperties, Icon } from 'n8n-workflow';

// How n8n reaches a cluster: a kubeconfig (with a context choice), the service account of the
// pod n8n runs in, or a server URL with a bearer token and CA. Tested by the nodes that use
// it (GET /version). Named with a prefix: credential type names are global in n8n.
export class AiopsKubernetesApi implements ICredentialType {
	name = 'aiopsKubernetesApi';

	displayName = 'Kubernetes API';

	icon: Icon = {
		light: 'file:../icons/kubernetes.svg',
		dark: 'file:../icons/kubernetes.dark.svg',
	};

	documentationUrl = 'https://github.com/n8n-nodes-aiops/n8n-nodes-aiops#kubernetes-credential';

	properties: INodeProperties[] = [
		{
			displayName: 'Connect Using',
			name: 'authentication',
			type: 'options',
			options: [
				{ name: 'Kubeconfig', value: 'kubeconfig' },
				{ name: 'In-Cluster Service Account', value: 'inCluster' },
				{ name: 'Server URL and Token', value: 'token' },
			],
			default: 'kubeconfig',
		},
		{
			displayName: 'Kubeconfig',
			name: 'kubeconfig',
			type: 'string',
			typeOptions: { password: true, rows: 8 },
			default: '',
			required: true,
			displayOptions: { show: { authentication: ['kubeconfig'] } },
			description:
				'The whole kubeconfig file (YAML). Exec and auth-provider plugins it names run on the n8n host.',
		},
		{
			displayName: 'Context',
			name: 'context',
			type: 'string',
			default: '',
			placeholder: 'prod-cluster',
			displayOptions: { show: { authentication: ['kubeconfig'] } },
			description: "The kubeconfig context to use; empty uses the kubeconfig's current-context",
		},
		{
			displayName:
				'Uses the token and CA mounted into the pod n8n runs in (/var/run/secrets/kubernetes.io/serviceaccount) and KUBERNETES_SERVICE_HOST/PORT. Bind that service account to the Role in templates/rbac/.',
			name: 'inClusterNotice',
			type: 'notice',
			default: '',
			displayOptions: { show: { authentication: ['inCluster'] } },
		},
		{
			displayName: 'Server URL',
			name: 'server',
			type: 'string',
			default: '',
			placeholder: 'https://10.0.0.1:6443',
			required: true,
			displayOptions: { show: { authentication: ['token'] } },
		},
		{
			displayName: 'Bearer Token',
			name: 'token',
			type: 'string',
			typeOptions: { password: true },
			default: '',
			required: true,
			displayOptions: { show: { authentication: ['token'] } },
			description: 'A service account token, e.g. from kubectl create token n8n -n n8n',
		},
		{
			displayName: 'CA Certificate',
			name: 'caCert',
			type: 'string',
			// not a secret, but the lint rule treats certificate fields as sensitive
			typeOptions: { password: true, rows: 4 },
			default: '',
			placeholder: '-----BEGIN CERTIFICATE-----',
			displayOptions: { show: { authentication: ['token'] } },
			description:
				"The cluster's CA in PEM (or base64, as in a kubeconfig's certificate-authority-data); empty trusts the system CAs",
		},
		{
			displayName: 'Skip TLS Verification',
			name: 'insecure',
			type: 'boolean',
			default: false,
			displayOptions: { show: { authentication: ['token'] } },
			description: 'Whether to accept any server certificate (needed for a plain http:// server)',
		},
	];
}
