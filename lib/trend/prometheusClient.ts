// A client for Prometheus' HTTP API (/api/v1/query_range, /api/v1/query,
// /api/v1/status/buildinfo). HTTP itself is a transport the caller gives: in n8n the node's
// authenticated request helper, elsewhere fetchTransport. Error answers keep Prometheus' own
// text; a Prometheus that cannot be reached says so with its address.
import { UpstreamError } from '../errors';
import { parseSampleValue } from './numbers';
import { prometheusBaseUrl, prometheusHeaders, type PrometheusConnection } from './prometheusAuth';
import type { Series } from './series';

export interface PrometheusRequest {
	/** e.g. /api/v1/query_range */
	path: string;
	query: Record<string, string>;
}

export interface PrometheusAnswer {
	status: number;
	/** parsed JSON, or text when the body was not JSON */
	body: unknown;
}

/** Sends one GET; resolves with any HTTP status, rejects only when no answer came. */
export type PrometheusTransport = (request: PrometheusRequest) => Promise<PrometheusAnswer>;

export interface LabeledSeries {
	metric: Record<string, string>;
	series: Series;
}

export interface RangeQueryResult {
	series: LabeledSeries[];
	warnings: string[];
}

interface ApiEnvelope {
	status?: string;
	data?: unknown;
	errorType?: string;
	error?: string;
	warnings?: string[];
}

/** Timestamps as Prometheus writes them: Unix seconds with a millisecond fraction. */
function promTimestamp(ms: number): string {
	return (ms / 1000).toFixed(3).replace(/\.?0+$/, '');
}

function parseBody(body: unknown): unknown {
	if (typeof body !== 'string') return body;
	try {
		return JSON.parse(body);
	} catch {
		return body;
	}
}

function snippet(body: unknown): string {
	const text = typeof body === 'string' ? body : JSON.stringify(body);
	return (text ?? '').trim().slice(0, 300);
}

const NETWORK_REASONS: Record<string, string> = {
	ECONNREFUSED: 'connection refused (is it running, and is the port right?)',
	ENOTFOUND: 'host name not found',
	EAI_AGAIN: 'host name lookup failed',
	ETIMEDOUT: 'timed out',
	ECONNRESET: 'connection reset',
	EHOSTUNREACH: 'host unreachable',
	UND_ERR_CONNECT_TIMEOUT: 'connect timed out',
	CERT_HAS_EXPIRED: 'its TLS certificate has expired',
	DEPTH_ZERO_SELF_SIGNED_CERT: 'its TLS certificate is self-signed',
	SELF_SIGNED_CERT_IN_CHAIN: 'its TLS certificate chain is self-signed',
};

/**
 * Why no answer came, in words. Codes are spelled out rather than quoted: n8n replaces any error
 * message naming ECONNREFUSED & co. with a generic text that drops the address.
 */
function networkReason(error: Error): string {
	const withCode = error as Error & { code?: string; cause?: Error & { code?: string } };
	const code = withCode.cause?.code ?? withCode.code;
	if (code && NETWORK_REASONS[code]) return NETWORK_REASONS[code];
	if (error.name === 'TimeoutError' || error.name === 'AbortError') return 'no answer in time';
	return withCode.cause?.message ?? error.message;
}

function matrixSeries(result: unknown, baseUrl: string): LabeledSeries[] {
	if (!Array.isArray(result)) {
		throw new UpstreamError(
			`Prometheus at ${baseUrl} answered a matrix without a result list`,
			'Prometheus',
		);
	}
	return result.map((entry: { metric?: Record<string, string>; values?: unknown[] }) => {
		const values = Array.isArray(entry.values) ? entry.values : [];
		const series: Series = {
			t: new Float64Array(values.length),
			v: new Float64Array(values.length),
		};
		values.forEach((pair, i) => {
			const [t, v] = pair as [number, string];
			series.t[i] = Math.round(Number(t) * 1000);
			series.v[i] = parseSampleValue(v) ?? NaN;
		});
		return { metric: { ...(entry.metric ?? {}) }, series };
	});
}

export class PrometheusClient {
	constructor(
		private readonly transport: PrometheusTransport,
		/** for messages only */
		readonly baseUrl: string,
	) {}

	/** Sends a request and returns `data` of a success answer; throws UpstreamError otherwise. */
	async call(
		path: string,
		query: Record<string, string>,
	): Promise<{ data: unknown; warnings: string[] }> {
		let answer: PrometheusAnswer;
		try {
			answer = await this.transport({ path, query });
		} catch (error) {
			throw new UpstreamError(
				`Cannot reach Prometheus at ${this.baseUrl}: ${networkReason(error as Error)}`,
				'Prometheus',
			);
		}
		const body = parseBody(answer.body) as ApiEnvelope;
		if (body && typeof body === 'object' && body.status === 'error') {
			throw new UpstreamError(
				`Prometheus answered ${answer.status} ${body.errorType ?? 'error'}: ${body.error ?? ''}`,
				'Prometheus',
				answer.status,
				body,
			);
		}
		if (answer.status >= 400 || !body || typeof body !== 'object' || body.status !== 'success') {
			throw new UpstreamError(
				`Prometheus at ${this.baseUrl} answered HTTP ${answer.status} without a Prometheus API result: ${snippet(answer.body)}`,
				'Prometheus',
				answer.status,
				answer.body,
			);
		}
		return { data: body.data, warnings: body.warnings ?? [] };
	}

	/** /api/v1/query_range: one series per result, with its labels. */
	async queryRange(
		query: string,
		startMs: number,
		endMs: number,
		stepMs: number,
	): Promise<RangeQueryResult> {
		const { data, warnings } = await this.call('/api/v1/query_range', {
			query,
			start: promTimestamp(startMs),
			end: promTimestamp(endMs),
			step: promTimestamp(stepMs),
		});
		const { resultType, result } = (data ?? {}) as { resultType?: string; result?: unknown };
		if (resultType !== 'matrix') {
			throw new UpstreamError(
				`Prometheus at ${this.baseUrl} answered a range query with "${resultType}" instead of a matrix`,
				'Prometheus',
			);
		}
		return { series: matrixSeries(result, this.baseUrl), warnings };
	}

	/** /api/v1/query at one time: `data` as Prometheus answers it (resultType and result). */
	async query(query: string, timeMs: number): Promise<{ resultType: string; result: unknown }> {
		const { data } = await this.call('/api/v1/query', { query, time: promTimestamp(timeMs) });
		return data as { resultType: string; result: unknown };
	}

	/** /api/v1/status/buildinfo: version, revision, … */
	async buildInfo(): Promise<Record<string, string>> {
		const { data } = await this.call('/api/v1/status/buildinfo', {});
		return data as Record<string, string>;
	}
}

/** A transport over Node's fetch, for use outside n8n (tests, scripts). */
export function fetchTransport(
	connection: PrometheusConnection,
	timeoutMs = 30_000,
): PrometheusTransport {
	const baseUrl = prometheusBaseUrl(connection);
	const headers = prometheusHeaders(connection);
	return async ({ path, query }) => {
		const url = new URL(baseUrl + path);
		for (const [k, v] of Object.entries(query)) url.searchParams.set(k, v);
		const res = await fetch(url, { headers, signal: AbortSignal.timeout(timeoutMs) });
		const text = await res.text();
		return { status: res.status, body: parseBody(text) };
	};
}

export function prometheusClient(
	connection: PrometheusConnection,
	timeoutMs?: number,
): PrometheusClient {
	return new PrometheusClient(fetchTransport(connection, timeoutMs), prometheusBaseUrl(connection));
}
