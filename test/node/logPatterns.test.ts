import type { INodeExecutionData, INodeProperties } from 'n8n-workflow';
import { NodeApiError, NodeOperationError } from 'n8n-workflow';

import {
	DEFAULT_BURST_OPTIONS,
	DEFAULT_MINER_OPTIONS,
	DEFAULT_WARM_UP,
	MASK_NAMES,
} from '../../lib/logs';
import { builtStore, loadNode, runNode } from '../harness/nodeHarness';
import { FakeKube } from '../k8s/server';
import { closedPort } from '../support/net';
import {
	deletePrefix,
	dropSchema,
	postgresConnection,
	redisConnection,
	testPrefix,
	testSchema,
	tmpFolder,
} from '../support/stores';

const { closeEmbeddedStores, closePostgresPools, closeRedisClients } = builtStore();

const node = loadNode('LogPatterns');
const recordAnomaly = loadNode('RecordAnomaly');
const folder = tmpFolder('logpatterns-node');
const prefix = testPrefix();
const schema = testSchema();

afterAll(async () => {
	await Promise.all([closeEmbeddedStores(), closeRedisClients(), closePostgresPools()]);
	await deletePrefix(prefix);
	await dropSchema(schema);
	folder.remove();
});

const MIN = 60_000;
const T0 = Date.UTC(2026, 10, 20, 8, 0, 0);
const at = (ms: number) => new Date(ms).toISOString();
const occurrenceInstant = (ms: number) => at(ms).replace(/\.000Z$/, 'Z');

/** A pod's normal traffic: a few request lines and a periodic job line. */
function normalLines(run: number, n = 12): string[] {
	return Array.from({ length: n }, (_, i) =>
		i % 4 === 3
			? `cache refreshed in ${10 + i} ms, ${100 + run} entries`
			: `GET /api/orders/${run * 100 + i} 200 ${i + 3}ms`,
	);
}

const podItem = (lines: string[], pod = 'checkout-7d4b9c8f6-x2kqz') => ({
	json: { namespace: 'shop', workload: 'checkout', pod, container: 'app', message: lines },
});

const stores = [
	[
		'Embedded',
		{ store: 'embedded', options: { embeddedFolder: folder.path, schema: 'lp_node' } },
		{},
	],
	[
		'Redis',
		{ store: 'redis', options: { keyPrefix: prefix } },
		{ aiopsRedisApi: { host: redisConnection().host, port: redisConnection().port, database: 0 } },
	],
	[
		'Postgres',
		{ store: 'postgres', options: { schema } },
		{
			aiopsPostgresApi: {
				host: postgresConnection().host,
				port: postgresConnection().port,
				database: postgresConnection().database,
				user: postgresConnection().user,
				password: postgresConnection().password ?? '',
			},
		},
	],
] as const;

