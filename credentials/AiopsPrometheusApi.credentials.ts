import type {
	ICredentialDataDecryptedObject,
	ICredentialTestRequest,
	ICredentialType,
	IHttpRequestOptions,
	INodeProperties,
	Icon,
} from 'n8n-workflow';

import { prometheusHeaders, type PrometheusConnection } from '../lib/trend/prometheusAuth';

// A Prometheus HTTP API (Prometheus itself, or Thanos/Mimir/Cortex/VictoriaMetrics query
// frontends that speak it): base URL, optional bearer or basic auth, custom headers.
export class AiopsPrometheusApi implements ICredentialType {
	name = 'aiopsPrometheusApi';

	displayName = 'AIOps Prometheus API';

	icon: Icon = { light: 'file:../icons/prometheus.svg', dark: 'file:../icons/prometheus.dark.svg' };

	documentationUrl = 'https://github.com/n8n-nodes-aiops/n8n-nodes-aiops#prometheus-credential';

	properties: INodeProperties[] = [
		{
			displayName: 'URL',
			name: 'url',
			type: 'string',
			default: '',
			required: true,
			placeholder: 'http://prometheus.monitoring:9090',
			description: 'Base URL of the Prometheus HTTP API, without /api/v1',
		},
		{
			displayName: 'Authentication',
			name: 'authType',
			type: 'options',
			options: [
				{ name: 'None', value: 'none' },
				{ name: 'Bearer Token', value: 'bearer' },
				{ name: 'Basic Auth', value: 'basic' },
			],
			default: 'none',
		},
		{
			displayName: 'Token',
			name: 'token',
			type: 'string',
			typeOptions: { password: true },
			default: '',
			displayOptions: { show: { authType: ['bearer'] } },
		},
		{
			displayName: 'User',
			name: 'user',
			type: 'string',
			default: '',
			displayOptions: { show: { authType: ['basic'] } },
		},
		{
			displayName: 'Password',
			name: 'password',
			type: 'string',
			typeOptions: { password: true },
			default: '',
			displayOptions: { show: { authType: ['basic'] } },
		},
		{
			displayName: 'Custom Headers',
			name: 'headers',
			type: 'json',
			default: '{}',
			placeholder: '{ "X-Scope-OrgID": "team-a" }',
			description: 'Extra headers sent with every request, as a JSON object',
		},
		{
			displayName: 'Ignore SSL Issues (Insecure)',
			name: 'ignoreSslIssues',
			type: 'boolean',
			default: false,
			description: 'Whether to connect even if the TLS certificate cannot be verified',
		},
	];

	async authenticate(
		credentials: ICredentialDataDecryptedObject,
		requestOptions: IHttpRequestOptions,
	): Promise<IHttpRequestOptions> {
		const headers = prometheusHeaders(credentials as unknown as PrometheusConnection);
		return { ...requestOptions, headers: { ...headers, ...requestOptions.headers } };
	}

	test: ICredentialTestRequest = {
		request: {
			baseURL: '={{$credentials.url.replace(/\\/+$/, "")}}',
			url: '/api/v1/status/buildinfo',
			skipSslCertificateValidation: '={{$credentials.ignoreSslIssues}}',
		},
	};
}
