// The Trend Predict node's Prometheus source against a real Prometheus 2.42 behind basic auth:
// a real range query, one item per series with labels, the same numbers as Prometheus'
// predict_linear at the same time; Prometheus' own error texts; a clear error when unreachable;
// and the credential test (GET /api/v1/status/buildinfo) passing and failing as it should.
import type { ICredentialDataDecryptedObject, IHttpRequestOptions } from 'n8n-workflow';
import { NodeApiError } from 'n8n-workflow';

import { prometheusClient } from '../../lib/trend';
import { loadCredentialType, loadNode, resolveExpression, runNode } from '../harness/nodeHarness';
import { closedPort } from '../support/net';
import { startPrometheus, type PrometheusInstance } from '../support/prometheus';
import { BASE_MS, SPAN_MS, trendCases } from '../support/trendCases';

const node = loadNode('TrendPredict');
const credentialType = loadCredentialType('AiopsPrometheusApi');
const credentialTypes = { aiopsPrometheusApi: credentialType };
const USER = 'n8n';
const PASSWORD = 'pr0m-s3cret';
const END = BASE_MS + SPAN_MS;

let prom: PrometheusInstance;
const credentials = () => ({
	aiopsPrometheusApi: {
		url: prom.url,
		authType: 'basic',
		user: USER,
		password: PASSWORD,
		headers: '{}',
	},
});

beforeAll(async () => {
	const cases = trendCases().filter((c) => ['noisy_linear', 'large', 'step'].includes(c.name));
	prom = await startPrometheus({
		series: cases.map((c) => ({ name: 'trend_src', labels: { case: c.name }, samples: c.samples })),
		basicAuthUsers: { [USER]: PASSWORD },
	});
});
afterAll(async () => {
	await prom?.stop();
});

/** What n8n does for a declarative credential test: the test request, authenticated; 2xx passes. */
async function credentialTest(
	data: ICredentialDataDecryptedObject,
): Promise<{ ok: boolean; status: number; body: string }> {
	const request = resolveExpression(credentialType.test!.request, undefined, {
		$credentials: data,
	}) as IHttpRequestOptions;
	const authenticate = credentialType.authenticate as (
		c: ICredentialDataDecryptedObject,
		r: IHttpRequestOptions,
	) => Promise<IHttpRequestOptions>;
	const authed = await authenticate(data, {
		...request,
		url: `${request.baseURL}${request.url}`,
		headers: {},
	});
	const res = await fetch(authed.url, { headers: authed.headers as Record<string, string> });
	return { ok: res.ok, status: res.status, body: await res.text() };
}