describe.each(stores)('Log Patterns (built node) on %s', (name, storeParams, credentials) => {
	const scopeOf = (label: string) => `${name}-${label}`;
	const run = (
		parameters: Record<string, unknown>,
		items: INodeExecutionData[],
		extra: { continueOnFail?: boolean } = {},
	) =>
		runNode(node, {
			parameters: {
				...storeParams,
				resource: 'logPattern',
				...parameters,
				options: { ...storeParams.options, ...(parameters.options as object) },
			},
			items,
			credentials: credentials as never,
			...extra,
		});

	it('learns per template, then a deploy’s new error line comes out once as a new pattern, ready for Record Anomaly', async () => {
		const scope = scopeOf('deploy');
		const params = { operation: 'learnAndMatch', scope, warmUpLines: 30, warmUpMinutes: 10 };
		// warm-up: a run every 5 minutes
		for (let r = 0; r < 4; r++) {
			const [out] = await run({ ...params, options: { referenceTime: at(T0 + r * 5 * MIN) } }, [
				podItem(normalLines(r)),
				podItem(normalLines(r), 'checkout-7d4b9c8f6-abcde'),
			]);
			expect(out.filter((o) => o.json.new)).toEqual([]);
			expect(out.map((o) => o.json.template)).toEqual([
				'GET <*> <*> <*>',
				'cache refreshed in <*>, <*> entries',
			]);
			expect(out.every((o) => (o.json.items as number[])[0] === 0 && o.pairedItem)).toBe(true);
		}
		// the deploy: both pods start logging a new error, three times each
		const error = (id: number) => `ERROR payment client: upstream connect error for order ${id}`;
		const [out] = await run({ ...params, options: { referenceTime: at(T0 + 20 * MIN) } }, [
			podItem([...normalLines(4), error(1), error(2)]),
			podItem([error(3), ...normalLines(4)], 'checkout-7d4b9c8f6-abcde'),
		]);
		const fresh = out.filter((o) => o.json.new);
		expect(fresh).toHaveLength(1);
		const n = fresh[0].json;
		expect(n).toMatchObject({
			scope,
			template: 'ERROR payment client: upstream connect error for order <*>',
			count: 3,
			new: true,
			burst: false,
			first_line: error(1),
			pod: 'checkout-7d4b9c8f6-x2kqz',
			pods: ['checkout-7d4b9c8f6-x2kqz', 'checkout-7d4b9c8f6-abcde'],
			alert_name: 'LogPatternNew',
			status: 'firing',
			namespace: 'shop',
			workload: 'checkout',
			container: 'app',
			error_type: n.template_id,
			startsAt: at(T0 + 20 * MIN),
			signature: {
				alert_name: 'LogPatternNew',
				namespace: 'shop',
				workload: 'checkout',
				container: 'app',
				error_type: n.template_id,
			},
		});
		// the instant in the canonical spelling the trigger uses (lib/alerts occurrenceId)
		expect(n.occurrence_id).toBe(`${n.anomaly_key}@${occurrenceInstant(T0 + 20 * MIN)}`);
		expect(fresh[0].pairedItem).toEqual({ item: 0 });

		// the same line later is no longer new; "New and Bursts Only" then has nothing
		const [later] = await run(
			{ ...params, output: 'anomalies', options: { referenceTime: at(T0 + 25 * MIN) } },
			[podItem([...normalLines(5), error(4)])],
		);
		expect(later).toEqual([]);

		// Record Anomaly takes the new-pattern item as it is: one occurrence, counted once
		const record = (items: INodeExecutionData[]) =>
			runNode(recordAnomaly, {
				parameters: {
					store: 'embedded',
					resource: 'anomaly',
					operation: 'recordOccurrence',
					options: {
						embeddedFolder: folder.path,
						schema: `lp_anomaly_${name.toLowerCase()}`,
						referenceTime: at(T0 + 30 * MIN),
					},
				},
				items,
			});
		const [recorded] = await record([{ json: n }]);
		expect(recorded[0].json.duplicate).toBe(false);
		expect((recorded[0].json.frequency as Record<string, unknown>).count_24h).toBe(1);
		const [again] = await record([{ json: n }]);
		expect(again[0].json.duplicate).toBe(true);
		// the first test on a store also opens it (PGlite: seconds on a loaded machine)
	}, 120_000);

	it('gives one item per line with its template and parameters, paired to its input item', async () => {
		const scope = scopeOf('lines');
		const [out] = await run(
			{ operation: 'learnAndMatch', scope, output: 'lines', logField: 'log.text' },
			[
				{
					json: {
						log: { text: 'user alice logged in from 10.0.0.1\nuser bob logged in from 10.0.0.2' },
					},
				},
				{ json: { log: { text: ['disk /var/lib/data is 91% full'] } } },
			],
		);
		expect(out.map((o) => [o.json.line, o.json.template, o.json.params, o.pairedItem])).toEqual([
			[
				'user alice logged in from 10.0.0.1',
				'user alice logged in from <*>',
				['10.0.0.1'],
				{ item: 0 },
			],
			[
				'user bob logged in from 10.0.0.2',
				'user bob logged in from <*>',
				['10.0.0.2'],
				{ item: 0 },
			],
			[
				'disk /var/lib/data is 91% full',
				'disk <*> is <*>% full',
				['/var/lib/data', '91%'],
				{ item: 1 },
			],
		]);
		expect(out[0].json.template_id).not.toBe(out[1].json.template_id);
	});

	it('matches without learning, lists templates and resets a scope', async () => {
		const scope = scopeOf('match');
		const lines = ['worker 1 started in 10 ms', 'worker 2 started in 12 ms', 'queue drained'];
		await run({ operation: 'learnAndMatch', scope }, [{ json: { message: lines } }]);
		const [matched] = await run({ operation: 'matchOnly', scope, output: 'lines' }, [
			{ json: { message: ['worker 9 started in 1 ms', 'kernel panic: not syncing'] } },
		]);
		expect(matched.map((o) => [o.json.known, o.json.template])).toEqual([
			[true, 'worker <*> started in <*>'],
			[false, null],
		]);
		const [listed] = await run({ operation: 'listTemplates', scope }, [{ json: {} }]);
		expect(listed.map((o) => [o.json.template, o.json.count])).toEqual([
			['worker <*> started in <*>', 2],
			['queue drained', 1],
		]);
		const [reset] = await run({ operation: 'resetScope', scope }, [{ json: {} }]);
		expect(reset[0].json).toEqual({ scope, reset: true });
		const [empty] = await run({ operation: 'listTemplates', scope }, [{ json: {} }]);
		expect(empty).toEqual([]);
	});

	it('flags a burst of a known template against its own history', async () => {
		const scope = scopeOf('burst');
		const params = {
			operation: 'learnAndMatch',
			scope,
			output: 'anomalies',
			warmUpLines: 0,
			warmUpMinutes: 0,
		};
		for (let r = 0; r < 7; r++) {
			const lines = Array.from(
				{ length: 5 + (r % 2) },
				(_, i) => `retrying request ${r * 10 + i} after timeout`,
			);
			await run({ ...params, options: { referenceTime: at(T0 + r * 5 * MIN) } }, [
				{ json: { message: lines } },
			]);
		}
		const lines = Array.from(
			{ length: 80 },
			(_, i) => `retrying request ${1000 + i} after timeout`,
		);
		const [out] = await run({ ...params, options: { referenceTime: at(T0 + 35 * MIN) } }, [
			{ json: { message: lines } },
		]);
		expect(out).toHaveLength(1);
		expect(out[0].json).toMatchObject({
			template: 'retrying request <*> after timeout',
			burst: true,
			new: false,
			count: 80,
			alert_name: 'LogPatternBurst',
			startsAt: at(T0 + 35 * MIN),
		});
		expect(out[0].json.rate_per_minute).toBe(16);
	});
});

