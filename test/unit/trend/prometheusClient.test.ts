import { InvalidInputError, UpstreamError } from '../../../lib/errors';
import {
	PrometheusClient,
	prometheusBaseUrl,
	prometheusHeaders,
	type PrometheusRequest,
	type PrometheusTransport,
} from '../../../lib/trend';

function answering(
	status: number,
	body: unknown,
	seen: PrometheusRequest[] = [],
): PrometheusTransport {
	return async (request) => {
		seen.push(request);
		return { status, body };
	};
}

describe('Prometheus client', () => {
	it('sends a range query with Prometheus time and step notation, and reads the matrix', async () => {
		const seen: PrometheusRequest[] = [];
		const client = new PrometheusClient(
			answering(
				200,
				{
					status: 'success',
					data: {
						resultType: 'matrix',
						result: [
							{
								metric: { __name__: 'up', job: 'api' },
								values: [
									[1700000000, '1'],
									[1700000015.5, 'NaN'],
								],
							},
							{ metric: { job: 'db' }, values: [[1700000000.001, '+Inf']] },
						],
					},
					warnings: ['careful'],
				},
				seen,
			),
			'http://prom:9090',
		);
		const { series, warnings } = await client.queryRange(
			'up',
			1_700_000_000_000,
			1_700_003_600_500,
			15_000,
		);
		expect(seen).toEqual([
			{
				path: '/api/v1/query_range',
				query: { query: 'up', start: '1700000000', end: '1700003600.5', step: '15' },
			},
		]);
		expect(warnings).toEqual(['careful']);
		expect(series.map((s) => s.metric)).toEqual([{ __name__: 'up', job: 'api' }, { job: 'db' }]);
		expect(Array.from(series[0].series.t)).toEqual([1_700_000_000_000, 1_700_000_015_500]);
		expect(series[0].series.v[1]).toBeNaN();
		expect(series[1].series.t[0]).toBe(1_700_000_000_001);
		expect(series[1].series.v[0]).toBe(Infinity);
	});

	it("surfaces Prometheus' own error text with its type and HTTP status", async () => {
		const body = {
			status: 'error',
			errorType: 'bad_data',
			error: 'invalid parameter "query": 1:6: parse error: unclosed left parenthesis',
		};
		const client = new PrometheusClient(answering(400, body), 'http://prom:9090');
		const error = await client.queryRange('sum(x', 0, 1000, 1000).catch((e: unknown) => e);
		expect(error).toBeInstanceOf(UpstreamError);
		expect((error as UpstreamError).message).toBe(
			'Prometheus answered 400 bad_data: invalid parameter "query": 1:6: parse error: unclosed left parenthesis',
		);
		expect((error as UpstreamError).httpCode).toBe(400);
	});

	it('says clearly when Prometheus cannot be reached, or something else answers', async () => {
		const refused = new PrometheusClient(async () => {
			const cause = Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:1'), {
				code: 'ECONNREFUSED',
			});
			throw new TypeError('fetch failed', { cause });
		}, 'http://127.0.0.1:1');
		await expect(refused.buildInfo()).rejects.toThrow(
			'Cannot reach Prometheus at http://127.0.0.1:1: connection refused (is it running, and is the port right?)',
		);
		const dns = new PrometheusClient(async () => {
			throw Object.assign(new Error('getaddrinfo ENOTFOUND prom.nowhere'), { code: 'ENOTFOUND' });
		}, 'http://prom.nowhere:9090');
		await expect(dns.buildInfo()).rejects.toThrow(
			'Cannot reach Prometheus at http://prom.nowhere:9090: host name not found',
		);
		const other = new PrometheusClient(async () => {
			throw new Error('socket hang up');
		}, 'http://p');
		await expect(other.buildInfo()).rejects.toThrow(
			'Cannot reach Prometheus at http://p: socket hang up',
		);
		const proxy = new PrometheusClient(answering(401, 'Unauthorized\n'), 'http://prom:9090');
		await expect(proxy.buildInfo()).rejects.toThrow(
			'Prometheus at http://prom:9090 answered HTTP 401 without a Prometheus API result: Unauthorized',
		);
		const html = new PrometheusClient(answering(200, '<html>grafana</html>'), 'http://grafana');
		await expect(html.buildInfo()).rejects.toThrow(
			/answered HTTP 200 without a Prometheus API result/,
		);
		const vector = new PrometheusClient(
			answering(200, { status: 'success', data: { resultType: 'vector', result: [] } }),
			'http://prom:9090',
		);
		await expect(vector.queryRange('up', 0, 1, 1)).rejects.toThrow(/instead of a matrix/);
	});

	it('parses an answer that came as text', async () => {
		const client = new PrometheusClient(
			answering(200, '{"status":"success","data":{"version":"2.42.0"}}'),
			'http://prom:9090',
		);
		expect(await client.buildInfo()).toEqual({ version: '2.42.0' });
	});

	it('builds the auth and custom headers from the credential', () => {
		expect(prometheusHeaders({ url: 'http://p', authType: 'bearer', token: 't0k' })).toEqual({
			Authorization: 'Bearer t0k',
		});
		expect(
			prometheusHeaders({
				url: 'http://p',
				authType: 'basic',
				user: 'u',
				password: 'p:w',
				headers: '{"X-Scope-OrgID":"a"}',
			}),
		).toEqual({
			'X-Scope-OrgID': 'a',
			Authorization: 'Basic ' + Buffer.from('u:p:w').toString('base64'),
		});
		expect(prometheusHeaders({ url: 'http://p', authType: 'none', headers: { 'X-A': 1 } })).toEqual(
			{ 'X-A': '1' },
		);
		expect(() => prometheusHeaders({ url: 'http://p', headers: '{oops' })).toThrow(
			InvalidInputError,
		);
		expect(() => prometheusHeaders({ url: 'http://p', headers: '[1]' })).toThrow(/JSON object/);
	});

	it('normalises the base URL and refuses what is not http(s)', () => {
		expect(prometheusBaseUrl({ url: ' http://prom:9090/// ' })).toBe('http://prom:9090');
		expect(prometheusBaseUrl({ url: 'https://x.example/prometheus/' })).toBe(
			'https://x.example/prometheus',
		);
		expect(() => prometheusBaseUrl({ url: 'prom:9090' })).toThrow(/not an http\(s\) URL/);
	});
});
