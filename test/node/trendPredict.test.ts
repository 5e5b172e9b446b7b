import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import { NodeApiError, NodeOperationError } from 'n8n-workflow';

import { loadCredentialType, loadNode, runNode } from '../harness/nodeHarness';

const node = loadNode('TrendPredict');
const credentialTypes = { aiopsPrometheusApi: loadCredentialType('AiopsPrometheusApi') };

/** 10 + 0.5/min for an hour, as [seconds, "value"] pairs (the Prometheus API shape). */
const rising = Array.from({ length: 61 }, (_, i) => [1_700_000_000 + 60 * i, String(10 + 0.5 * i)]);

describe('Trend Predict (node, series in items)', () => {
	it('emits one item per series with labels and other fields kept, the samples left behind', async () => {
		const [out] = await runNode(node, {
			parameters: {
				source: 'items',
				operation: 'linearTrend',
				horizonHours: 4,
				threshold: 100,
				direction: 'above',
			},
			items: [
				{ json: { metric: { job: 'api', pod: 'api-1' }, values: rising, team: 'sre' } },
				{ json: { metric: { job: 'db' }, values: rising.slice(0, 31) } },
			],
		});
		expect(out).toHaveLength(2);
		expect(out.map((o) => o.pairedItem)).toEqual([{ item: 0 }, { item: 1 }]);
		const first = out[0].json;
		expect(first).not.toHaveProperty('values');
		expect(first).toMatchObject({
			metric: { job: 'api', pod: 'api-1' },
			team: 'sre',
			operation: 'linearTrend',
			// the default evaluation time of series in items is the last sample
			evaluation_time: new Date((1_700_000_000 + 3600) * 1000).toISOString(),
			samples: 61,
			current: 40,
			r_squared: 1,
			confidence: 'high',
			threshold: 100,
			direction: 'above',
			breached_now: false,
			will_breach: true,
			horizon_hours: 4,
		});
		expect(first.slope_per_hour as number).toBeCloseTo(30, 9);
		expect(first.predicted as number).toBeCloseTo(160, 8);
		expect(first.hours_to_threshold as number).toBeCloseTo(2, 9);
		expect(out[1].json.current).toBe(25);
	});

	it('honours the evaluation time, the window, {t, v} objects and millisecond timestamps', async () => {
		const points = rising.map(([s, v]) => ({ t: (s as number) * 1000, v: Number(v) }));
		const [out] = await runNode(node, {
			parameters: {
				source: 'items',
				operation: 'baseline',
				seriesField: 'points',
				labelsField: 'labels',
				timestampUnit: 'milliseconds',
				window: '10m',
				evaluationTime: '2023-11-14T22:43:20Z', // 30 minutes in
				quantiles: '0, 1',
			},
			items: [{ json: { labels: { job: 'api' }, points } }],
		});
		expect(out[0].json).toMatchObject({
			metric: { job: 'api' },
			evaluation_time: '2023-11-14T22:43:20.000Z',
			samples: 11, // x[10m] is closed at both ends in Prometheus 2.42
			current: 25,
			mean: 22.5,
			quantiles: { '0': 20, '1': 25 },
			anomaly: false,
			k: 3,
		});
	});

	it('says why a value is missing instead of failing on too few samples', async () => {
		const [out] = await runNode(node, {
			parameters: { source: 'items', operation: 'smoothing' },
			items: [{ json: { values: [[1_700_000_000, '5']] } }, { json: { values: [] } }],
		});
		expect(out[0].json).toMatchObject({ samples: 1, current: 5, smoothed: null });
		expect(out[0].json.note).toMatch(/1 sample in the window, 2 needed/);
		expect(out[1].json).toMatchObject({
			samples: 0,
			current: null,
			smoothed: null,
			evaluation_time: null,
		});
		expect(out[1].json.note).toMatch(/No samples/);
	});

	it('writes NaN and infinities the way Prometheus does', async () => {
		const [out] = await runNode(node, {
			parameters: { source: 'items', operation: 'baseline', quantiles: '0.5' },
			items: [
				{
					json: {
						values: [
							[1, '1'],
							[2, 'NaN'],
							[3, '+Inf'],
						],
					},
				},
			],
		});
		expect(out[0].json).toMatchObject({
			current: '+Inf',
			mean: 'NaN',
			stddev: 'NaN',
			anomaly: false,
		});
	});

	it("refuses smoothing factors with Prometheus' own words", async () => {
		const error = await runNode(node, {
			parameters: { source: 'items', operation: 'smoothing', smoothingFactor: 1, trendFactor: 0.5 },
			items: [{ json: { values: rising } }],
		}).catch((e: unknown) => e);
		expect(error).toBeInstanceOf(NodeOperationError);
		expect((error as Error).message).toBe(
			'Item 0: invalid smoothing factor. Expected: 0 < sf < 1, got: 1.000000',
		);
	});

	it('fails a bad item naming the item and the field; with Continue On Fail the others still come out', async () => {
		const items = [
			{ json: { values: rising } },
			{ json: { values: [[1, 'x']] } },
			{ json: { values: rising } },
		];
		const parameters = { source: 'items', operation: 'linearTrend', direction: 'none' };
		const error = await runNode(node, { parameters, items }).catch((e: unknown) => e);
		expect(error).toBeInstanceOf(NodeOperationError);
		expect((error as Error).message).toBe('Item 1: values[0]: value "x" is not a number');
		expect((error as NodeOperationError).context.itemIndex).toBe(1);

		const [out] = await runNode(node, { parameters, items, continueOnFail: true });
		expect(out).toHaveLength(3);
		expect(out[1].json).toEqual({
			error: 'Item 1: values[0]: value "x" is not a number',
			field: 'values[0]',
		});
		expect(out[1].pairedItem).toEqual({ item: 1 });
		expect(out[2].json.samples).toBe(61);
		expect(out[0].json.threshold).toBeNull();
	});
});