describe('Log Patterns: items, errors and parameters', () => {
	const base = {
		store: 'embedded',
		resource: 'logPattern',
		options: { embeddedFolder: folder.path, schema: 'lp_errors' },
	};

	it('fails an item without its log field naming the field and the item, after learning the others', async () => {
		const items = [
			{ json: { message: 'service ready' } },
			{ json: { other: 1 } },
			{ json: { message: [3] } },
		];
		const error = await runNode(node, {
			parameters: { ...base, operation: 'learnAndMatch', scope: 'err' },
			items,
		}).catch((e) => e);
		expect(error).toBeInstanceOf(NodeOperationError);
		expect(error.message).toBe('Item 1 has no field "message" with log lines');
		expect(error.context.itemIndex).toBe(1);
		const [out] = await runNode(node, {
			parameters: { ...base, operation: 'learnAndMatch', scope: 'err' },
			items,
			continueOnFail: true,
		});
		expect(out.map((o) => o.pairedItem)).toEqual([{ item: 0 }, { item: 1 }, { item: 2 }]);
		// the first run learned item 0 before failing, so the template has two lines now
		expect(out[0].json).toMatchObject({ template: 'service ready', count: 1, total: 2 });
		expect(out[1].json).toEqual({ error: error.message, field: 'message' });
		expect(out[2].json).toEqual({
			error: 'Item 2: message[0] must be a string, got number',
			field: 'message[0]',
		});
	});

	it('reports an unreachable store as a NodeApiError on every item', async () => {
		const port = await closedPort();
		const error = await runNode(node, {
			parameters: {
				store: 'redis',
				resource: 'logPattern',
				operation: 'learnAndMatch',
				options: { keyPrefix: prefix },
			},
			items: [{ json: { message: 'x 1' } }],
			credentials: { aiopsRedisApi: { host: '127.0.0.1', port, database: 0 } },
		}).catch((e) => e);
		expect(error).toBeInstanceOf(NodeApiError);
		expect(error.message).toMatch(/Redis at 127\.0\.0\.1:\d+ is unreachable/);
	});

	it('rejects a bad extra mask naming it', async () => {
		const [out] = await runNode(node, {
			parameters: {
				...base,
				operation: 'learnAndMatch',
				options: { ...base.options, extraMasks: 'ok\n(unclosed' },
			},
			items: [{ json: { message: 'x' } }],
			continueOnFail: true,
		});
		expect(out[0].json.field).toBe('extraMasks[1]');
	});

	it('shows the library defaults as the parameters’ defaults', () => {
		const props = node.description.properties;
		const options = props.find((p) => p.name === 'options')!.options as INodeProperties[];
		const def = (name: string) => options.find((o) => o.name === name)!.default;
		expect(def('similarityThreshold')).toBe(DEFAULT_MINER_OPTIONS.similarityThreshold);
		expect(def('siblingThreshold')).toBe(DEFAULT_MINER_OPTIONS.siblingThreshold);
		expect(def('depth')).toBe(DEFAULT_MINER_OPTIONS.depth);
		expect(def('maxClusters')).toBe(DEFAULT_MINER_OPTIONS.maxClusters);
		expect(def('maxLineLength')).toBe(DEFAULT_MINER_OPTIONS.maxLineLength);
		expect(def('burstSigma')).toBe(DEFAULT_BURST_OPTIONS.sigma);
		expect(def('burstMinRuns')).toBe(DEFAULT_BURST_OPTIONS.minRuns);
		expect(def('burstMinCount')).toBe(DEFAULT_BURST_OPTIONS.minCount);
		expect(props.find((p) => p.name === 'warmUpLines')!.default).toBe(DEFAULT_WARM_UP.lines);
		expect(props.find((p) => p.name === 'warmUpMinutes')!.default).toBe(DEFAULT_WARM_UP.minutes);
	});

	it('offers every built-in mask, all on by default', () => {
		const options = node.description.properties.find((p) => p.name === 'options')!
			.options as INodeProperties[];
		const masks = options.find((o) => o.name === 'masks')!;
		expect(masks.default).toEqual([...MASK_NAMES]);
		expect((masks.options as { value: string }[]).map((o) => o.value).sort()).toEqual(
			[...MASK_NAMES].sort(),
		);
	});
});

