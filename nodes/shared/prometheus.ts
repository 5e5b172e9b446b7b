// The Prometheus credential as nodes use it: a lib/trend PrometheusClient whose requests go
// through n8n's authenticated request helper (the credential's auth, TLS and headers).
import type { IExecuteFunctions } from 'n8n-workflow';

import {
	PrometheusClient,
	prometheusBaseUrl,
	prometheusHeaders,
	type PrometheusConnection,
	type PrometheusTransport,
} from '../../lib/trend';

export const PROMETHEUS_CREDENTIAL = 'aiopsPrometheusApi';

function n8nTransport(
	this: IExecuteFunctions,
	baseUrl: string,
	timeoutMs: number,
	insecure: boolean,
): PrometheusTransport {
	return async ({ path, query }) => {
		const response = (await this.helpers.httpRequestWithAuthentication.call(
			this,
			PROMETHEUS_CREDENTIAL,
			{
				method: 'GET',
				url: baseUrl + path,
				qs: query,
				json: true,
				timeout: timeoutMs,
				skipSslCertificateValidation: insecure,
				ignoreHttpStatusErrors: true,
				returnFullResponse: true,
			},
		)) as { statusCode: number; body: unknown };
		return { status: response.statusCode, body: response.body };
	};
}

const clientCache = new WeakMap<IExecuteFunctions, PrometheusClient>();

/** One client per execution of the node. */
export async function prometheusClientOf(
	this: IExecuteFunctions,
	timeoutMs: number,
): Promise<PrometheusClient> {
	let client = clientCache.get(this);
	if (!client) {
		const credentials = (await this.getCredentials(
			PROMETHEUS_CREDENTIAL,
		)) as unknown as PrometheusConnection & { ignoreSslIssues?: boolean };
		const baseUrl = prometheusBaseUrl(credentials);
		prometheusHeaders(credentials); // a broken Custom Headers JSON fails here, with its name
		client = new PrometheusClient(
			n8nTransport.call(this, baseUrl, timeoutMs, credentials.ignoreSslIssues === true),
			baseUrl,
		);
		clientCache.set(this, client);
	}
	return client;
}

/** The client, or undefined when the node has no Prometheus credential set. */
export async function optionalPrometheusClient(
	this: IExecuteFunctions,
	timeoutMs: number,
): Promise<PrometheusClient | undefined> {
	if (!this.getNode().credentials?.[PROMETHEUS_CREDENTIAL]) return undefined;
	return prometheusClientOf.call(this, timeoutMs);
}