interface Seen {
	url: URL;
	headers: IncomingHttpHeaders;
}

async function fakePrometheus(answer: (url: URL) => [number, unknown]) {
	const seen: Seen[] = [];
	const server: Server = createServer((req, res) => {
		const url = new URL(req.url ?? '/', 'http://x');
		seen.push({ url, headers: req.headers });
		const [status, body] = answer(url);
		res.writeHead(status, {
			'content-type': typeof body === 'string' ? 'text/plain' : 'application/json',
		});
		res.end(typeof body === 'string' ? body : JSON.stringify(body));
	});
	await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
	const { port } = server.address() as { port: number };
	return {
		url: `http://127.0.0.1:${port}`,
		seen,
		close: () => new Promise((r) => server.close(r)),
	};
}

describe('Trend Predict (node, Prometheus source)', () => {
	const matrix = {
		status: 'success',
		data: {
			resultType: 'matrix',
			result: [
				{ metric: { __name__: 'mem', pod: 'a' }, values: rising.slice(0, 31) },
				{ metric: { __name__: 'mem', pod: 'b' }, values: rising.slice(30) },
			],
		},
		warnings: ['partial data'],
	};

	it('runs the range query with the credential (bearer + custom headers) and emits one item per series', async () => {
		const prom = await fakePrometheus(() => [200, matrix]);
		try {
			const before = Date.now();
			const [out] = await runNode(node, {
				parameters: {
					source: 'prometheus',
					operation: 'linearTrend',
					query: 'mem',
					range: '30m',
					step: '60',
					direction: 'none',
				},
				credentials: {
					aiopsPrometheusApi: {
						url: `${prom.url}/`,
						authType: 'bearer',
						token: 's3cret',
						headers: '{"X-Scope-OrgID":"team-a"}',
					},
				},
				credentialTypes,
			});
			const after = Date.now();
			expect(prom.seen).toHaveLength(1);
			const { url, headers } = prom.seen[0];
			expect(url.pathname).toBe('/api/v1/query_range');
			expect(headers.authorization).toBe('Bearer s3cret');
			expect(headers['x-scope-orgid']).toBe('team-a');
			expect(url.searchParams.get('query')).toBe('mem');
			expect(url.searchParams.get('step')).toBe('60');
			const start = Number(url.searchParams.get('start')) * 1000;
			const end = Number(url.searchParams.get('end')) * 1000;
			expect(end - start).toBe(1800_000);
			// the default evaluation time of a Prometheus query is now
			expect(end).toBeGreaterThanOrEqual(before);
			expect(end).toBeLessThanOrEqual(after);
			expect(out.map((o) => o.json.metric)).toEqual([
				{ __name__: 'mem', pod: 'a' },
				{ __name__: 'mem', pod: 'b' },
			]);
			expect(out.map((o) => o.pairedItem)).toEqual([{ item: 0 }, { item: 0 }]);
			expect(out[0].json.warnings).toEqual(['partial data']);
		} finally {
			await prom.close();
		}
	});

	it('sends basic auth', async () => {
		const prom = await fakePrometheus(() => [200, matrix]);
		try {
			await runNode(node, {
				parameters: {
					source: 'prometheus',
					operation: 'smoothing',
					query: 'mem',
					evaluationTime: '1700003600',
				},
				credentials: {
					aiopsPrometheusApi: { url: prom.url, authType: 'basic', user: 'u', password: 'p' },
				},
				credentialTypes,
			});
			expect(prom.seen[0].headers.authorization).toBe(
				'Basic ' + Buffer.from('u:p').toString('base64'),
			);
			expect(prom.seen[0].url.searchParams.get('end')).toBe('1700003600');
		} finally {
			await prom.close();
		}
	});

	it("fails with Prometheus' error text, or says it cannot reach Prometheus", async () => {
		const prom = await fakePrometheus(() => [
			422,
			{
				status: 'error',
				errorType: 'execution',
				error: 'query processing would load too many samples into memory in query execution',
			},
		]);
		const parameters = {
			source: 'prometheus',
			operation: 'linearTrend',
			query: 'mem',
			direction: 'none',
		};
		try {
			const error = await runNode(node, {
				parameters,
				credentials: { aiopsPrometheusApi: { url: prom.url } },
				credentialTypes,
			}).catch((e: unknown) => e);
			expect(error).toBeInstanceOf(NodeApiError);
			expect((error as Error).message).toBe(
				'Prometheus answered 422 execution: query processing would load too many samples into memory in query execution',
			);
		} finally {
			await prom.close();
		}
		const unreachable = await runNode(node, {
			parameters,
			credentials: { aiopsPrometheusApi: { url: prom.url } }, // closed now
			credentialTypes,
		}).catch((e: unknown) => e);
		expect(unreachable).toBeInstanceOf(NodeApiError);
		expect((unreachable as Error).message).toBe(
			`Cannot reach Prometheus at ${prom.url}: connection refused (is it running, and is the port right?)`,
		);
	});

	it('names a broken Custom Headers credential field', async () => {
		const error = await runNode(node, {
			parameters: {
				source: 'prometheus',
				operation: 'linearTrend',
				query: 'mem',
				direction: 'none',
			},
			credentials: { aiopsPrometheusApi: { url: 'http://127.0.0.1:9', headers: '{not json' } },
			credentialTypes,
		}).catch((e: unknown) => e);
		expect(error).toBeInstanceOf(NodeOperationError);
		expect((error as Error).message).toMatch(/Custom Headers must be a JSON object/);
	});

	it('declares a credential test that calls /api/v1/status/buildinfo', () => {
		const { test } = credentialTypes.aiopsPrometheusApi;
		expect(test?.request.url).toBe('/api/v1/status/buildinfo');
		expect(test?.request.baseURL).toContain('$credentials.url');
	});
});