describe('Log Patterns with Kubernetes pod logs (fake API server)', () => {
	let fake: FakeKube;
	const kubePrefix = testPrefix();
	const T = (s: number) => new Date(Date.UTC(2026, 10, 21, 7, 0, s)).toISOString();
	const logLines = (from: number, to: number) =>
		Array.from({ length: to - from }, (_, k) => ({
			time: T(from + k),
			text: `GET /orders/${from + k} 200 ${k + 1}ms`,
		}));

	beforeAll(async () => {
		fake = await new FakeKube({ tickMs: 0 }).start();
		fake.seed({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'shop' } });
		for (const name of ['checkout-7d4b9c8f6-x2kqz', 'checkout-7d4b9c8f6-b5m7p']) {
			fake.seed({
				apiVersion: 'v1',
				kind: 'Pod',
				metadata: {
					name,
					namespace: 'shop',
					labels: { app: 'checkout', 'pod-template-hash': '7d4b9c8f6' },
					ownerReferences: [
						{
							apiVersion: 'apps/v1',
							kind: 'ReplicaSet',
							name: 'checkout-7d4b9c8f6',
							uid: 'rs',
							controller: true,
						},
					],
				},
				spec: { containers: [{ name: 'app', image: 'x' }] },
			});
		}
	});
	afterAll(async () => {
		await fake.stop();
		await deletePrefix(kubePrefix);
	});

	const run = (parameters: Record<string, unknown>) =>
		runNode(node, {
			parameters: {
				store: 'redis',
				resource: 'logPattern',
				operation: 'learnAndMatch',
				source: 'kubernetes',
				namespace: 'shop',
				labelSelector: 'app=checkout',
				output: 'lines',
				...parameters,
				options: { keyPrefix: kubePrefix, ...(parameters.options as object) },
			},
			items: [{ json: {} }],
			credentials: {
				aiopsRedisApi: { host: redisConnection().host, port: redisConnection().port, database: 0 },
				aiopsKubernetesApi: { authentication: 'kubeconfig', kubeconfig: fake.kubeconfig() },
			},
		});

	it('reads only the lines that are new since the last run, per pod and container', async () => {
		fake.setPodLogs('shop', 'checkout-7d4b9c8f6-x2kqz', 'app', logLines(0, 4));
		fake.setPodLogs('shop', 'checkout-7d4b9c8f6-b5m7p', 'app', logLines(0, 2));
		const [first] = await run({});
		expect(first).toHaveLength(6);
		expect(first[0].json).toMatchObject({
			scope: 'shop/checkout',
			namespace: 'shop',
			workload: 'checkout',
			pod: 'checkout-7d4b9c8f6-b5m7p',
			container: 'app',
			template: 'GET <*> <*> <*>',
		});
		expect(first.every((o) => (o.pairedItem as { item: number }).item === 0)).toBe(true);

		fake.setPodLogs('shop', 'checkout-7d4b9c8f6-x2kqz', 'app', [
			...logLines(0, 4),
			{ time: T(10), text: 'ERROR payment client: upstream connect error' },
		]);
		const [second] = await run({});
		expect(second.map((o) => [o.json.pod, o.json.line])).toEqual([
			['checkout-7d4b9c8f6-x2kqz', 'ERROR payment client: upstream connect error'],
		]);
		const [third] = await run({});
		expect(third).toEqual([]);
		// Match Only reads the tails again and learns nothing
		const [matched] = await run({ operation: 'matchOnly' });
		expect(matched).toHaveLength(7);
		const [listed] = await run({ operation: 'listTemplates', workload: 'checkout' });
		expect(listed.map((o) => [o.json.template, o.json.count])).toEqual([
			['GET <*> <*> <*>', 6],
			['ERROR payment client: upstream connect error', 1],
		]);
	});

	it('fails an item without a namespace, naming it', async () => {
		const error = await run({ namespace: '' }).catch((e) => e);
		expect(error).toBeInstanceOf(NodeOperationError);
		expect(error.message).toBe('Item 0 has no namespace to read pod logs from');
	});
});
