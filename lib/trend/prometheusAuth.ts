// What a request to Prometheus carries from the Prometheus credential: bearer token or basic
// auth, plus custom headers (e.g. X-Scope-OrgID for Mimir/Cortex/Thanos tenants).
import { InvalidInputError } from '../errors';

export interface PrometheusConnection {
	url: string;
	authType?: 'none' | 'bearer' | 'basic';
	token?: string;
	user?: string;
	password?: string;
	/** a JSON object of header names to values (text, as the credential stores it) or an object */
	headers?: string | Record<string, unknown>;
}

function customHeaders(headers: PrometheusConnection['headers']): Record<string, string> {
	if (headers === undefined || headers === null || headers === '') return {};
	let parsed: unknown = headers;
	if (typeof headers === 'string') {
		try {
			parsed = JSON.parse(headers);
		} catch {
			throw new InvalidInputError(
				'Custom Headers must be a JSON object of header names to values',
				'headers',
			);
		}
	}
	if (!parsed || typeof parsed !== 'object' || Array.isArray(parsed)) {
		throw new InvalidInputError(
			'Custom Headers must be a JSON object of header names to values',
			'headers',
		);
	}
	return Object.fromEntries(Object.entries(parsed).map(([k, v]) => [k, String(v)]));
}

/** The headers every request to this Prometheus carries. */
export function prometheusHeaders(connection: PrometheusConnection): Record<string, string> {
	const headers = customHeaders(connection.headers);
	if (connection.authType === 'bearer') headers.Authorization = `Bearer ${connection.token ?? ''}`;
	if (connection.authType === 'basic') {
		const pair = `${connection.user ?? ''}:${connection.password ?? ''}`;
		headers.Authorization = `Basic ${Buffer.from(pair, 'utf8').toString('base64')}`;
	}
	return headers;
}

/** The base URL without trailing slashes. */
export function prometheusBaseUrl(connection: Pick<PrometheusConnection, 'url'>): string {
	const url = String(connection.url ?? '')
		.trim()
		.replace(/\/+$/, '');
	if (!/^https?:\/\/[^/]/.test(url)) {
		throw new InvalidInputError(`Prometheus URL "${connection.url}" is not an http(s) URL`, 'url');
	}
	return url;
}