describe('Trend Predict with a real Prometheus 2.42 (source: range query)', () => {
	it('emits one item per series, labels kept, with exactly predict_linear’s value when the steps are the samples', async () => {
		const [out] = await runNode(node, {
			parameters: {
				source: 'prometheus',
				operation: 'linearTrend',
				query: 'trend_src{case=~"noisy_linear|large"}',
				range: '1h',
				step: '15s', // the scrape interval, on the samples' grid: the range query returns the raw samples
				evaluationTime: String(END / 1000),
				horizonHours: 4,
				direction: 'none',
			},
			credentials: credentials(),
			credentialTypes,
		});
		expect(out.map((o) => o.json.metric)).toEqual([
			{ __name__: 'trend_src', case: 'large' },
			{ __name__: 'trend_src', case: 'noisy_linear' },
		]);
		const client = prometheusClient({
			url: prom.url,
			authType: 'basic',
			user: USER,
			password: PASSWORD,
		});
		const expected = (await client.query('predict_linear(trend_src[1h], 14400)', END))
			.result as Array<{
			metric: { case: string };
			value: [number, string];
		}>;
		const deriv = (await client.query('deriv(trend_src[1h])', END)).result as typeof expected;
		for (const item of out) {
			const name = (item.json.metric as { case: string }).case;
			expect(item.json.samples).toBe(241); // x[1h] at 15 s, both ends included
			expect(item.json.predicted).toBe(
				Number(expected.find((e) => e.metric.case === name)!.value[1]),
			);
			expect(item.json.slope_per_second).toBe(
				Number(deriv.find((e) => e.metric.case === name)!.value[1]),
			);
			expect(item.json.evaluation_time).toBe(new Date(END).toISOString());
		}
	});

	it('gives every operation its numbers from the same range query (smoothing and baseline)', async () => {
		const parameters = {
			source: 'prometheus',
			query: 'trend_src{case="step"}',
			range: '1h',
			step: '30s',
			evaluationTime: String((BASE_MS + 3 * 3600_000 + 600_000) / 1000), // 10 minutes after the step
		};
		const [[smooth]] = await runNode(node, {
			parameters: { ...parameters, operation: 'smoothing', smoothingFactor: 0.5, trendFactor: 0.5 },
			credentials: credentials(),
			credentialTypes,
		});
		const [[base]] = await runNode(node, {
			parameters: { ...parameters, operation: 'baseline', k: 1 },
			credentials: credentials(),
			credentialTypes,
		});
		const client = prometheusClient({
			url: prom.url,
			authType: 'basic',
			user: USER,
			password: PASSWORD,
		});
		const at = BASE_MS + 3 * 3600_000 + 600_000;
		const value = async (expr: string) =>
			Number(
				((await client.query(expr, at)).result as Array<{ value: [number, string] }>)[0].value[1],
			);
		expect(smooth.json.smoothed).toBe(
			await value('holt_winters(trend_src{case="step"}[1h], 0.5, 0.5)'),
		);
		expect(base.json.mean).toBe(await value('avg_over_time(trend_src{case="step"}[1h])'));
		expect(base.json.stddev).toBe(await value('stddev_over_time(trend_src{case="step"}[1h])'));
		expect(base.json).toMatchObject({ current: 50, anomaly: true }); // 50 against a mostly-10 hour
	});

	it("fails a bad query with Prometheus' own error text", async () => {
		const error = await runNode(node, {
			parameters: {
				source: 'prometheus',
				operation: 'linearTrend',
				query: 'sum(trend_src',
				direction: 'none',
			},
			credentials: credentials(),
			credentialTypes,
		}).catch((e: unknown) => e);
		expect(error).toBeInstanceOf(NodeApiError);
		expect((error as Error).message).toBe(
			'Prometheus answered 400 bad_data: 1:14: parse error: unclosed left parenthesis',
		);
		const tooMany = await runNode(node, {
			parameters: {
				source: 'prometheus',
				operation: 'linearTrend',
				query: 'trend_src',
				range: '7d',
				step: '1s',
				direction: 'none',
			},
			credentials: credentials(),
			credentialTypes,
		}).catch((e: unknown) => e);
		expect((tooMany as Error).message).toBe(
			'Prometheus answered 400 bad_data: exceeded maximum resolution of 11,000 points per timeseries. Try decreasing the query resolution (?step=XX)',
		);
	});

	it('says clearly when the password is wrong or Prometheus is not there', async () => {
		const wrong = await runNode(node, {
			parameters: {
				source: 'prometheus',
				operation: 'linearTrend',
				query: 'trend_src',
				direction: 'none',
			},
			credentials: {
				aiopsPrometheusApi: { ...credentials().aiopsPrometheusApi, password: 'nope' },
			},
			credentialTypes,
		}).catch((e: unknown) => e);
		expect(wrong).toBeInstanceOf(NodeApiError);
		expect((wrong as Error).message).toBe(
			`Prometheus at ${prom.url} answered HTTP 401 without a Prometheus API result: Unauthorized`,
		);
		const port = await closedPort();
		const down = await runNode(node, {
			parameters: {
				source: 'prometheus',
				operation: 'linearTrend',
				query: 'trend_src',
				direction: 'none',
			},
			credentials: { aiopsPrometheusApi: { url: `http://127.0.0.1:${port}` } },
			credentialTypes,
		}).catch((e: unknown) => e);
		expect(down).toBeInstanceOf(NodeApiError);
		expect((down as Error).message).toBe(
			`Cannot reach Prometheus at http://127.0.0.1:${port}: connection refused (is it running, and is the port right?)`,
		);
	});

	it('passes the credential test with the right password and fails it otherwise', async () => {
		const good = await credentialTest(credentials().aiopsPrometheusApi);
		expect(good.ok).toBe(true);
		expect(JSON.parse(good.body).data.version).toMatch(/^2\.42\./);
		const bad = await credentialTest({ ...credentials().aiopsPrometheusApi, password: 'nope' });
		expect(bad).toMatchObject({ ok: false, status: 401 });
		const none = await credentialTest({ url: `${prom.url}/`, authType: 'none' });
		expect(none.status).toBe(401);
	});
});
